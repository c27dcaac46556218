"""En Chromium sin cabeza, el formulario de avance como lo usa un oferente (issue 15):

- la fecha de corte llega en ISO al `<input type="date">` (con `30/11/2026` el navegador la mostraba
  vacía y bloqueaba el envío);
- tras un envío con un error que solo ve el servidor, el archivo elegido aparece en «Adjuntos
  conservados» y el envío corregido lo adjunta sin volver a elegirlo;
- lo escrito se guarda como borrador y se recupera al volver a abrir la página.
Capturas en var/capturas/ (escritorio 1366×900 y teléfono 390×844); axe-core sin infracciones graves."""

from importlib import resources
from pathlib import Path

import pytest
from django.utils import timezone

from att.models import Borrador, Rol
from seguimiento import services
from seguimiento.models import Avance
from tests import factories
from tests.conftest import ingresar
from tests.seguimiento import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
TAMANOS = {"escritorio": (1366, 900), "telefono": (390, 844)}


def _axe_graves(pagina) -> list[str]:
    pagina.evaluate(AXE + "\n;undefined")
    resultado = pagina.evaluate("async () => await axe.run(document, {resultType: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in resultado["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def situacion(referencia_cargada):
    entidad = factories.EntidadNacionalFactory(nombre="Ministerio de Prueba", sigla="MinPrueba")
    oferente = factories.persona(entidad, Rol.OFERENTE, email="oferente@minprueba.gov.co")
    linea = fabricas.linea(entidad, responsable=oferente, territorios=[factories.alcaldia("05001")])
    fabricas.hito(linea, nombre="Diagnóstico", fecha=timezone.localdate())
    services.recalcular_linea(linea)
    return oferente, linea


@pytest.mark.parametrize("dispositivo", ["escritorio", "telefono"])
def test_avance_con_fecha_iso_y_adjunto_conservado(navegador, live_server, situacion, dispositivo, tmp_path):
    oferente, linea = situacion
    ancho, alto = TAMANOS[dispositivo]
    contexto = navegador.new_context(locale="es-CO", viewport={"width": ancho, "height": alto})
    pagina = contexto.new_page()
    pagina.set_default_timeout(15000)
    pagina.base = live_server.url
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    try:
        ingresar(pagina, oferente.email)
        pagina.goto(f"{pagina.base}/seguimiento/lineas/{linea.pk}/")
        fecha = pagina.locator("#id_fecha_corte")
        hoy = timezone.localdate().isoformat()
        assert fecha.get_attribute("type") == "date"
        assert fecha.input_value() == hoy  # el navegador la muestra: no está vacía
        assert pagina.evaluate("document.querySelector('input[type=date]').validity.valid") is True

        pagina.locator("#id_hito").select_option(label="Diagnóstico")
        pagina.locator("#id_porcentaje").fill("40")
        # Solo espacios: el navegador lo deja pasar; el servidor lo rechaza.
        pagina.locator("#id_narrativa").fill("   ")
        acta = tmp_path / "acta-taller.pdf"
        acta.write_bytes(b"%PDF-1.4 acta del taller")
        pagina.locator("input[type=file][name=evidencias]").set_input_files(str(acta))
        pagina.get_by_role("button", name="Enviar avance").click()
        pagina.wait_for_load_state()

        conservados = pagina.locator("fieldset.adjuntos-conservados")
        assert conservados.is_visible()
        assert "acta-taller.pdf" in conservados.inner_text()
        assert pagina.get_by_label("acta-taller.pdf").is_checked()
        assert pagina.locator("#id_fecha_corte").input_value() == hoy
        conservados.scroll_into_view_if_needed()
        pagina.screenshot(path=str(CAPTURAS / f"avance-adjunto-conservado-{dispositivo}.png"), full_page=True)
        assert _axe_graves(pagina) == []

        # Lo que escribe queda en el borrador (1,5 s después de la última tecla).
        pagina.locator("#id_narrativa").fill("Taller de diagnóstico con la alcaldía")
        pagina.locator("#estado-borrador", has_text="Borrador guardado").wait_for()
        assert Borrador.objects.get(usuario=oferente).datos["narrativa"] == "Taller de diagnóstico con la alcaldía"

        pagina.get_by_role("button", name="Enviar avance").click()
        pagina.wait_for_load_state()
        assert "Avance reportado" in pagina.content()
        avance = Avance.objects.get()
        assert [e.nombre for e in avance.evidencias.all()] == ["acta-taller.pdf"]
        assert not Borrador.objects.filter(usuario=oferente).exists()
    finally:
        contexto.close()
