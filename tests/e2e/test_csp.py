"""En Chromium sin cabeza: la Content-Security-Policy estricta no rompe las páginas. El navegador
no informa ninguna violación (scripts, estilos o eventos en línea bloqueados), el JavaScript propio
corre (foco en el resumen de errores) y la documentación de la API se dibuja."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from att.models import Rol
from tests import factories
from tests.conftest import ingresar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _vigilar_csp(pagina):
    violaciones = []
    pagina.on("console", lambda m: violaciones.append(m.text)
              if "Content Security Policy" in m.text else None)
    return violaciones


def test_paginas_sin_violaciones_de_csp(pagina, referencia_cargada):
    violaciones = _vigilar_csp(pagina)
    pagina.goto(pagina.base + "/")
    pagina.goto(pagina.base + reverse("oferta:portal"))
    factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co")
    ingresar(pagina, "elena@medellin.gov.co")
    pagina.goto(pagina.base + reverse("demanda:nueva"))
    pagina.get_by_role("button", name="Registrar la necesidad").click()
    pagina.wait_for_load_state()
    # Antes lo hacía un <script> en línea; ahora static/js/envios.js (data-enfocar).
    expect(pagina.locator("#resumen-errores")).to_be_focused()
    pagina.goto(pagina.base + reverse("nucleo:alertas"))
    assert violaciones == []


def test_documentacion_de_la_api_se_dibuja_con_la_csp(pagina, referencia_cargada):
    violaciones = _vigilar_csp(pagina)
    pagina.goto(pagina.base + "/api/v1/docs/")
    # Ambas dibujan el esquema completo (cientos de operaciones) en el navegador: con la máquina
    # cargada tarda más que la espera por defecto de 5 s.
    expect(pagina.locator(".swagger-ui .info .title")).to_contain_text("API de la plataforma ATT", timeout=60000)
    pagina.goto(pagina.base + "/api/v1/redoc/")
    expect(pagina.get_by_role("heading", name="API de la plataforma ATT", level=1)).to_be_visible(timeout=60000)
    # ReDoc pone en la barra lateral el logo «API docs by Redocly» desde cdn.redoc.ly: que la CSP lo
    # bloquee es lo buscado (nada de terceros) y no afecta la página.
    assert [v for v in violaciones if "https://cdn.redoc.ly/" not in v] == []
