"""En Chromium sin cabeza: el oferente reporta un avance con evidencia, el DNP lo valida y el
tablero muestra el nuevo avance y su semáforo."""

from datetime import timedelta

import pytest
from django.utils import timezone

from att.models import Rol
from seguimiento import services
from tests import factories
from tests.conftest import ingresar
from tests.seguimiento import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reportar_validar_y_ver_en_el_tablero(pagina, referencia_cargada, tmp_path):
    entidad = factories.EntidadNacionalFactory(nombre="Ministerio de Vivienda de Prueba")
    oferente = factories.persona(entidad, Rol.OFERENTE, email="oferente@minvivienda.gov.co", nombre="Olga Ferro")
    factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, email="seguimiento@dnp.gov.co", nombre="Samuel Ortiz",
                      is_staff=True)
    hoy = timezone.localdate()
    # Línea de 100 días con un hito a mitad de camino: a hoy se espera el 50 % del hito.
    linea = fabricas.linea(entidad, responsable=oferente, inicio=hoy - timedelta(days=50),
                           fin=hoy + timedelta(days=50), territorios=[factories.alcaldia("05001")])
    fabricas.hito(linea, nombre="Diagnóstico territorial", fecha=hoy + timedelta(days=50))
    services.recalcular_linea(linea)
    evidencia = tmp_path / "lista-asistencia.pdf"
    evidencia.write_bytes(b"%PDF-1.4 lista de asistencia")

    ingresar(pagina, "oferente@minvivienda.gov.co")
    pagina.goto(f"{pagina.base}/seguimiento/lineas/{linea.pk}/")
    assert pagina.locator("#semaforo-linea").inner_text() == "Atrasado"
    pagina.get_by_role("combobox", name="Hito o sub-hito").select_option(label="Diagnóstico territorial")
    pagina.get_by_label("Avance acumulado del hito (%)").fill("45")
    pagina.get_by_label("Fecha de corte").fill(hoy.isoformat())
    pagina.get_by_label("Qué se hizo").fill("Mesa técnica con la secretaría de planeación")
    pagina.get_by_label("Evidencias").set_input_files(str(evidencia))
    pagina.get_by_role("button", name="Enviar avance").click()
    pagina.wait_for_load_state()
    assert "El equipo de seguimiento del DNP lo validará" in pagina.locator('[role="status"]').inner_text()
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_load_state()

    ingresar(pagina, "seguimiento@dnp.gov.co")
    pagina.goto(f"{pagina.base}/seguimiento/avances/pendientes/")
    assert pagina.get_by_role("link", name="lista-asistencia.pdf").is_visible()
    pagina.get_by_role("button", name="Validar avance de Diagnóstico territorial").click()
    pagina.wait_for_load_state()
    assert "Avance validado" in pagina.locator('[role="status"]').inner_text()
    pagina.goto(f"{pagina.base}/seguimiento/")
    assert pagina.locator("#avance-total").inner_text() == "45,0 %"
    # Esperado 50 %, avance 45 % → brecha 5 < 10: al día.
    assert pagina.locator("#semaforo-total").inner_text() == "Al día"
    tabla = pagina.get_by_role("table", name="Avance por entidad oferente")
    assert "Ministerio de Vivienda de Prueba" in tabla.inner_text() and "45,0" in tabla.inner_text()
