"""En Chromium sin cabeza (escritorio 1366×900 y teléfono 390×844): el portal con dos valores de una
faceta marcados (O) y el «¿Quiso decir …?» del portal y del repositorio, que lleva a los resultados.
Capturas en var/capturas/ y axe-core sin infracciones graves ni críticas."""

from pathlib import Path

import pytest

from att import busqueda
from att.models import Modalidad, Tema
from tests import factories
from tests.conocimiento.conftest import recurso_publicado
from tests.e2e.test_mapas import _axe_graves
from tests.oferta import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"


def _datos():
    fabricas.oferta(nombre="Actualización catastral multipropósito", modalidades=("asesoria",),
                    descripcion="Gestión catastral para municipios de categorías 5 y 6")
    fabricas.oferta(nombre="Escuela de formación en catastro", modalidades=("capacitacion",))
    fabricas.oferta(nombre="Intercambio de experiencias en planeación", modalidades=("intercambio",))
    persona = factories.persona(factories.alcaldia("76001"))
    recurso_publicado(persona, titulo="Alianza público-privada para el acueducto veredal",
                      entidad=factories.alcaldia("76001"), temas=[Tema.objects.get(codigo="agua-saneamiento")])
    busqueda.refrescar_vocabulario("oferta")
    busqueda.refrescar_vocabulario("conocimiento")


@pytest.mark.parametrize("dispositivo", ["escritorio", "telefono"])
def test_facetas_con_varios_valores_y_quiso_decir(request, referencia_cargada, dispositivo):
    pagina = request.getfixturevalue("pagina_escritorio" if dispositivo == "escritorio" else "pagina")
    if dispositivo == "escritorio":
        pagina.set_viewport_size({"width": 1366, "height": 900})
    _datos()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    asesoria, capacitacion = (Modalidad.objects.get(codigo=c).pk for c in ("asesoria", "capacitacion"))

    # Marcar dos modalidades en el formulario de filtros: O dentro de la faceta.
    pagina.goto(pagina.base + "/oferta/")
    faceta = pagina.locator("#f-modalidad")
    if faceta.get_attribute("open") is None:
        faceta.locator("summary").click()
    pagina.check(f"#f-modalidad-{asesoria}")
    pagina.check(f"#f-modalidad-{capacitacion}")
    pagina.get_by_role("button", name="Aplicar filtros").click()
    pagina.wait_for_url(f"**/oferta/?*modalidad={capacitacion}*")
    assert pagina.locator("#titulo-resultados").inner_text() == "2 ofertas publicadas"
    assert pagina.is_checked(f"#f-modalidad-{asesoria}") and pagina.is_checked(f"#f-modalidad-{capacitacion}")
    assert pagina.locator("label[for^='f-modalidad-']").count() == 3  # «Intercambio» sigue a la vista
    pagina.screenshot(path=str(CAPTURAS / f"busqueda-dos-modalidades-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []

    # Un error de escritura: nada, y «¿Quiso decir …?» que lleva a los resultados.
    pagina.fill("#q", "catastrl")
    pagina.get_by_role("button", name="Buscar", exact=True).click()
    sugerencia = pagina.locator("#sugerencia")
    assert sugerencia.inner_text() in ("catastro", "catastral")
    pagina.screenshot(path=str(CAPTURAS / f"busqueda-quiso-decir-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    sugerencia.click()
    pagina.wait_for_load_state()
    assert pagina.locator("#titulo-resultados").inner_text() == "2 ofertas publicadas"

    pagina.goto(pagina.base + "/conocimiento/repositorio/?q=acueduto")
    assert pagina.locator("#sugerencia").inner_text() == "acueducto"
    pagina.screenshot(path=str(CAPTURAS / f"repositorio-quiso-decir-{dispositivo}.png"), full_page=True)
    assert _axe_graves(pagina) == []
    pagina.locator("#sugerencia").click()
    pagina.wait_for_load_state()
    assert pagina.locator("#titulo-resultados").inner_text() == "1 resultado"
