"""Escrituras idempotentes: el mismo token de formulario o `Idempotency-Key` da un solo registro."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from att.idempotencia import CAMPO_FORMULARIO, purgar
from att.models import Rol, SolicitudIdempotente
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db
API = "/api/v1/demandas/"


@pytest.fixture
def api_con_token(admin_dnp):
    return factories.api_con_token(factories.alcaldia("05001"), Rol.INTEGRADOR, admin_dnp, "SI municipal")[0]


# --- Formularios -------------------------------------------------------------------------------------
def test_el_formulario_trae_un_token_nuevo_cada_vez(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    uno = client.get(reverse("demanda:nueva")).content.decode()
    otro = client.get(reverse("demanda:nueva")).content.decode()
    assert f'name="{CAMPO_FORMULARIO}"' in uno
    valor = uno.split(f'name="{CAMPO_FORMULARIO}" value="')[1][:32]
    assert valor not in otro


def test_mismo_token_dos_veces_es_una_demanda_y_la_misma_redireccion(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), **{CAMPO_FORMULARIO: "token-de-prueba-1"})
    primera = client.post(reverse("demanda:nueva"), datos)
    segunda = client.post(reverse("demanda:nueva"), datos)
    demanda = Demanda.objects.get()
    assert primera.status_code == segunda.status_code == 302
    assert primera.url == segunda.url == reverse("demanda:detalle", args=[demanda.pk])
    assert segunda["Idempotent-Replayed"] == "true"
    pagina = client.get(segunda.url).content.decode()
    assert "Este formulario ya se había enviado: no se registró dos veces." in pagina


def test_la_repeticion_tambien_exige_csrf(funcionario_medellin):
    """Una respuesta guardada no se entrega a un envío sin CSRF (otro sitio que conoce el token)."""
    from django.test import Client

    navegador = Client(enforce_csrf_checks=True)
    navegador.force_login(funcionario_medellin)
    pagina = navegador.get(reverse("demanda:nueva"))
    csrf = pagina.cookies["csrftoken"].value
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), **{CAMPO_FORMULARIO: "token-csrf-1"})
    assert navegador.post(reverse("demanda:nueva"), {**datos, "csrfmiddlewaretoken": csrf}).status_code == 302
    ajeno = navegador.post(reverse("demanda:nueva"), datos)
    assert ajeno.status_code == 403
    assert not ajeno.has_header("Idempotent-Replayed")
    assert Demanda.objects.count() == 1


def test_sin_token_cada_envio_cuenta(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    datos = fabricas.datos_formulario(factories.alcaldia("05001"))
    client.post(reverse("demanda:nueva"), datos)
    client.post(reverse("demanda:nueva"), datos)
    assert Demanda.objects.count() == 2 and not SolicitudIdempotente.objects.exists()


def test_un_envio_con_errores_no_gasta_el_token(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    medellin = factories.alcaldia("05001")
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(medellin, titulo="Corto", **{CAMPO_FORMULARIO: "t-2"}))
    assert r.status_code == 200 and "como mínimo 10 caracteres" in r.content.decode()
    assert not SolicitudIdempotente.objects.exists()
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(medellin, **{CAMPO_FORMULARIO: "t-2"}))
    assert r.status_code == 302 and Demanda.objects.count() == 1


def test_una_redireccion_con_mensaje_de_error_no_gasta_el_token(client, funcionario_medellin):
    """El adjunto inválido avisa con messages.error y redirige: al corregir y reenviar con el mismo
    token (el botón «Atrás» conserva la página) el archivo bueno sí se agrega."""
    from django.core.files.uploadedfile import SimpleUploadedFile


    client.force_login(funcionario_medellin)
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    url = reverse("demanda:adjuntar", args=[demanda.pk])
    malo = SimpleUploadedFile("acta.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    r = client.post(url, {"archivo": malo, CAMPO_FORMULARIO: "t-adj"})
    assert r.status_code == 302
    assert not SolicitudIdempotente.objects.exists()
    bueno = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%prueba\n", content_type="application/pdf")
    r = client.post(url, {"archivo": bueno, CAMPO_FORMULARIO: "t-adj"})
    assert r.status_code == 302 and not r.has_header("Idempotent-Replayed")
    assert demanda.adjuntos.count() == 1


def test_el_token_es_de_cada_usuario(client, funcionario_medellin, equipo_antioquia):
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), **{CAMPO_FORMULARIO: "compartido"})
    client.force_login(funcionario_medellin)
    client.post(reverse("demanda:nueva"), datos)
    client.force_login(equipo_antioquia)
    r = client.post(reverse("demanda:nueva"), datos)
    assert r.status_code == 302 and "Idempotent-Replayed" not in r and Demanda.objects.count() == 2


def test_el_ingreso_funciona_sin_token(client):
    usuario = factories.UsuarioFactory(email="ana@prueba.gov.co")
    usuario.set_password("clave-segura-123")
    usuario.save()
    r = client.post(reverse("login"), {"username": "ana@prueba.gov.co", "password": "clave-segura-123"})
    assert r.status_code == 302 and not SolicitudIdempotente.objects.exists()


# --- API ---------------------------------------------------------------------------------------------
def test_api_misma_clave_un_registro_misma_respuesta(api_con_token):
    cuerpo = fabricas.cuerpo_api(factories.alcaldia("05001"))
    primera = api_con_token.post(API, cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="clave-api-1")
    segunda = api_con_token.post(API, cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="clave-api-1")
    assert primera.status_code == segunda.status_code == 201
    assert primera.content == segunda.content and segunda.json()["id"] == Demanda.objects.get().pk
    assert segunda["Idempotent-Replayed"] == "true" and segunda["Content-Type"] == primera["Content-Type"]


def test_api_misma_clave_con_llaves_en_otro_orden_es_la_misma_peticion(api_con_token):
    cuerpo = fabricas.cuerpo_api(factories.alcaldia("05001"))
    api_con_token.post(API, cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="orden")
    al_reves = dict(reversed(list(cuerpo.items())))
    assert api_con_token.post(API, al_reves, format="json", HTTP_IDEMPOTENCY_KEY="orden").status_code == 201
    assert Demanda.objects.count() == 1


def test_api_misma_clave_otro_cuerpo_es_422(api_con_token):
    medellin = factories.alcaldia("05001")
    api_con_token.post(API, fabricas.cuerpo_api(medellin), format="json", HTTP_IDEMPOTENCY_KEY="clave-api-2")
    r = api_con_token.post(API, fabricas.cuerpo_api(medellin, titulo="Otra necesidad distinta"), format="json",
                           HTTP_IDEMPOTENCY_KEY="clave-api-2")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Esta clave de idempotencia ya se usó con otra petición.")
    assert Demanda.objects.count() == 1


def test_api_error_de_validacion_suelta_la_clave(api_con_token):
    medellin = factories.alcaldia("05001")
    r = api_con_token.post(API, fabricas.cuerpo_api(medellin, temas=[]), format="json", HTTP_IDEMPOTENCY_KEY="clave-api-3")
    assert r.status_code == 400 and not SolicitudIdempotente.objects.exists()
    r = api_con_token.post(API, fabricas.cuerpo_api(medellin), format="json", HTTP_IDEMPOTENCY_KEY="clave-api-3")
    assert r.status_code == 201 and Demanda.objects.count() == 1


def test_api_con_sesion_tambien(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    cuerpo = fabricas.cuerpo_api(factories.alcaldia("05001"))
    uno = client.post(API, cuerpo, content_type="application/json", HTTP_IDEMPOTENCY_KEY="sesion-1")
    dos = client.post(API, cuerpo, content_type="application/json", HTTP_IDEMPOTENCY_KEY="sesion-1")
    assert uno.status_code == dos.status_code == 201 and uno.content == dos.content
    assert Demanda.objects.count() == 1


def test_api_token_invalido_sigue_siendo_401():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token no-existe")
    r = api.post(API, {}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code in (401, 403) and not SolicitudIdempotente.objects.exists()


def test_api_clave_demasiado_larga(api_con_token):
    r = api_con_token.post(API, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 201)
    assert r.status_code == 400 and "200 caracteres" in r.json()["detail"]


# --- Vencimiento ---------------------------------------------------------------------------------------
def test_las_claves_vencen_a_las_24_horas(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), **{CAMPO_FORMULARIO: "viejo"})
    client.post(reverse("demanda:nueva"), datos)
    SolicitudIdempotente.objects.update(creada=timezone.now() - timedelta(hours=25))
    r = client.post(reverse("demanda:nueva"), datos)
    assert r.status_code == 302 and "Idempotent-Replayed" not in r and Demanda.objects.count() == 2
    SolicitudIdempotente.objects.update(creada=timezone.now() - timedelta(hours=25))
    assert purgar() == 1 and not SolicitudIdempotente.objects.exists()


def test_un_primer_envio_abandonado_no_bloquea_para_siempre(client, funcionario_medellin, settings):
    settings.ATT_IDEMPOTENCIA_ESPERA = 0.2
    client.force_login(funcionario_medellin)
    SolicitudIdempotente.objects.create(usuario=funcionario_medellin, clave="colgado", metodo="POST",
                                        ruta=reverse("demanda:nueva"))
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), **{CAMPO_FORMULARIO: "colgado"})
    r = client.post(reverse("demanda:nueva"), datos)
    assert r.status_code == 409 and "todavía se está procesando" in r.content.decode()
    SolicitudIdempotente.objects.update(creada=timezone.now() - timedelta(minutes=5))
    assert client.post(reverse("demanda:nueva"), datos).status_code == 302
    assert Demanda.objects.count() == 1


def test_la_purga_esta_en_el_beat():
    tareas = {t["task"] for t in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "att.purgar_solicitudes_idempotentes" in tareas


# --- Botones que se deshabilitan -------------------------------------------------------------------------
def test_base_carga_el_script_de_envios():
    fuente = Path(get_template("base.html").origin.name).read_text()
    assert "{% static 'js/envios.js' %}" in fuente and "defer" in fuente
    script = (Path(settings.BASE_DIR) / "static" / "js" / "envios.js").read_text()
    assert "aria-busy" in script and "aria-disabled" in script and "pageshow" in script


def test_la_pagina_enlaza_el_script(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    html = client.get(reverse("demanda:nueva")).content.decode()
    assert "/static/js/envios.js" in html and 'data-texto-enviando="Enviando…"' in html
