"""En Chromium sin cabeza (1366×900 y teléfono 390×844): el escritorio de cada rol de la demo y la ficha de una
demanda con sus ofertas que coinciden, con capturas en var/capturas/ y axe-core sin infracciones graves ni
críticas. La funcionaria ingresa, llega a su escritorio, abre una coincidencia y pide la oferta."""

import pytest

from demanda.models import DecisionCruce
from tests.att.test_escritorio import _generar_demo
from tests.conftest import _abrir_pagina, ingresar
from tests.e2e.test_mapas import CAPTURAS, _axe_graves

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DISPOSITIVOS = {"escritorio": (1366, 900), "telefono": (390, 844)}
ROLES = ("et@att.demo", "oferente@att.demo", "admin@att.demo", "departamento@att.demo")


@pytest.mark.parametrize("dispositivo", list(DISPOSITIVOS))
def test_escritorios_y_coincidencias(navegador, live_server, referencia_cargada, dispositivo):
    _generar_demo()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    for correo in ROLES:
        contexto, pagina = _abrir_pagina(navegador, live_server, *DISPOSITIVOS[dispositivo])
        try:
            ingresar(pagina, correo, "demo-att-2026")
            pagina.wait_for_url("**/mi-escritorio/")
            assert pagina.locator("h1").inner_text() == "Mi escritorio"
            assert pagina.locator(".escritorio__item").count() >= 1
            ancho = pagina.evaluate("document.documentElement.scrollWidth")
            assert ancho <= DISPOSITIVOS[dispositivo][0], f"{correo}: la página se desborda ({ancho} px)"
            rol = correo.split("@")[0]
            pagina.screenshot(path=str(CAPTURAS / f"escritorio-{rol}-{dispositivo}.png"), full_page=True)
            assert _axe_graves(pagina) == [], correo
            if correo == "et@att.demo":
                # Abre la primera coincidencia por decidir y pide la oferta.
                pagina.locator("#coincidencias .escritorio__item a").first.click()
                pagina.wait_for_load_state()
                seccion = pagina.locator("section#coincidencias")
                assert seccion.is_visible()
                pagina.screenshot(path=str(CAPTURAS / f"demanda-coincidencias-{dispositivo}.png"), full_page=True)
                assert _axe_graves(pagina) == []
                antes = DecisionCruce.objects.filter(tipo="solicitada").count()
                seccion.get_by_role("button", name="Solicitar esta oferta").first.click()
                pagina.wait_for_load_state()
                assert "Pidió la oferta" in pagina.locator(".mensajes").inner_text()
                assert DecisionCruce.objects.filter(tipo="solicitada").count() == antes + 1
        finally:
            contexto.close()
