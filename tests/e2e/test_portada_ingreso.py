"""En Chromium sin cabeza, como una persona: cargar la portada e ingresar."""

import pytest

from att.models import Rol
from tests import factories
from tests.conftest import ingresar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_portada_e_ingreso(pagina, referencia_cargada):
    factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co",
                      nombre="Elena Torres")
    pagina.goto(pagina.base + "/")
    assert pagina.locator('[data-cifra="municipios"]').inner_text() == "1.121"
    assert pagina.locator('[data-cifra="departamentos"]').inner_text() == "33"
    # Contraseña equivocada: mensaje en español y el correo se conserva.
    ingresar(pagina, "elena@medellin.gov.co", "equivocada")
    assert "no son correctos" in pagina.locator('[role="alert"]').inner_text()
    assert pagina.get_by_label("Correo electrónico").input_value() == "elena@medellin.gov.co"
    ingresar(pagina, "elena@medellin.gov.co")
    encabezado = pagina.locator("header").inner_text()
    assert "Elena Torres" in encabezado and "Alcaldía de Medellín" in encabezado
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("link", name="Ingresar").is_visible()
