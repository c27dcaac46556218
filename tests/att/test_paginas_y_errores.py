"""Páginas de todo sitio público (ayuda, contacto, privacidad, accesibilidad, favicon) y errores en
español: página con el diseño del sitio, o JSON bajo /api/ (un solo manejador de DRF en att)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import loader
from django.test import Client
from rest_framework.test import APIClient

from att.api.errores import manejador_excepciones
from tests import factories

PAGINAS = {
    "/ayuda/": "Ayuda: cómo usar la plataforma",
    "/contacto/": "Contacto",
    "/privacidad/": "Política de tratamiento de datos personales",
    "/accesibilidad/": "Declaración de accesibilidad",
}


@pytest.mark.parametrize(("ruta", "titulo"), PAGINAS.items())
def test_pagina_publica_en_espanol_sin_consultas(client, db, django_assert_max_num_queries, ruta, titulo):
    with django_assert_max_num_queries(0):
        r = client.get(ruta)
    assert r.status_code == 200
    html = r.content.decode()
    assert f"<h1>{titulo}</h1>" in html
    assert '<html lang="es-CO">' in html


def test_pie_enlaza_las_cuatro_paginas_y_el_favicon(client, db):
    html = client.get("/").content.decode()
    pie = html[html.index('<footer class="pie"'):]
    for ruta in PAGINAS:
        assert f'href="{ruta}"' in pie
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in html
    assert 'rel="icon" href="/static/img/favicon.png"' in html
    for archivo in ("img/favicon.svg", "img/favicon.png", "img/favicon.ico", "img/apple-touch-icon.png"):
        assert finders.find(archivo), archivo
    r = client.get("/favicon.ico")
    assert r.status_code == 302 and r["Location"] == "/static/img/favicon.ico"


def test_privacidad_cita_la_ley_los_derechos_y_enlaza_mi_cuenta(client, db):
    html = client.get("/privacidad/").content.decode()
    for texto in ("Ley 1581 de 2012", "Decreto 1377 de 2013", "Responsable del tratamiento", "Conocer",
                  "Actualizar y rectificar", "Suprimir", "Revocar la autorización", 'href="/cuenta/"'):
        assert texto in html, texto


def test_accesibilidad_cita_la_resolucion_y_como_reportar(client, db):
    html = client.get("/accesibilidad/").content.decode()
    for texto in ("Resolución 1519 de 2020", "WCAG", "2.1", "Limitaciones conocidas", "Reporte una barrera"):
        assert texto in html, texto


def test_ayuda_enlaza_paginas_reales_que_responden(client, db, funcionario_medellin):
    html = client.get("/ayuda/").content.decode()
    for seccion in ("et", "departamental", "oferente", "dnp", "integrador"):
        assert f'id="{seccion}"' in html
    principal = html[html.index("<main"):html.index("</main>")]
    enlaces = sorted(set(re.findall(r'href="(/[^"#]*)"', principal)) - {"/cuenta/"})  # /cuenta/: otra rama
    assert len(enlaces) > 20
    client.force_login(funcionario_medellin)
    respuestas = {enlace: client.get(enlace).status_code for enlace in enlaces}
    assert {e: c for e, c in respuestas.items() if c not in (200, 302, 403)} == {}  # 403: es de otro rol


# --- 404 ---------------------------------------------------------------------------------------
def test_404_es_una_pagina_en_espanol_con_el_diseno_del_sitio(client, db):
    r = client.get("/no-existe-esta-pagina/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "<h1>No encontramos esta página</h1>" in html
    assert 'class="pie"' in html and 'href="/ayuda/"' in html
    assert "Not Found" not in html and "requested resource" not in html


def test_404_de_get_object_or_404_no_muestra_el_texto_en_ingles(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/demanda/999999999/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "No encontramos esta página" in html
    assert "matches the given query" not in html


def test_404_bajo_api_es_json_en_espanol(client, db):
    r = client.get("/api/v1/no-existe/")
    assert r.status_code == 404 and r["Content-Type"] == "application/json"
    assert r.json() == {"detail": "No existe o no tiene acceso a ello."}


def test_404_de_un_recurso_de_la_api_es_json_en_espanol(db):
    r = APIClient().get("/api/v1/ofertas/999999999/")
    assert r.status_code == 404
    assert r.json() == {"detail": "No existe o no tiene acceso a ello."}  # no «No Oferta matches…»


# --- 403 ---------------------------------------------------------------------------------------
def test_403_es_una_pagina_en_espanol_con_el_motivo(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/pas/acciones/nueva/")
    assert r.status_code == 403
    html = r.content.decode()
    assert "<h1>No puede realizar esta acción</h1>" in html
    assert "Solo el equipo DNP crea y edita las acciones del PAS." in html
    assert "Forbidden" not in html


def test_403_de_la_api_es_json_en_espanol_con_el_motivo_del_permiso(funcionario_medellin):
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    r = api.get(f"/api/v1/conocimiento/memoria/{factories.alcaldia('76001').pk}/")
    assert r.status_code == 403
    assert r.json() == {"detail": "La memoria de esta entidad la ven sus funcionarios, su equipo departamental y el DNP."}


def test_fallo_csrf_es_una_pagina_en_espanol(db):
    r = Client(enforce_csrf_checks=True).post("/ingresar/", {"username": "a@b.co", "password": "x"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "<h1>El formulario venció</h1>" in html
    assert "CSRF verification failed" not in html


def test_400_es_una_pagina_en_espanol(client, db):
    r = client.get("/", HTTP_HOST="host..no-permitido")
    assert r.status_code == 400
    assert "<h1>No pudimos entender la solicitud</h1>" in r.content.decode()


# --- 500 ---------------------------------------------------------------------------------------
@pytest.mark.urls("tests.att.urls_errores")
def test_500_es_una_pagina_en_espanol(db):
    r = Client(raise_request_exception=False).get("/prueba-falla/")
    assert r.status_code == 500
    html = r.content.decode()
    assert "<h1>Algo falló de nuestro lado</h1>" in html
    assert '<html lang="es-CO">' in html and "/static/css/att.css" in html
    assert "Server Error" not in html


@pytest.mark.urls("tests.att.urls_errores")
def test_500_bajo_api_es_json_en_espanol(db):
    r = Client(raise_request_exception=False).get("/api/v1/prueba-falla/")
    assert r.status_code == 500
    assert r.json() == {"detail": "Error interno del servidor. Ya quedó registrado; intente más tarde."}


def test_plantilla_500_no_necesita_contexto_ni_base_de_datos(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "Algo falló de nuestro lado" in html


# --- El manejador de excepciones de la API -------------------------------------------------------
def _manejar(exc):
    return manejador_excepciones(exc, {})


def test_manejador_lleva_errores_de_campo_y_generales_a_la_forma_del_esquema():
    r = _manejar(ValidationError({"titulo": "Escriba el título.", "__all__": "No se puede enviar."}))
    assert r.status_code == 400
    assert r.data == {"titulo": ["Escriba el título."], "non_field_errors": ["No se puede enviar."]}
    r = _manejar(ValidationError("La oferta ya está publicada."))
    assert r.status_code == 400 and r.data == {"non_field_errors": ["La oferta ya está publicada."]}


def test_manejador_conflicto_permiso_y_no_encontrado():
    r = _manejar(ValidationError("Ya hay una medición de este mes.", code="conflicto"))
    assert r.status_code == 409 and r.data == {"detail": "Ya hay una medición de este mes."}
    r = _manejar(PermissionDenied("Solo el oferente de la entidad."))
    assert r.status_code == 403 and r.data == {"detail": "Solo el oferente de la entidad."}
    r = _manejar(Http404("No Oferta matches the given query."))
    assert r.status_code == 404 and r.data == {"detail": "No existe o no tiene acceso a ello."}
    r = _manejar(Http404("No existe la demanda o no tiene acceso a ella."))
    assert r.data == {"detail": "No existe la demanda o no tiene acceso a ella."}
    assert _manejar(RuntimeError("otra cosa")) is None  # el resto sigue a handler500
