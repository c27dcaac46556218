"""La ruta de asistencia: sus seis pasos se completan con los registros reales, creados por los servicios
de cada app; el egreso exige el objetivo cumplido; una entidad egresada no recibe alertas de cruce de
esa capacidad; las listas filtran por periodo y fijan sus consultas."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agenda import services as agenda_services
from agenda.models import EstadoConcertado, ObjetivoAgenda
from att import selectors as att_selectors
from att import services as att_services
from att.models import Canal, Capacidad, Modalidad, MotivoEgreso, Notificacion
from conocimiento import services as conocimiento_services
from demanda import services as demanda_services
from rutas import selectors, services
from rutas.models import EstadoPaso, EstadoRuta, Protocolo, Ruta
from seguimiento import services as seguimiento_services
from tests import factories
from tests.agenda import fabricas as fa
from tests.demanda import fabricas as fd

pytestmark = pytest.mark.django_db


def cap(codigo="planeacion"):
    return Capacidad.objects.get(codigo=codigo)


def estados(ruta):
    ruta = Ruta.objects.prefetch_related("oferentes").get(pk=ruta.pk)
    return [p.estado for p in selectors.pasos([ruta])[ruta.pk]]


def diagnosticar(entidad, por, fecha, valor, objetivo=None, capacidad="planeacion"):
    return att_services.diagnostico_registrar(entidad=entidad, fecha=fecha, por=por, valoraciones=[
        {"capacidad": cap(capacidad), "valor": valor, "objetivo": objetivo}])


@pytest.fixture
def escena(db, entidad_oferente, oferente, funcionario_medellin, seguimiento_dnp):
    medellin = factories.alcaldia("05001")
    ruta = services.ruta_crear(entidad=medellin, capacidad=cap(), oferentes=[entidad_oferente], por=oferente)
    return {"et": medellin, "ruta": ruta, "ofe": entidad_oferente, "oferente": oferente,
            "func": funcionario_medellin, "dnp": seguimiento_dnp}


P, C, H = EstadoPaso.PENDIENTE, EstadoPaso.EN_CURSO, EstadoPaso.HECHO


def test_los_pasos_se_completan_al_crear_los_registros_por_sus_servicios(escena):
    et, ruta, ofe, oferente, func, dnp = (escena[k] for k in ("et", "ruta", "ofe", "oferente", "func", "dnp"))
    hoy = timezone.localdate()
    assert estados(ruta) == [P, P, P, P, P, P]

    # 1. Diagnóstico (línea base) y demanda de la capacidad.
    diagnosticar(et, func, hoy - datetime.timedelta(days=30), 2, objetivo=4)
    assert estados(ruta)[0] == C
    demanda_services.demanda_registrar(
        por=func, entidad=et, titulo="Formular el plan de desarrollo", descripcion="Necesitamos apoyo técnico.",
        fuente="diagnostico_propio", temas=list(fd.Tema.objects.filter(codigo="planeacion")), capacidad=cap())
    assert estados(ruta)[0] == H

    # 2. Línea de un plan de trabajo del oferente que llega a la entidad, con objetivo de agenda.
    agenda = fa.agenda()
    plan = agenda_services.plan_crear(agenda=agenda, entidad=ofe, vigencia=2026, por=oferente)
    linea = agenda_services.linea_guardar(
        plan=plan, por=oferente, oferta=fa.oferta(ofe), objetivo="Acompañar la formulación", territorios=[et],
        etapa=fa.etapa(), fecha_inicio=hoy - datetime.timedelta(days=10), fecha_fin=hoy + datetime.timedelta(days=90),
        responsable=oferente, objetivo_agenda=ObjetivoAgenda.objects.get(agenda=agenda))
    assert estados(ruta)[1] == H
    assert estados(ruta)[5] == C  # la línea ya empezó: la llegada a territorio está en curso

    # 3. Plan concertado con la entidad y una mesa de trabajo.
    concertado = agenda_services.concertado_crear(entidad_territorial=et, oferentes=[ofe], vigencia=2026,
                                                  nombre="Plan concertado de planeación", por=oferente)
    assert estados(ruta)[2] == C
    agenda_services.concertado_cambiar_estado(plan=concertado, a_estado=EstadoConcertado.CONCERTADO, por=oferente)
    agenda_services.mesa_registrar(plan=concertado, por=oferente, fecha=timezone.now(), participantes="Ana, alcaldía",
                                   lugar="Medellín")
    assert estados(ruta)[2] == H

    # 4. Hito de la línea y avance validado por el DNP.
    hito = seguimiento_services.hito_crear(linea=linea, nombre="Taller de formulación", peso=1,
                                           fecha_planeada=hoy, por=oferente)
    assert estados(ruta)[3] == C
    avance = seguimiento_services.avance_reportar(hito=hito, porcentaje=50, fecha_corte=hoy,
                                                  narrativa="Se hizo el taller.", por=oferente)
    assert estados(ruta)[3] == C
    seguimiento_services.avance_validar(avance=avance, por=dnp)
    assert estados(ruta)[3] == H

    # 5. Lección sistematizada de la entidad, publicada por el DNP.
    recurso = conocimiento_services.recurso_proponer(
        por=func, tipo="leccion", titulo="Lo aprendido al formular", resumen="Qué funcionó y qué no.", entidad=et)
    assert estados(ruta)[4] == C
    conocimiento_services.recurso_revisar(recurso=recurso, por=dnp, publicar=True)
    assert estados(ruta)[4] == H

    # 6. Asesoría del oferente a la entidad.
    seguimiento_services.asesoria_registrar(oferente=ofe, entidad=et, fecha=hoy, modalidad=Modalidad.objects.first(),
                                            canal=Canal.objects.first(), por=oferente)
    assert estados(ruta) == [H, H, H, H, H, H]
    # La ruta sigue abierta: los pasos no la cierran, el egreso sí.
    assert Ruta.objects.get(pk=ruta.pk).estado == EstadoRuta.ABIERTA


def test_no_aplica_con_motivo_y_un_registro_hecho_le_gana(escena):
    ruta, oferente, et, func = escena["ruta"], escena["oferente"], escena["et"], escena["func"]
    with pytest.raises(ValidationError, match="Escriba por qué este paso no aplica"):
        services.paso_no_aplica(ruta=ruta, protocolo=Protocolo.CONOCIMIENTO, motivo="  ", por=oferente)
    services.paso_no_aplica(ruta=ruta, protocolo=Protocolo.CONOCIMIENTO, motivo="Ruta corta.", por=oferente)
    services.paso_no_aplica(ruta=ruta, protocolo=Protocolo.CONOCIMIENTO, motivo="Ruta corta.", por=oferente)  # repetido
    assert estados(ruta)[4] == EstadoPaso.NO_APLICA
    conocimiento_services.recurso_revisar(
        recurso=conocimiento_services.recurso_proponer(por=func, tipo="leccion", titulo="Lección", resumen="R.",
                                                       entidad=et),
        por=escena["dnp"], publicar=True)
    assert estados(ruta)[4] == EstadoPaso.HECHO


def test_egreso_rechazado_sin_objetivo_y_aceptado_con_un_diagnostico_por_encima(escena):
    ruta, et, func, oferente = escena["ruta"], escena["et"], escena["func"], escena["oferente"]
    hoy = timezone.localdate()
    diagnosticar(et, func, hoy - datetime.timedelta(days=200), 2, objetivo=4)
    with pytest.raises(ValidationError, match="El objetivo de capacidad no se ha cumplido: .* valora «Planeación» en 2 "
                                              "y el objetivo acordado es 4"):
        services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CUMPLIDO, por=oferente)
    diagnosticar(et, func, hoy - datetime.timedelta(days=100), 3)
    with pytest.raises(ValidationError, match="valora «Planeación» en 3 y el objetivo acordado es 4"):
        services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CUMPLIDO, por=oferente)
    assert Ruta.objects.get(pk=ruta.pk).estado == EstadoRuta.ABIERTA
    assert not att_selectors.egresada(et, cap())

    diagnosticar(et, func, hoy, 5)
    ruta = services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CUMPLIDO, por=oferente)
    assert ruta.estado == EstadoRuta.EGRESADA and ruta.egreso.diagnostico.fecha == hoy
    assert att_selectors.egresada(et, cap())
    # repetir el egreso (doble clic, tarea reentregada) no crea otro
    assert services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CUMPLIDO, por=oferente).egreso_id == ruta.egreso_id
    with pytest.raises(ValidationError, match="La ruta ya terminó"):
        services.paso_no_aplica(ruta=ruta, protocolo=1, motivo="x", por=oferente)


def test_cerrar_con_motivo_no_gradua_y_otro_municipio_no_gestiona(escena, funcionario_cali):
    from django.core.exceptions import PermissionDenied

    ruta, oferente = escena["ruta"], escena["oferente"]
    with pytest.raises(PermissionDenied, match="Solo los oferentes de la ruta"):
        services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CERRADO, detalle="x", por=funcionario_cali)
    with pytest.raises(ValidationError, match="Escriba el motivo por el que se cierra"):
        services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CERRADO, por=oferente)
    ruta = services.ruta_egresar(ruta=ruta, motivo=MotivoEgreso.CERRADO, detalle="La alcaldía no continuó.",
                                 por=oferente)
    assert ruta.estado == EstadoRuta.CERRADA
    assert not att_selectors.egresada(escena["et"], cap())


def test_crear_la_misma_ruta_dos_veces_devuelve_la_misma(escena):
    otra = services.ruta_crear(entidad=escena["et"], capacidad=cap(), oferentes=[escena["ofe"]], por=escena["oferente"])
    assert otra.pk == escena["ruta"].pk
    assert Ruta.objects.count() == 1


def test_entidad_egresada_no_recibe_alertas_de_cruce_de_esa_capacidad(escena, entidad_oferente, admin_dnp):
    et, func, oferente = escena["et"], escena["func"], escena["oferente"]
    # Una oferta publicada de planeación y de gestión del oferente que atiende la necesidad (tema y palabras).
    fd.oferta(entidad_oferente, temas=("planeacion",), capacidades=("planeacion", "gestion"),
              nombre="Formulación del plan indicativo")

    def demanda_nueva(capacidad):
        d = fd.demanda(et, func, capacidad=capacidad, titulo="Apoyo para el plan indicativo",
                       descripcion="Necesitamos apoyo")
        antes = Notificacion.objects.count()
        demanda_services.alertar_oferentes(demanda=d, nueva=True)
        return Notificacion.objects.count() - antes

    assert demanda_nueva("planeacion") == 1  # antes del egreso, alerta al oferente
    diagnosticar(et, func, timezone.localdate() - datetime.timedelta(days=10), 2, objetivo=4)
    diagnosticar(et, func, timezone.localdate(), 4)
    services.ruta_egresar(ruta=escena["ruta"], motivo=MotivoEgreso.CUMPLIDO, por=oferente)
    assert demanda_nueva("planeacion") == 0  # egresada de planeación: sin alertas de cruce
    assert demanda_nueva("gestion") == 1  # otra capacidad: sigue alertando


def test_ver_la_ruta_segun_permisos(escena, funcionario_cali, otro_oferente, equipo_antioquia, auditor):
    ruta = escena["ruta"]
    for quien, ve in ((escena["func"], True), (escena["oferente"], True), (equipo_antioquia, True), (auditor, True),
                      (funcionario_cali, False), (otro_oferente, False)):
        assert selectors.rutas_visibles(quien).filter(pk=ruta.pk).exists() is ve, quien
