"""Planes concertados con la ET: mesas con evidencias, compromisos revisados y vencidos."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agenda import selectors, services, tasks
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
    with pytest.raises(ValidationError, match=r"El archivo «virus\.exe» no es de un tipo permitido\. Tipos"):
        services.mesa_registrar(
            plan=concertado, por=oferente, fecha=timezone.now(), lugar="Sala", participantes="Ana",
            evidencias=[("foto", SimpleUploadedFile("virus.exe", b"MZ"))],
        )


def test_mesa_exige_lugar_o_enlace(concertado, oferente):
    with pytest.raises(ValidationError, match=r"Indique el lugar de la mesa o el enlace de la sesión virtual\."):
        services.mesa_registrar(plan=concertado, por=oferente, fecha=timezone.now(), participantes="Ana")


def test_ajenos_no_trabajan_el_plan(concertado, otro_oferente, funcionario_cali, auditor, equipo_antioquia):
    for persona in (otro_oferente, funcionario_cali, auditor):
        with pytest.raises(PermissionDenied, match=r"No participa en este plan concertado\."):
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


def test_compromiso_que_vence_hoy_no_esta_vencido_hasta_manana(concertado, oferente, funcionario_medellin,
                                                               equipo_antioquia):
    """Límite: «vence hoy» todavía está a tiempo; «venció ayer» ya está vencido, en todas las consultas."""
    mesa = _mesa(concertado, oferente)
    hoy = timezone.localdate()
    ayer, manana = hoy - datetime.timedelta(days=1), hoy + datetime.timedelta(days=1)
    vence_hoy = services.compromiso_crear(mesa=mesa, descripcion="Vence hoy", responsable=funcionario_medellin,
                                          fecha_limite=hoy, por=oferente)
    vencio_ayer = services.compromiso_crear(mesa=mesa, descripcion="Venció ayer", responsable=oferente,
                                            fecha_limite=ayer, por=oferente)
    assert (vence_hoy.vencido_al(hoy), vence_hoy.vencido_al(manana)) == (False, True)
    assert (vencio_ayer.vencido_al(ayer), vencio_ayer.vencido_al(hoy)) == (False, True)
    assert (vence_hoy.vencido, vencio_ayer.vencido) == (False, True)

    # Las consultas de las páginas cuentan solo el de ayer.
    assert list(selectors.compromisos_vencidos(funcionario_medellin)) == [vencio_ayer]
    assert selectors.concertados_lista(funcionario_medellin).get(pk=concertado.pk).n_vencidos == 1
    detalle = selectors.concertado_detalle(concertado.pk)
    assert {c.pk: c.esta_vencido for c in detalle.lista_compromisos} == {vence_hoy.pk: False, vencio_ayer.pk: True}
    assert selectors.consolidado_departamento(equipo_antioquia, "05")["compromisos_vencidos"] == 1

    # La alerta diaria de hoy avisa solo del de ayer; la de mañana, del que vencía hoy.
    assert services.compromisos_alertar_vencidos(hoy=hoy) == 1
    assert Notificacion.objects.filter(clave=f"compromiso-vencido-{vencio_ayer.pk}", usuario=oferente).exists()
    assert not Notificacion.objects.filter(clave=f"compromiso-vencido-{vence_hoy.pk}").exists()
    assert services.compromisos_alertar_vencidos(hoy=manana) == 1
    assert Notificacion.objects.filter(clave=f"compromiso-vencido-{vence_hoy.pk}",
                                       usuario=funcionario_medellin).exists()


def test_compromiso_vence_en_hora_de_colombia(concertado, oferente, funcionario_medellin):
    """El día lo fija Bogotá, no UTC: a las 21:00 del día límite el compromiso todavía está a tiempo."""
    mesa = _mesa(concertado, oferente)
    hoy = timezone.localdate()
    c = services.compromiso_crear(mesa=mesa, descripcion="Vence hoy", responsable=funcionario_medellin,
                                  fecha_limite=hoy, por=oferente)
    noche = datetime.datetime.combine(hoy, datetime.time(21, 0), tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=noche.astimezone(datetime.UTC)):
        assert timezone.now().date() == hoy + datetime.timedelta(days=1)  # en UTC ya es mañana
        assert not c.vencido
        assert services.compromisos_alertar_vencidos() == 0
        assert not selectors.compromisos_vencidos(funcionario_medellin).exists()
    medianoche = noche + datetime.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=medianoche.astimezone(datetime.UTC)):
        assert c.vencido
        assert services.compromisos_alertar_vencidos() == 1


def test_mesa_conserva_acta_y_foto_tras_un_envio_fallido(concertado, oferente, client):
    """Tres campos de un solo archivo: sin lugar ni enlace el envío falla; el acta y la foto quedan
    conservadas (cada una con su token) y el envío corregido las adjunta sin volver a elegirlas."""
    import re

    from agenda.models import MesaDeTrabajo

    client.force_login(oferente)
    url = f"/agenda/concertados/{concertado.pk}/mesas/"
    base = {"fecha": "2026-05-01T10:00", "participantes": "Ana (Alcaldía)"}
    r = client.post(url, {**base, "acta": SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta"),
                          "foto": SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)})
    assert r.status_code == 400
    html = r.content.decode()
    [acta] = re.findall(r'name="acta__conservado" value="([^"]+)"', html)
    [foto] = re.findall(r'name="foto__conservado" value="([^"]+)"', html)
    assert re.findall(r'name="asistencia__conservado"', html) == [] and not MesaDeTrabajo.objects.exists()
    r = client.post(url, {**base, "lugar": "Sala 3", "acta__conservado": acta, "foto__conservado": foto})
    assert r.status_code == 302, r.content.decode()[:2000]
    mesa = MesaDeTrabajo.objects.get()
    assert sorted((e.tipo, e.nombre) for e in mesa.evidencias.all()) == [("acta", "acta.pdf"), ("foto", "foto.png")]
