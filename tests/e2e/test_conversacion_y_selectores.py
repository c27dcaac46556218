"""En Chromium sin cabeza (escritorio 1366×900 y teléfono 390×844): el equipo departamental de
Antioquia registra una demanda eligiendo el municipio con «Buscar municipio» («narino» deja solo
Nariño, sin tildes) y varios temas con «Filtrar temas»; la ficha de una demanda con su conversación.
axe-core sin infracciones graves ni críticas; capturas en var/capturas/."""

from importlib import resources
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from att import services
from att.models import Rol
from demanda.models import Demanda, EstadoDemanda
from tests import factories
from tests.conftest import _abrir_pagina, ingresar
from tests.demanda import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
TAMANOS = {"escritorio": (1366, 900), "telefono": (390, 844)}


def _axe_graves(pagina) -> list[str]:
    pagina.evaluate(AXE + "\n;undefined")
    resultado = pagina.evaluate("async () => await axe.run(document, {resultType: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in resultado["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(params=list(TAMANOS))
def dispositivo(request, navegador, live_server):
    contexto, page = _abrir_pagina(navegador, live_server, *TAMANOS[request.param])
    page.nombre = request.param
    yield page
    contexto.close()


def test_selector_de_municipio_y_temas(dispositivo, referencia_cargada):
    pagina = dispositivo
    equipo = factories.persona(factories.gobernacion("05"), Rol.EQUIPO_DEPARTAMENTAL, email="equipo@antioquia.gov.co")
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    ingresar(pagina, equipo.email)
    pagina.goto(pagina.base + "/demanda/nueva/")

    buscar = pagina.get_by_label("Buscar municipio")
    expect(buscar).to_be_visible()
    lista = pagina.locator("select#id_entidad")
    total = lista.locator("option:not([value=''])").count()
    assert total >= 126  # los 125 municipios de Antioquia y la gobernación
    buscar.fill("narino")  # sin tilde
    visibles = lista.locator("option:not([value='']):not([hidden])")
    expect(visibles).to_have_count(1)
    assert visibles.first.inner_text() == "Alcaldía de Nariño (Antioquia)"
    expect(pagina.locator("#id_entidad_conteo")).to_have_text(f"1 de {total} entidades visibles")
    buscar.press("Enter")  # con una sola coincidencia, Enter la elige (y no envía el formulario)
    assert pagina.url.endswith("/demanda/nueva/")
    assert lista.evaluate("s => s.options[s.selectedIndex].textContent") == "Alcaldía de Nariño (Antioquia)"
    buscar.fill("medellin")
    expect(visibles).to_have_count(2)  # Medellín y la elegida, que nunca se esconde

    filtro_temas = pagina.get_by_label("Filtrar temas")
    filtro_temas.fill("plan")
    casillas = pagina.locator("#id_temas input[type=checkbox]:visible")
    assert 3 <= casillas.count() < 15
    pagina.get_by_label("Plan indicativo").check()
    filtro_temas.fill("catastro")
    expect(pagina.locator("#id_temas_conteo")).to_contain_text("temas visibles")
    filtro_temas.fill("vivienda")
    # Con el teclado: flecha abajo lleva a la primera casilla visible y la barra espaciadora la marca.
    filtro_temas.press("ArrowDown")
    assert pagina.evaluate("document.activeElement.closest('label').textContent.trim()") == "Vivienda, ciudad y territorio"
    pagina.keyboard.press("Space")
    expect(pagina.get_by_label("Vivienda, ciudad y territorio")).to_be_checked()
    filtro_temas.fill("")
    pagina.get_by_label("Título de la necesidad").fill("Actualización del plan de ordenamiento")
    pagina.get_by_label("Descripción").fill("El municipio necesita apoyo para revisar su EOT.")
    pagina.get_by_label("Origen de la necesidad").select_option("metas_pdt")
    pagina.screenshot(path=str(CAPTURAS / f"demanda-formulario-selectores-{pagina.nombre}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    pagina.get_by_role("button", name="Registrar").click()
    pagina.wait_for_url("**/demanda/*/")
    demanda = Demanda.objects.get()
    assert demanda.entidad.nombre == "Alcaldía de Nariño (Antioquia)"
    assert sorted(demanda.temas.values_list("codigo", flat=True)) == ["plan-indicativo", "vivienda"]


def test_ficha_con_conversacion(dispositivo, referencia_cargada):
    pagina = dispositivo
    funcionaria = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="ana@medellin.gov.co",
                                    nombre="Ana Restrepo")
    ministerio = factories.EntidadNacionalFactory(nombre="Ministerio de Vivienda", sigla="MinVivienda")
    oferente = factories.persona(ministerio, Rol.OFERENTE, nombre="Carlos Pérez")
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionaria, estado=EstadoDemanda.VINCULADA,
                               oferta=fabricas.oferta(ministerio), titulo="Actualización catastral multipropósito")
    services.mensaje_publicar(objeto=demanda, por=funcionaria, texto="¿Podemos empezar la semana del 14?",
                              adjuntos=[SimpleUploadedFile("cronograma.pdf", b"%PDF-1.4\n")])
    services.mensaje_publicar(objeto=demanda, por=oferente, texto="Sí. Les enviamos la agenda del taller.")
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    ingresar(pagina, funcionaria.email)
    pagina.goto(f"{pagina.base}/demanda/{demanda.pk}/#conversacion")
    seccion = pagina.locator("#conversacion")
    expect(seccion.locator("li.mensaje-conversacion")).to_have_count(2)
    expect(seccion.get_by_role("link", name="cronograma.pdf")).to_be_visible()
    expect(pagina.locator("ol.linea-tiempo li.linea-tiempo__mensaje")).to_have_count(2)
    pagina.get_by_label("Su mensaje").fill("Perfecto, quedamos atentos.")
    pagina.get_by_role("button", name="Enviar mensaje").click()
    pagina.wait_for_url("**/demanda/*/#mensaje-*")
    expect(seccion.locator("li.mensaje-conversacion")).to_have_count(3)
    pagina.screenshot(path=str(CAPTURAS / f"demanda-conversacion-{pagina.nombre}.png"), full_page=True)
    assert _axe_graves(pagina) == []
