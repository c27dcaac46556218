"""En Chromium sin cabeza: ayuda, privacidad, accesibilidad, contacto y una página 404, en escritorio
(1366×900) y teléfono (390×844), con capturas en var/capturas/, axe-core sin infracciones graves ni
críticas y ninguna petición fuera del sitio. La referencia de la API (ReDoc) tampoco sale del sitio."""

from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import _abrir_pagina

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
PAGINAS = [
    ("/ayuda/", "ayuda", "Ayuda: cómo usar la plataforma"),
    ("/privacidad/", "privacidad", "Política de tratamiento de datos personales"),
    ("/accesibilidad/", "accesibilidad", "Declaración de accesibilidad"),
    ("/contacto/", "contacto", "Contacto"),
    ("/no-existe-esta-pagina/", "error-404", "No encontramos esta página"),
]
TAMANOS = {"escritorio": (1366, 900), "telefono": (390, 844)}


def _axe_graves(pagina) -> list[str]:
    pagina.evaluate(AXE + "\n;undefined")
    resultado = pagina.evaluate("async () => await axe.run(document, {resultType: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in resultado["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("dispositivo", TAMANOS)
def test_paginas_del_sitio_accesibles_y_sin_peticiones_externas(navegador, live_server, dispositivo):
    contexto, pagina = _abrir_pagina(navegador, live_server, *TAMANOS[dispositivo])
    propio = urlparse(live_server.url).netloc
    externas = []
    pagina.on("request", lambda req: urlparse(req.url).netloc not in (propio, "") and externas.append(req.url))
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    try:
        for ruta, nombre, titulo in PAGINAS:
            respuesta = pagina.goto(pagina.base + ruta)
            assert respuesta.status == (404 if nombre == "error-404" else 200)
            assert pagina.locator("h1").inner_text() == titulo
            # El pie lleva a las cuatro páginas, visibles también en el teléfono.
            pie = pagina.locator("footer")
            for texto in ("Ayuda", "Contacto", "Privacidad y datos personales", "Accesibilidad"):
                assert pie.get_by_role("link", name=texto, exact=True).is_visible()
            assert pagina.evaluate("document.documentElement.scrollWidth") <= TAMANOS[dispositivo][0]
            pagina.screenshot(path=str(CAPTURAS / f"pagina-{nombre}-{dispositivo}.png"), full_page=True)
            assert _axe_graves(pagina) == [], ruta
        # El favicon enlazado existe.
        icono = pagina.request.get(pagina.base + pagina.locator('link[rel="icon"]').first.get_attribute("href"))
        assert icono.status == 200 and icono.headers["content-type"].startswith("image/svg")
        assert externas == []
        # ReDoc con sus recursos del paquete instalado: ninguna fuente de Google ni CDN. Su paquete trae
        # fijo el logo de Redocly (cdn.redoc.ly) en el pie del menú y no tiene opción para quitarlo: la
        # CSP (img-src 'self' data:) lo bloquea en el navegador, así que la petición nunca sale.
        bloqueadas = []
        pagina.on("requestfailed", lambda req: bloqueadas.append((req.url, req.failure)))
        pagina.goto(pagina.base + "/api/v1/redoc/")
        pagina.wait_for_load_state("networkidle")
        assert externas == ["https://cdn.redoc.ly/redoc/logo-mini.svg"]
        assert bloqueadas == [("https://cdn.redoc.ly/redoc/logo-mini.svg", "csp")]  # Chromium: bloqueada por la CSP, no salió
    finally:
        contexto.close()
