"""Planes concertados con la ET: mesas con evidencias, compromisos revisados y vencidos."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agenda import services, tasks
from agenda.models import Compromiso, EstadoCompromiso
from att.models import Notificacion
from tests import factories

pytestmark = pytest.mark.django_db


def _mesa(plan, por, cuando=None):
    return services.mesa_registrar(
        plan=plan, por=por, fecha=cuando or timezone.now() - datetime.timedelta(days=30),
        lugar="Alcaldía de Medellín, sala 3", participantes="Ana (Alcaldía)\nLuis (MinPrueba)",
        evidencias=[("acta", SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", content_type="application/pdf"))],
    )


def test_mesa_con_evidencias_y_compromiso(concertado, oferente, funcionario_medellin):
    mesa = _mesa(concertado, funcionario_medellin)
    assert mesa.evidencias.get().tipo == "acta"
    c = services.compromiso_crear(mesa=mesa, descripcion="Enviar diagnóstico", responsable=funcionario_medellin,
                                  fecha_limite=timezone.localdate() + datetime.timedelta(days=5), por=oferente)
    assert not c.vencido
    assert Notificacion.objects.filter(usuario=funcionario_medellin, clave=f"compromiso-nuevo-{c.pk}").exists()


def test_evidencia_de_tipo_no_permitido(concertado, oferente):
    with pytest.raises(ValidationError):
        services.mesa_registrar(
            plan=concertado, por=oferente, fecha=timezone.now(), lugar="Sala", participantes="Ana",
            evidencias=[("foto", SimpleUploadedFile("virus.exe", b"MZ"))],
        )


def test_mesa_exige_lugar_o_enlace(concertado, oferente):
    with pytest.raises(ValidationError):
        services.mesa_registrar(plan=concertado, por=oferente, fecha=timezone.now(), participantes="Ana")


def test_ajenos_no_trabajan_el_plan(concertado, otro_oferente, funcionario_cali, auditor, equipo_antioquia):
    for persona in (otro_oferente, funcionario_cali, auditor):
        with pytest.raises(PermissionDenied):
            _mesa(concertado, persona)
    _mesa(concertado, equipo_antioquia)  # el equipo departamental acompaña a sus municipios


def test_compromiso_vence_y_alerta_una_vez_a_su_responsable(concertado, oferente, funcionario_medellin):
    mesa = _mesa(concertado, oferente)
    hoy = timezone.localdate()
    vencido = services.compromiso_crear(mesa=mesa, descripcion="Entregar el acta firmada",
                                        responsable=funcionario_medellin,
                                        fecha_limite=hoy - datetime.timedelta(days=2), por=oferente)
    al_dia = services.compromiso_crear(mesa=mesa, descripcion="Convocar la siguiente mesa", responsable=oferente,
                                       fecha_limite=hoy + datetime.timedelta(days=2), por=oferente)
    assert vencido.vencido and not al_dia.vencido
    # El de mañana se vence pasado mañana +1
    assert al_dia.vencido_al(hoy + datetime.timedelta(days=3))

    assert tasks.alertar_compromisos_vencidos() == 1
    alerta = Notificacion.objects.get(usuario=funcionario_medellin, clave=f"compromiso-vencido-{vencido.pk}")
    assert "vencido" in alerta.titulo.lower()
    assert tasks.alertar_compromisos_vencidos() == 0  # no repite
    assert Notificacion.objects.filter(clave__startswith="compromiso-vencido-").count() == 1


def test_compromiso_cumplido_deja_de_estar_vencido_y_se_revisa_en_la_siguiente_mesa(
        concertado, oferente, funcionario_medellin):
    mesa1 = _mesa(concertado, oferente)
    c = services.compromiso_crear(mesa=mesa1, descripcion="Diagnóstico", responsable=funcionario_medellin,
                                  fecha_limite=timezone.localdate() - datetime.timedelta(days=1), por=oferente)
    mesa2 = _mesa(concertado, oferente, cuando=timezone.now())
    services.compromiso_revisar(compromiso=c, estado=EstadoCompromiso.CUMPLIDO, comentario="Recibido",
                                mesa=mesa2, por=funcionario_medellin)
    c.refresh_from_db()
    assert c.estado == "cumplido" and not c.vencido and c.cerrado_en == timezone.localdate()
    assert c.revisiones.get().mesa == mesa2
    assert services.compromisos_alertar_vencidos() == 0


def test_responsable_ajeno_puede_actualizar_su_compromiso(concertado, oferente, otro_oferente):
    mesa = _mesa(concertado, oferente)
    c = services.compromiso_crear(mesa=mesa, descripcion="Aporte", responsable=otro_oferente,
                                  fecha_limite=timezone.localdate(), por=oferente)
    services.compromiso_revisar(compromiso=c, estado="en_curso", por=otro_oferente)
    assert Compromiso.objects.get(pk=c.pk).estado == "en_curso"


def test_plan_articulado(medellin, entidad_oferente, oferente):
    otra = factories.EntidadNacionalFactory()
    pc = services.concertado_crear(entidad_territorial=medellin, oferentes=[entidad_oferente, otra],
                                   vigencia=2025, nombre="Articulado", por=oferente)
    assert pc.oferentes.count() == 2


def test_pagina_marca_vencidos(concertado, oferente, funcionario_medellin, client):
    mesa = _mesa(concertado, oferente)
    services.compromiso_crear(mesa=mesa, descripcion="Entregar el acta firmada", responsable=funcionario_medellin,
                              fecha_limite=timezone.localdate() - datetime.timedelta(days=2), por=oferente)
    client.force_login(funcionario_medellin)
    html = client.get(f"/agenda/concertados/{concertado.pk}/").content.decode()
    assert "Vencido" in html and "Entregar el acta firmada" in html
