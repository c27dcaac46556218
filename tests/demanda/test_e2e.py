"""En Chromium sin cabeza: la ET registra una demanda (con un error que corrige sin volver a
escribir lo demás), la encuentra en su lista, y el oferente de la oferta que coincide ve la alerta
en «Alertas» del encabezado (la página del núcleo) y la abre."""

import pytest

from att.models import Rol
from tests import factories
from tests.conftest import ingresar
from tests.demanda import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registrar_corregir_encontrar_y_alertar(pagina, referencia_cargada):
    factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co",
                      nombre="Elena Torres")
    ministerio = factories.EntidadNacionalFactory(nombre="Ministerio de Vivienda de Prueba", sigla="MinViviendaP")
    factories.persona(ministerio, Rol.OFERENTE, email="oferta@minvivienda.gov.co", nombre="Olga Fernández")
    fabricas.oferta(ministerio, temas=["vivienda"], nombre="Mejoramiento de vivienda rural")

    ingresar(pagina, "elena@medellin.gov.co")
    pagina.goto(pagina.base + "/demanda/nueva/")
    pagina.get_by_label("Título de la necesidad").fill("Corto")
    pagina.get_by_label("Descripción").fill("Necesitamos formular el programa de mejoramiento de vivienda rural.")
    pagina.get_by_role("checkbox", name="Vivienda, ciudad y territorio", exact=True).check()  # temas: casillas
    pagina.get_by_label("Origen de la necesidad").select_option("metas_pdt")
    pagina.get_by_role("button", name="Registrar la necesidad").click()
    pagina.wait_for_load_state()

    resumen = pagina.locator("#resumen-errores")
    assert "Revise el formulario" in resumen.inner_text()
    assert "como mínimo 10 caracteres" in resumen.inner_text()
    assert pagina.evaluate("document.activeElement.id") == "resumen-errores"
    # Lo demás sigue escrito: solo se corrige el título.
    assert "mejoramiento de vivienda rural" in pagina.get_by_label("Descripción").input_value()
    assert pagina.get_by_label("Origen de la necesidad").input_value() == "metas_pdt"
    resumen.get_by_role("link").first.click()
    assert pagina.evaluate("document.activeElement.id") == "id_titulo"
    pagina.get_by_label("Título de la necesidad").fill("Programa de mejoramiento de vivienda rural")
    pagina.get_by_role("button", name="Registrar la necesidad").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="Programa de mejoramiento de vivienda rural").is_visible()
    assert "Línea de tiempo" in pagina.content()

    pagina.goto(pagina.base + "/demanda/")
    fila = pagina.get_by_role("row").filter(has_text="Programa de mejoramiento de vivienda rural")
    assert "Registrada" in fila.inner_text() and "Alcaldía de Medellín" in fila.inner_text()
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_load_state()

    ingresar(pagina, "oferta@minvivienda.gov.co")
    encabezado = pagina.get_by_role("banner")
    assert "1 sin leer" in encabezado.get_by_role("link", name="Alertas 1 sin leer", exact=True).inner_html()
    encabezado.get_by_role("link", name="Alertas 1 sin leer", exact=True).click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="Mis alertas").is_visible()
    titulo = "Nueva demanda que coincide con su oferta: Programa de mejoramiento de vivienda rural"
    alerta = pagina.locator("li").filter(has_text=titulo)
    assert alerta.is_visible()
    alerta.get_by_role("button", name="Abrir").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="Programa de mejoramiento de vivienda rural").is_visible()
