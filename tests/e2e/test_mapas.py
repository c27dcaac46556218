"""En Chromium sin cabeza: el mapa nacional y el de un departamento en escritorio y teléfono, con
capturas en var/capturas/ y axe-core (del paquete de desarrollo axe-playwright-python) sin
infracciones graves ni críticas. El teclado llega a un territorio y su enlace abre el perfil."""

from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import expect

from att.models import Rol
from tests import factories
from tests.conftest import ingresar
from tests.demanda import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def _situacion():
    persona = factories.persona(factories.alcaldia("05001"))
    for codigo, n in (("05001", 4), ("05088", 2), ("76001", 1), ("08001", 3)):
        for _ in range(n):
            fabricas.demanda(factories.alcaldia(codigo), persona)
    return factories.persona(factories.dnp(), Rol.AUDITOR, email="auditora@dnp.gov.co")


def _axe_graves(pagina) -> list[str]:
    """Inyecta axe-core evaluando su texto (la CSP bloquearía un <script> en línea) y corre las reglas."""
    pagina.evaluate(AXE + "\n;undefined")
    resultado = pagina.evaluate("async () => await axe.run(document, {resultType: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in resultado["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("dispositivo", ["escritorio", "telefono"])
def test_mapas_nacional_y_departamental(request, referencia_cargada, dispositivo):
    pagina = request.getfixturevalue("pagina_escritorio" if dispositivo == "escritorio" else "pagina")
    auditora = _situacion()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    ingresar(pagina, auditora.email)
    pagina.goto(pagina.base + "/seguimiento/mapas/")
    svg = pagina.locator("svg.mapa-svg")
    assert svg.is_visible()
    caja = svg.bounding_box()
    assert caja["width"] > 300 and caja["width"] <= pagina.viewport_size["width"]
    assert pagina.locator('path[data-codigo="05001"]').get_attribute("class") == "m-5"
    pagina.screenshot(path=str(CAPTURAS / f"mapa-nacional-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []

    pagina.goto(pagina.base + "/seguimiento/mapas/departamento/05/")
    assert pagina.locator("path[data-codigo]").count() == 125
    pagina.screenshot(path=str(CAPTURAS / f"mapa-antioquia-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    # Con el teclado: el enlace de Medellín recibe el foco y Enter abre su perfil.
    enlace = pagina.locator('a:has(path[data-codigo="05001"])')
    enlace.focus()
    assert pagina.evaluate("document.activeElement.getAttribute('aria-label')") == "Medellín: 4"
    # Mejora progresiva (static/js/mapas.js): el rótulo dice el territorio con foco, y acercar achica
    # la caja visible; «Ver todo el mapa» la devuelve.
    expect(pagina.locator(".mapa-rotulo")).to_have_text("Medellín: 4")
    ancho = lambda: float(svg.get_attribute("viewBox").split()[2])
    antes = ancho()
    pagina.get_by_role("button", name="Acercar").click()
    assert ancho() == pytest.approx(antes / 1.5, rel=0.01)
    pagina.get_by_role("button", name="Ver todo el mapa").click()
    assert ancho() == pytest.approx(antes, rel=0.01)
    enlace.focus()
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/territorio/05001/")  # el perfil de la ET
    assert "Medellín" in pagina.locator("h1").inner_text()


def test_portada_con_mapa_sin_infracciones(pagina_escritorio, referencia_cargada):
    _situacion()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    pagina_escritorio.goto(pagina_escritorio.base + "/")
    assert pagina_escritorio.locator("#mapa-portada").is_visible()
    pagina_escritorio.locator("#t-mapa").scroll_into_view_if_needed()
    pagina_escritorio.screenshot(path=str(CAPTURAS / "mapa-portada-escritorio.png"), full_page=True)
    assert _axe_graves(pagina_escritorio) == []
