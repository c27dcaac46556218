"""Ciclo de vida: cada paso permitido y rechazado según rol y entidad."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from att.models import Rol, Tema
from demanda import services
from demanda.models import EstadoDemanda as E
from demanda.models import EventoDemanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def _registrar(por, entidad, **extra):
    datos = {"por": por, "entidad": entidad, "titulo": "Apoyo para el plan indicativo", "descripcion": "Necesitamos apoyo",
                 "fuente": "metas_pdt", "temas": Tema.objects.filter(codigo="planeacion")}
    datos.update(extra)
    return services.demanda_registrar(**datos)


def test_funcionario_registra_para_su_entidad_con_evento(funcionario_medellin):
    medellin = factories.alcaldia("05001")
    d = _registrar(funcionario_medellin, medellin)
    assert d.estado == E.REGISTRADA and d.registrada_por == funcionario_medellin
    assert list(d.descriptores.values_list("codigo", flat=True)) == ["gestion-publica"]
    ev = d.eventos.get()
    assert (ev.de_estado, ev.a_estado, ev.por) == ("", E.REGISTRADA, funcionario_medellin)


def test_funcionario_no_registra_para_otra_entidad(funcionario_medellin):
    with pytest.raises(PermissionDenied, match=r"No puede registrar demandas para Alcaldía de Cali \(Valle"):
        _registrar(funcionario_medellin, factories.alcaldia("76001"))


def test_equipo_antioquia_registra_para_medellin_no_para_cali(equipo_antioquia):
    d = _registrar(equipo_antioquia, factories.alcaldia("05001"))
    assert d.entidad.municipio_id == "05001"
    with pytest.raises(PermissionDenied, match=r"No puede registrar demandas para Alcaldía de Cali \(Valle"):
        _registrar(equipo_antioquia, factories.alcaldia("76001"))


@pytest.mark.parametrize("quien", ["auditor", "oferente", "admin_dnp"])
def test_otros_roles_no_registran(request, quien):
    with pytest.raises(PermissionDenied, match="No puede registrar demandas para Alcaldía de Medellín"):
        _registrar(request.getfixturevalue(quien), factories.alcaldia("05001"))


def test_registro_sin_temas_y_oferta_no_publicada(funcionario_medellin, entidad_oferente):
    with pytest.raises(ValidationError, match=r"Indique al menos un tema\.") as e:
        _registrar(funcionario_medellin, factories.alcaldia("05001"), temas=[])
    assert "Indique al menos un tema." in e.value.messages
    borrador = fabricas.oferta(entidad_oferente, estado="borrador")
    with pytest.raises(ValidationError, match=r"Solo se puede solicitar una oferta publicada\."):
        _registrar(funcionario_medellin, factories.alcaldia("05001"), oferta=borrador)


@pytest.fixture
def demanda(funcionario_medellin):
    return fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)


def test_ciclo_completo_con_vinculo(demanda, admin_dnp, oferente, entidad_oferente, funcionario_medellin):
    oferta = fabricas.oferta(entidad_oferente)
    services.demanda_iniciar_analisis(demanda=demanda, por=admin_dnp, motivo="Revisión")
    services.demanda_vincular(demanda=demanda, por=admin_dnp, oferta=oferta)
    assert demanda.estado == E.VINCULADA and demanda.oferta == oferta
    services.demanda_poner_en_atencion(demanda=demanda, por=oferente)
    services.demanda_poner_en_atencion(demanda=demanda, por=oferente)  # idempotente
    services.demanda_marcar_atendida(demanda=demanda, por=oferente, motivo="Taller hecho")
    services.demanda_cerrar(demanda=demanda, por=funcionario_medellin, calificacion=4, comentario="Útil")
    demanda.refresh_from_db()
    assert demanda.estado == E.CERRADA and demanda.calificacion == 4
    pasos = list(demanda.eventos.values_list("a_estado", "por__email", "motivo"))
    assert [p[0] for p in pasos] == [E.REGISTRADA, E.EN_ANALISIS, E.VINCULADA, E.EN_ATENCION, E.ATENDIDA, E.CERRADA]
    assert pasos[1][1] == admin_dnp.email and pasos[1][2] == "Revisión"
    assert pasos[4][2] == "Taller hecho"


def test_remitir_y_atender_por_la_entidad_competente(demanda, admin_dnp, oferente, otro_oferente, entidad_oferente):
    services.demanda_remitir(demanda=demanda, por=admin_dnp, entidad_competente=entidad_oferente, motivo="Es de su sector")
    assert demanda.estado == E.REMITIDA and demanda.entidad_competente == entidad_oferente
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «En atención»\."):
        services.demanda_poner_en_atencion(demanda=demanda, por=otro_oferente)
    # El oferente competente puede vincularla a su propia oferta.
    propia = fabricas.oferta(entidad_oferente)
    services.demanda_vincular(demanda=demanda, por=oferente, oferta=propia)
    assert demanda.estado == E.VINCULADA
    services.demanda_poner_en_atencion(demanda=demanda, por=oferente)
    assert demanda.estado == E.EN_ATENCION


def test_oferente_no_vincula_sin_remision(demanda, oferente, entidad_oferente):
    with pytest.raises(PermissionDenied, match="No tiene permiso para vincular esta demanda a la oferta"):
        services.demanda_vincular(demanda=demanda, por=oferente, oferta=fabricas.oferta(entidad_oferente))


def test_oferente_confirma_la_solicitud_de_su_oferta(funcionario_medellin, oferente, otro_oferente, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    d = _registrar(funcionario_medellin, factories.alcaldia("05001"), oferta=oferta)
    assert d.oferta == oferta and d.estado == E.REGISTRADA
    assert "Solicitud de la oferta" in d.eventos.get().motivo
    with pytest.raises(PermissionDenied, match="No tiene permiso para vincular esta demanda a la oferta"):
        services.demanda_vincular(demanda=d, por=otro_oferente, oferta=oferta)
    services.demanda_vincular(demanda=d, por=oferente, oferta=oferta)
    assert d.estado == E.VINCULADA


@pytest.mark.parametrize("quien", ["funcionario_medellin", "funcionario_cali", "oferente", "auditor", "seguimiento_dnp"])
def test_solo_admin_dnp_analiza_remite_o_descarta(request, demanda, quien, entidad_oferente):
    persona = request.getfixturevalue(quien)
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «En análisis»\."):
        services.demanda_iniciar_analisis(demanda=demanda, por=persona)
    with pytest.raises(PermissionDenied, match="No tiene permiso para pasar esta demanda a «Remitida a la entidad"):
        services.demanda_remitir(demanda=demanda, por=persona, entidad_competente=entidad_oferente)
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «No pertinente»\."):
        services.demanda_marcar_no_pertinente(demanda=demanda, por=persona, motivo="No")
    demanda.refresh_from_db()
    assert demanda.estado == E.REGISTRADA and demanda.eventos.count() == 1


def test_no_pertinente_exige_motivo(demanda, admin_dnp):
    with pytest.raises(ValidationError, match=r"Explique por qué la demanda no es pertinente\.") as e:
        services.demanda_marcar_no_pertinente(demanda=demanda, por=admin_dnp, motivo="  ")
    assert "Explique por qué la demanda no es pertinente." in e.value.messages
    services.demanda_marcar_no_pertinente(demanda=demanda, por=admin_dnp, motivo="Es competencia municipal propia")
    demanda.refresh_from_db()
    assert demanda.estado == E.NO_PERTINENTE and demanda.motivo_no_pertinente == "Es competencia municipal propia"
    assert demanda.eventos.last().motivo == "Es competencia municipal propia"


def test_transiciones_fuera_de_orden_se_rechazan(demanda, admin_dnp, funcionario_medellin):
    with pytest.raises(ValidationError, match=r"La demanda está «Registrada»: no puede pasar a «Atendida»\.") as e:
        services.demanda_marcar_atendida(demanda=demanda, por=admin_dnp)
    assert "no puede pasar a «Atendida»" in e.value.messages[0]
    with pytest.raises(ValidationError, match=r"La demanda está «Registrada»: no puede pasar a «En atención»\."):
        services.demanda_poner_en_atencion(demanda=demanda, por=admin_dnp)
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «Cerrada»\."):  # cerrar es de la entidad, y aún no está atendida
        services.demanda_cerrar(demanda=demanda, por=admin_dnp, calificacion=5)
    with pytest.raises(ValidationError, match=r"La demanda está «Registrada»: no puede pasar a «Cerrada»\."):
        services.demanda_cerrar(demanda=demanda, por=funcionario_medellin, calificacion=5)


def test_cierre_solo_por_la_et_y_calificacion_1_a_5(funcionario_medellin, funcionario_cali, equipo_antioquia, admin_dnp):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.ATENDIDA)
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «Cerrada»\."):
        services.demanda_cerrar(demanda=d, por=funcionario_cali, calificacion=5)
    with pytest.raises(ValidationError, match=r"La calificación debe ser un número entero de 1 a 5\.") as e:
        services.demanda_cerrar(demanda=d, por=funcionario_medellin, calificacion=7)
    assert "La calificación debe ser un número entero de 1 a 5." in e.value.messages
    services.demanda_cerrar(demanda=d, por=equipo_antioquia, calificacion=3)  # el equipo departamental también
    assert d.estado == E.CERRADA


def test_vincular_oferta_sin_cupos(admin_dnp, funcionario_medellin, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, cupos=1)
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.EN_ATENCION, oferta=oferta)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    with pytest.raises(ValidationError, match=r"La oferta «Oferta de prueba \d+» no tiene cupos disponibles\.") as e:
        services.demanda_vincular(demanda=d, por=admin_dnp, oferta=oferta)
    assert "no tiene cupos disponibles" in e.value.messages[0]


def test_atender_y_marcar_atendida_rechazados_a_la_et_y_al_auditor(funcionario_medellin, auditor, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.VINCULADA, oferta=oferta)
    for persona in (funcionario_medellin, auditor):
        with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «En atención»\."):
            services.demanda_poner_en_atencion(demanda=d, por=persona)
    d.estado = E.EN_ATENCION
    d.save()
    for persona in (funcionario_medellin, auditor):
        with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «Atendida»\."):
            services.demanda_marcar_atendida(demanda=d, por=persona)


def test_actualizar_solo_la_et_y_mientras_es_editable(demanda, funcionario_medellin, funcionario_cali, admin_dnp):
    services.demanda_actualizar(demanda=demanda, por=funcionario_medellin, titulo="Título corregido de la demanda",
                                temas=Tema.objects.filter(codigo__in=["planeacion", "vivienda"]))
    demanda.refresh_from_db()
    assert demanda.titulo == "Título corregido de la demanda" and demanda.temas.count() == 2
    assert EventoDemanda.objects.filter(demanda=demanda, motivo__icontains="actualizó").exists()
    with pytest.raises(PermissionDenied, match=r"Solo la entidad solicitante puede cambiar esta demanda\."):
        services.demanda_actualizar(demanda=demanda, por=funcionario_cali, titulo="Otro título de la demanda")
    services.demanda_remitir(demanda=demanda, por=admin_dnp, entidad_competente=factories.dnp())
    with pytest.raises(ValidationError, match="La demanda ya está «Remitida a la entidad competente»: no"):
        services.demanda_actualizar(demanda=demanda, por=funcionario_medellin, titulo="Ya no se puede cambiar")


def test_roles_de_la_membresia_cuentan(db):
    """Un oferente de una alcaldía (rol distinto) no registra por ella."""
    medellin = factories.alcaldia("05001")
    persona = factories.persona(medellin, Rol.OFERENTE)
    with pytest.raises(PermissionDenied, match="No puede registrar demandas para Alcaldía de Medellín"):
        _registrar(persona, medellin)


def test_marcar_atendida_desde_vinculada_deja_el_paso_en_atencion(funcionario_medellin, oferente, entidad_oferente,
                                                                   admin_dnp):
    oferta = fabricas.oferta(entidad_oferente)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.VINCULADA, oferta=oferta)
    services.demanda_marcar_atendida(demanda=d, por=oferente, motivo="Asesoría del 3 de marzo")
    services.demanda_marcar_atendida(demanda=d, por=oferente, motivo="otra vez")  # idempotente
    assert list(d.eventos.values_list("a_estado", flat=True)) == [E.VINCULADA, E.EN_ATENCION, E.ATENDIDA]
    d.refresh_from_db()
    assert d.estado == E.ATENDIDA
    registrada = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    with pytest.raises(PermissionDenied, match=r"No tiene permiso para pasar esta demanda a «Atendida»\."):  # no es su oferta ni se le remitió
        services.demanda_marcar_atendida(demanda=registrada, por=oferente)
    with pytest.raises(ValidationError, match=r"La demanda está «Registrada»: no puede pasar a «Atendida»\."):  # registrada: aún no hay a quién atribuir la atención
        services.demanda_marcar_atendida(demanda=registrada, por=admin_dnp)


def test_equipo_de_seguimiento_dnp_pone_en_atencion(admin_dnp, seguimiento_dnp, funcionario_medellin, entidad_oferente):
    # El equipo DNP aprueba planes que programan demandas: debe poder moverlas a «en atención».
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    services.demanda_iniciar_analisis(demanda=d, por=admin_dnp)
    services.demanda_vincular(demanda=d, por=admin_dnp, oferta=fabricas.oferta(entidad_oferente))
    services.demanda_poner_en_atencion(demanda=d, por=seguimiento_dnp, motivo="Plan aprobado")
    assert d.estado == E.EN_ATENCION
