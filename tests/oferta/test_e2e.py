"""En Chromium sin cabeza y con pantalla de teléfono: buscar sin tildes y filtrar por faceta en el
portal; registrar una oferta con un error que se corrige sin volver a escribir lo demás."""

import pytest

from att.models import Modalidad, Rol
from tests import factories
from tests.conftest import ingresar
from tests.oferta import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_buscar_y_filtrar_en_el_portal(pagina, referencia_cargada):
    fabricas.oferta(nombre="Planeación participativa del territorio", modalidades=("asesoria",))
    fabricas.oferta(nombre="Planeación financiera", modalidades=("capacitacion",))
    fabricas.oferta(nombre="Gestión del riesgo", temas=("gestion-riesgo",))
    pagina.goto(pagina.base + "/oferta/")
    pagina.get_by_label("Buscar", exact=True).fill("planeacion")
    pagina.get_by_role("button", name="Buscar").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="2 ofertas publicadas").is_visible()
    asesoria = Modalidad.objects.get(codigo="asesoria")
    pagina.locator("#f-modalidad summary").click()  # faceta plegada: se abre como lo haría una persona
    pagina.locator(f"#f-modalidad-{asesoria.pk}").check()
    pagina.get_by_role("button", name="Aplicar filtros").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="1 oferta publicada").is_visible()
    assert pagina.get_by_role("link", name="Planeación participativa del territorio").is_visible()
    assert pagina.get_by_label("Buscar", exact=True).input_value() == "planeacion"


def test_registrar_con_error_y_corregir(pagina, referencia_cargada):
    entidad = factories.EntidadNacionalFactory(nombre="Ministerio de Prueba E2E", sigla="MinE2E")
    factories.persona(entidad, Rol.OFERENTE, email="oferta@mine2e.gov.co")
    ingresar(pagina, "oferta@mine2e.gov.co")
    pagina.goto(pagina.base + "/oferta/nueva/")
    pagina.get_by_label("nombre", exact=False).first.fill("Escuela de planeación territorial")
    pagina.get_by_label("Necesidad que atiende").fill("Equipos nuevos sin formación en planeación")
    pagina.get_by_label("Descripción").fill("Ciclo de talleres virtuales")
    pagina.get_by_label("Gestión pública territorial", exact=True).check()
    planeacion = pagina.get_by_label("Planeación", exact=True)  # tema, capacidad y etapa
    for i in range(planeacion.count()):
        planeacion.nth(i).check()
    pagina.get_by_label("Asesoría", exact=True).check()
    pagina.get_by_label("Canal").select_option(label="Virtual")
    pagina.get_by_label("Nombre de contacto").fill("Ana Pérez")
    pagina.get_by_label("Correo de contacto").fill("no-es-correo")
    pagina.get_by_label("Vigente desde").fill("2026-02-01")
    pagina.get_by_role("button", name="Guardar borrador").click()
    pagina.wait_for_load_state()
    resumen = pagina.locator("#resumen-errores")
    assert "Revise el formulario" in resumen.inner_text()
    assert pagina.evaluate("document.activeElement.id") == "resumen-errores"
    assert pagina.get_by_label("Necesidad que atiende").input_value() == "Equipos nuevos sin formación en planeación"
    pagina.get_by_label("Correo de contacto").fill("ana@mine2e.gov.co")
    pagina.get_by_role("button", name="Guardar borrador").click()
    pagina.wait_for_load_state()
    assert not pagina.locator("#resumen-errores").count(), pagina.locator("#resumen-errores").inner_text()
    assert "/oferta/" in pagina.url and pagina.get_by_role("button", name="Enviar a revisión del DNP").is_visible()
