"""Cabeceras de seguridad (OWASP ASVS L2): CSP estricta, Permissions-Policy, no-store en lo privado,
límite de tamaño de la solicitud antes de leer el cuerpo y X-Forwarded-Proto solo detrás de un proxy."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from att.cabeceras import LimiteSolicitudMiddleware
from demanda.models import Demanda
from tests import factories
from tests.demanda.fabricas import datos_formulario as _datos

pytestmark = pytest.mark.django_db

RAIZ = Path(__file__).resolve().parents[2]


def _directivas(respuesta) -> dict[str, list[str]]:
    politica = respuesta["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in politica.split(";")) if d}


# --- Content-Security-Policy y Permissions-Policy ----------------------------------------------------
def _csp_estricta(respuesta):
    d = _directivas(respuesta)
    assert d["default-src"] == ["'self'"] and d["script-src"] == ["'self'"] and d["style-src"] == ["'self'"]
    assert d["img-src"] == ["'self'", "data:"] and d["font-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"] and d["base-uri"] == ["'self'"]
    assert d["form-action"] == ["'self'"] and d["frame-ancestors"] == ["'none'"]
    permisos = respuesta["Permissions-Policy"]
    for funcion in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{funcion}=()" in permisos


def test_csp_y_permissions_policy_en_una_pagina_y_en_la_api(client, funcionario_medellin):
    _csp_estricta(client.get(reverse("oferta:portal")))
    client.force_login(funcionario_medellin)
    _csp_estricta(client.get(reverse("nucleo:alertas")))
    _csp_estricta(APIClient().get("/api/v1/departamentos/"))


def test_documentacion_de_la_api_sin_script_en_linea(client):
    for ruta in ("/api/v1/docs/", "/api/v1/redoc/"):
        respuesta = client.get(ruta)
        assert respuesta.status_code == 200
        d = _directivas(respuesta)
        # Solo los estilos se relajan (Swagger UI y ReDoc los inyectan); los scripts siguen siendo propios.
        assert d["script-src"] == ["'self'"] and "'unsafe-inline'" in d["style-src"]
        html = respuesta.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), ruta
        assert "fonts.googleapis.com" not in html  # nada de terceros (ReDoc traía las fuentes de Google)
    # El arranque de Swagger UI se sirve como archivo JavaScript, no en línea.
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


PLANTILLAS = RAIZ / "templates"
CORREO = PLANTILLAS / "correo"


def test_las_plantillas_de_correo_no_las_sirve_ninguna_vista():
    """templates/correo/ queda fuera de la revisión de CSP solo porque ninguna página la usa."""
    usos = [p for p in RAIZ.glob("*/*.py") if "correo/" in p.read_text(encoding="utf-8")
            and p.name != "notificaciones.py"]
    assert usos == []


def test_las_plantillas_no_traen_scripts_estilos_ni_eventos_en_linea():
    """Lo que la CSP bloquearía: <script> sin src, <style>, atributos style= y on…= (onclick)."""
    hallazgos = []
    for plantilla in PLANTILLAS.rglob("*.html"):
        if plantilla.parent == CORREO:
            continue  # cuerpos de correo: los lee el programa de correo, no el sitio (sin CSP; estilo en línea)
        texto = plantilla.read_text(encoding="utf-8")
        for patron in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*="):
            if re.search(patron, texto, re.IGNORECASE):
                hallazgos.append(f"{plantilla.relative_to(RAIZ)}: {patron}")
    assert not hallazgos, hallazgos


def test_barras_con_clases_por_paso_y_no_con_style_en_linea():
    from seguimiento.templatetags.seguimiento_tags import paso

    assert [paso(None), paso(0), paso("45.5"), paso(45.4), paso(250), paso(-3), paso(4, 5)] == [0, 0, 46, 45, 100, 0, 80]
    css = (RAIZ / "static" / "css" / "att.css").read_text(encoding="utf-8")
    assert all(f".ancho-{n}{{width:{n}%}}" in css and f".izq-{n}{{left:{n}%}}" in css for n in range(101))


# --- Cache-Control: no-store en lo privado ------------------------------------------------------------
def test_no_store_en_pagina_privada_y_descarga_protegida_y_no_en_el_portal(client, funcionario_medellin):
    publico = client.get(reverse("oferta:portal"))
    assert publico.status_code == 200 and "no-store" not in publico.get("Cache-Control", "")
    client.force_login(funcionario_medellin)
    privada = client.get(reverse("nucleo:alertas"))
    assert privada.status_code == 200
    assert {"private", "no-store"} <= {p.strip() for p in privada["Cache-Control"].split(",")}
    client.post(reverse("demanda:nueva"), _datos(factories.alcaldia("05001"),
                adjuntos=[SimpleUploadedFile("diagnostico.pdf", b"%PDF-1.4 prueba")]))
    d = Demanda.objects.get()
    descarga = client.get(reverse("demanda:adjunto", args=[d.pk, d.adjuntos.get().pk]))
    assert descarga.status_code == 200 and "attachment" in descarga["Content-Disposition"]
    assert descarga["Cache-Control"] == "private, no-store"


def test_no_store_en_la_api_con_token_y_no_en_la_api_publica(funcionario_medellin):
    from att import services
    from att.models import Rol

    api = APIClient()
    assert "no-store" not in api.get("/api/v1/departamentos/").get("Cache-Control", "")
    admin = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True)
    _, clave = services.token_emitir(nombre="Cali", usuario=funcionario_medellin, entidad=factories.alcaldia("05001"),
                                     rol=Rol.FUNCIONARIO_ET, por=admin)
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    assert api.get("/api/v1/departamentos/")["Cache-Control"] == "private, no-store"


# --- Tamaño de la solicitud -----------------------------------------------------------------------------
MENSAJE = "La solicitud es demasiado grande"


def test_formulario_mas_grande_que_el_limite_recibe_413_en_espanol(client, funcionario_medellin, settings):
    settings.ATT_SOLICITUD_MAX_BYTES = 4 * 1024
    client.force_login(funcionario_medellin)
    datos = _datos(factories.alcaldia("05001"), adjuntos=[SimpleUploadedFile("grande.pdf", b"0" * 8 * 1024)])
    respuesta = client.post(reverse("demanda:nueva"), datos)
    assert respuesta.status_code == 413 and MENSAJE in respuesta.content.decode()
    assert Demanda.objects.count() == 0
    # Con el límite por defecto (25 MB) un Content-Length de 200 MB se rechaza sin más.
    settings.ATT_SOLICITUD_MAX_BYTES = 25 * 1024 * 1024
    respuesta = client.post(reverse("demanda:nueva"), {}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert respuesta.status_code == 413 and "25 MB" in respuesta.content.decode()


def test_api_mas_grande_que_el_limite_recibe_413_json(settings):
    settings.ATT_SOLICITUD_MAX_BYTES = 25 * 1024 * 1024
    respuesta = APIClient().post("/api/v1/demandas/", {"titulo": "x"}, format="json",
                                 CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert respuesta.status_code == 413 and respuesta["Content-Type"].startswith("application/json")
    assert MENSAJE in respuesta.json()["detail"]
    assert "Content-Security-Policy" in respuesta and "Permissions-Policy" in respuesta


class _CuerpoIntocable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("el cuerpo no debía leerse")

    readline = read


def test_el_limite_responde_antes_de_leer_el_cuerpo(settings):
    settings.ATT_SOLICITUD_MAX_BYTES = 1024
    solicitud = RequestFactory().post("/demanda/nueva/", data=b"", content_type="application/octet-stream")
    solicitud.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    solicitud.META["wsgi.input"] = _CuerpoIntocable()
    solicitud._stream = _CuerpoIntocable()

    def vista(request):
        raise AssertionError("no debía llegar a la vista")

    respuesta = LimiteSolicitudMiddleware(vista)(solicitud)
    assert respuesta.status_code == 413


def test_solicitud_dentro_del_limite_pasa(client, funcionario_medellin, settings):
    settings.ATT_SOLICITUD_MAX_BYTES = 25 * 1024 * 1024
    client.force_login(funcionario_medellin)
    respuesta = client.post(reverse("demanda:nueva"), _datos(factories.alcaldia("05001")))
    assert respuesta.status_code == 302 and Demanda.objects.count() == 1


# --- X-Forwarded-Proto solo detrás de un proxy ----------------------------------------------------------
def test_x_forwarded_proto_se_ignora_por_defecto_y_se_cree_con_el_ajuste(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    solicitud = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not solicitud.is_secure()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert solicitud.is_secure()


def test_con_redireccion_https_la_cabecera_falsa_no_evita_la_redireccion(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    respuesta = Client().get(reverse("oferta:portal"), HTTP_X_FORWARDED_PROTO="https")
    assert respuesta.status_code == 301 and respuesta["Location"].startswith("https://")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert Client().get(reverse("oferta:portal"), HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.parametrize("valor,esperado", [(None, "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_ajuste_att_detras_de_proxy(valor, esperado):
    entorno = {k: v for k, v in os.environ.items() if k != "ATT_DETRAS_DE_PROXY"}
    if valor is not None:
        entorno["ATT_DETRAS_DE_PROXY"] = valor
    salida = subprocess.run(
        [sys.executable, "-c", (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='att.settings'; "
            "django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
        )],
        check=True, cwd=RAIZ, env=entorno, capture_output=True, text=True,
    )
    assert salida.stdout.strip().splitlines()[-1] == esperado
