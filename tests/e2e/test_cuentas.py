"""En Chromium sin cabeza (escritorio 1366×900 y teléfono 390×844): pedir una cuenta (con el resumen de
errores), la cola del DNP y la página «Mi cuenta», con capturas en var/capturas/ y axe-core sin
infracciones graves ni críticas."""

import pytest

from att.models import Membresia, Rol, SolicitudCuenta
from tests import factories
from tests.conftest import ingresar
from tests.e2e.test_mapas import CAPTURAS, _axe_graves

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAMANOS = {"escritorio": (1366, 900), "telefono": (390, 844)}


@pytest.mark.parametrize("dispositivo", ["escritorio", "telefono"])
def test_pedir_cuenta_cola_y_mi_cuenta(request, referencia_cargada, dispositivo):
    pagina = request.getfixturevalue("pagina_escritorio" if dispositivo == "escritorio" else "pagina")
    ancho, alto = TAMANOS[dispositivo]
    pagina.set_viewport_size({"width": ancho, "height": alto})
    CAPTURAS.mkdir(parents=True, exist_ok=True)

    # Desde el ingreso, el enlace para pedir una cuenta.
    pagina.goto(pagina.base + "/ingresar/")
    pagina.get_by_role("link", name="¿No tiene cuenta? Solicítela").click()
    pagina.wait_for_load_state()
    assert pagina.url.endswith("/cuenta/solicitar/")
    pagina.screenshot(path=str(CAPTURAS / f"cuenta-solicitar-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    # Enviar vacío: resumen de errores con enlaces a cada campo.
    pagina.get_by_role("button", name="Enviar solicitud").click()
    pagina.wait_for_load_state()
    resumen = pagina.locator("#resumen-errores")
    assert "Revise el formulario" in resumen.inner_text()
    assert resumen.locator("a").count() >= 5
    assert _axe_graves(pagina) == []
    pagina.get_by_label("Nombre completo").fill("Ana Restrepo")
    pagina.get_by_label("Correo electrónico institucional").fill("ana@medellin.gov.co")
    pagina.get_by_label("Entidad", exact=False).first.fill("05001")
    pagina.get_by_label("Funcionario de entidad territorial").check()
    pagina.get_by_label("Cargo").fill("Profesional de planeación")
    pagina.get_by_label("Justificación").fill("Registro las demandas del municipio.")
    pagina.get_by_role("button", name="Enviar solicitud").click()
    pagina.wait_for_load_state()
    assert "Recibimos su solicitud" in pagina.locator("h1").inner_text()
    assert SolicitudCuenta.objects.filter(email="ana@medellin.gov.co").count() == 1

    # La cola del DNP.
    factories.persona(factories.dnp(), Rol.ADMIN_DNP, email="admin@dnp.gov.co", nombre="Admin DNP")
    ingresar(pagina, "admin@dnp.gov.co")
    pagina.goto(pagina.base + "/cuenta/solicitudes/")
    assert pagina.get_by_role("link", name="Ana Restrepo").is_visible()
    pagina.screenshot(path=str(CAPTURAS / f"cuenta-solicitudes-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    pagina.get_by_role("link", name="Ana Restrepo").click()
    pagina.wait_for_load_state()
    assert _axe_graves(pagina) == []
    pagina.get_by_role("button", name="Aprobar y crear la cuenta").click()
    pagina.wait_for_load_state()
    assert "Solicitud aprobada" in pagina.locator(".mensajes").inner_text()
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_load_state()

    # «Mi cuenta» de una funcionaria con una membresía vigente y una terminada.
    elena = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co",
                              nombre="Elena Torres")
    Membresia.objects.create(usuario=elena, entidad=factories.alcaldia("05088"), rol=Rol.FUNCIONARIO_ET,
                             desde="2024-01-01", hasta="2025-12-31")
    ingresar(pagina, "elena@medellin.gov.co")
    pagina.get_by_role("link", name="Mi cuenta").click()
    pagina.wait_for_load_state()
    assert pagina.url.endswith("/cuenta/")
    tabla = pagina.locator("table").first.inner_text()
    assert "Vigente" in tabla and "Terminada" in tabla and "2025-12-31" in tabla
    assert pagina.get_by_role("link", name="Descargar mis datos (JSON)").is_visible()
    pagina.screenshot(path=str(CAPTURAS / f"cuenta-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    # Nada se desborda a lo ancho en el teléfono.
    assert pagina.evaluate("document.documentElement.scrollWidth") <= ancho
