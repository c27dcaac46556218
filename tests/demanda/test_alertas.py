"""Alertas: los oferentes de ofertas que coinciden; el DNP cuando ninguna coincide."""

import pytest
from django.core import mail

from att.models import Notificacion, Tema
from demanda import services
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

# La oferta que atiende la demanda de `_registrar` (comparte el tema y las palabras): compartir solo el
# tema no basta para alertar al oferente (demanda.matching.UMBRAL_BRECHA).
PLAN_INDICATIVO = "Formulación del plan indicativo"


def _registrar(por, temas=("planeacion",)):
    return services.demanda_registrar(
        por=por, entidad=factories.alcaldia("05001"), titulo="Apoyo para el plan indicativo",
        descripcion="Necesitamos apoyo", fuente="metas_pdt", temas=Tema.objects.filter(codigo__in=temas),
    )


def test_nueva_demanda_alerta_al_oferente_que_coincide(funcionario_medellin, oferente, otro_oferente, admin_dnp,
                                                       entidad_oferente, django_capture_on_commit_callbacks):
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre=PLAN_INDICATIVO)
    fabricas.oferta(otro_oferente.membresias.get().entidad, temas=["vivienda"])
    with django_capture_on_commit_callbacks(execute=True):
        d = _registrar(funcionario_medellin)
    alerta = Notificacion.objects.get(usuario=oferente)
    assert alerta.categoria == "demanda_coincide" and alerta.url == f"/demanda/{d.pk}/"
    assert "Apoyo para el plan indicativo" in alerta.titulo
    assert not Notificacion.objects.filter(usuario__in=[otro_oferente, admin_dnp]).exists()
    assert [m.to for m in mail.outbox] == [[oferente.email]]
    # El oferente puede abrir la demanda que le llegó.
    assert oferente.has_perm("demanda.ver", d) and not otro_oferente.has_perm("demanda.ver", d)


def test_oferta_del_mismo_tema_que_no_atiende_la_necesidad_no_alerta_al_oferente(
        funcionario_medellin, oferente, admin_dnp, entidad_oferente, django_capture_on_commit_callbacks):
    """Comparte el tema («Planeación») pero ninguna palabra de la necesidad: es una brecha."""
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre="Rendición de cuentas")
    with django_capture_on_commit_callbacks(execute=True):
        d = _registrar(funcionario_medellin)
    assert Notificacion.objects.get(usuario=admin_dnp).categoria == "demanda_sin_oferta"
    assert not Notificacion.objects.filter(usuario=oferente).exists()
    d.refresh_from_db()
    assert d.relevancia_cruce == 0


def test_sin_oferta_que_coincida_alerta_al_dnp(funcionario_medellin, oferente, admin_dnp, entidad_oferente,
                                              django_capture_on_commit_callbacks):
    fabricas.oferta(entidad_oferente, temas=["vivienda"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        d = _registrar(funcionario_medellin, temas=["centros-reclusion"])
    assert callbacks  # la alerta no corre dentro de la petición: sale por la bandeja al confirmar
    alerta = Notificacion.objects.get(usuario=admin_dnp)
    assert alerta.categoria == "demanda_sin_oferta" and "brecha" in alerta.mensaje
    assert not Notificacion.objects.filter(usuario=oferente).exists()
    assert d.pk


def test_demanda_cambiada_vuelve_a_alertar(funcionario_medellin, oferente, entidad_oferente,
                                           django_capture_on_commit_callbacks):
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre=PLAN_INDICATIVO)
    with django_capture_on_commit_callbacks(execute=True):
        d = _registrar(funcionario_medellin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.demanda_actualizar(demanda=d, por=funcionario_medellin, descripcion="Ahora con más detalle")
    # Dentro de la petición no se avisa: la tarea corre al confirmarse la transacción.
    assert Notificacion.objects.filter(usuario=oferente).count() == 1
    for callback in callbacks:
        callback()
    titulos = list(Notificacion.objects.filter(usuario=oferente).order_by("pk").values_list("titulo", flat=True))
    assert len(titulos) == 2 and titulos[1].startswith("Cambió una demanda")


def test_alerta_de_cambio_entregada_dos_veces_no_avisa_dos_veces(funcionario_medellin, oferente, entidad_oferente,
                                                                 django_capture_on_commit_callbacks):
    from att.models import Salida
    from demanda.tasks import alertar_cambio

    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre=PLAN_INDICATIVO)
    with django_capture_on_commit_callbacks(execute=True):
        d = _registrar(funcionario_medellin)
    with django_capture_on_commit_callbacks(execute=True):
        services.demanda_actualizar(demanda=d, por=funcionario_medellin, descripcion="Ahora con más detalle")
    salida = Salida.objects.get(tarea="demanda.alertar_cambio")
    assert salida.argumentos[0] == d.pk and salida.argumentos[1]
    alertar_cambio(*salida.argumentos)  # el broker la entrega otra vez con los mismos argumentos
    assert Notificacion.objects.filter(usuario=oferente, titulo__startswith="Cambió una demanda").count() == 1


def test_resumen_diario_no_envia_correo_inmediato(funcionario_medellin, oferente, entidad_oferente,
                                                  django_capture_on_commit_callbacks):
    oferente.recibe_resumen_diario = True
    oferente.save()
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre=PLAN_INDICATIVO)
    with django_capture_on_commit_callbacks(execute=True):
        _registrar(funcionario_medellin)
    assert Notificacion.objects.filter(usuario=oferente, correo_enviado_en__isnull=True).count() == 1
    assert mail.outbox == []


def test_cambio_de_estado_avisa_a_quien_registro(funcionario_medellin, admin_dnp):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    services.demanda_iniciar_analisis(demanda=d, por=admin_dnp)
    alerta = Notificacion.objects.get(usuario=funcionario_medellin)
    assert "En análisis" in alerta.titulo
