"""Los menús de áreas y de secciones del seguimiento (`att/templatetags/navegacion.py`): qué opciones ve
cada quien y cuál queda marcada como la página actual."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _menu(html: str, clase: str) -> list[tuple[str, str, bool]]:
    """(dirección, texto, ¿actual?) de cada opción del <nav class="clase">."""
    nav = re.search(rf'<nav class="{clase}"[^>]*>(.*?)</nav>', html, re.DOTALL).group(1)
    return [(href, texto, bool(actual)) for href, actual, texto in
            re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', nav)]


def _actual(menu) -> list[str]:
    return [texto for _href, texto, actual in menu if actual]


def test_areas_sin_sesion_y_con_sesion(client, funcionario_medellin):
    areas = _menu(client.get("/oferta/?tema=1").content.decode(), "navegacion")
    assert [t for _h, t, _a in areas] == ["Inicio", "Oferta", "Demanda", "Agenda y planes", "Seguimiento",
                                          "Conocimiento"]
    assert _actual(areas) == ["Oferta"]  # con consulta y en cualquier página bajo /oferta/
    client.force_login(funcionario_medellin)
    areas = _menu(client.get("/").content.decode(), "navegacion")
    assert areas[-1] == ("/rutas/", "Rutas", False)
    assert _actual(areas) == ["Inicio"]
    assert _actual(_menu(client.get("/rutas/").content.decode(), "navegacion")) == ["Rutas"]


def test_secciones_del_seguimiento_segun_permisos(client, funcionario_medellin, auditor):
    client.force_login(funcionario_medellin)
    secciones = _menu(client.get("/seguimiento/").content.decode(), "sub-navegacion")
    textos = [t for _h, t, _a in secciones]
    assert textos == ["Tablero", "Líneas e hitos", "Avance por entidad y cortes", "Asesorías y eventos",
                      "Indicadores", "Percepción de calidad", "Evaluaciones", "Informes"]
    assert _actual(secciones) == ["Tablero"]
    client.force_login(auditor)
    secciones = _menu(client.get("/seguimiento/").content.decode(), "sub-navegacion")
    textos = [t for _h, t, _a in secciones]
    for solo_dnp in ("Avances por validar", "Resultados en capacidades", "Mapas", "Cierre de periodos"):
        assert solo_dnp in textos
    assert ("/seguimiento/cortes/entidad/", "Avance por entidad y cortes", False) in secciones


def test_la_seccion_de_cortes_queda_marcada_en_cualquier_corte(client, auditor):
    client.force_login(auditor)
    secciones = _menu(client.get("/seguimiento/cortes/zona/").content.decode(), "sub-navegacion")
    assert _actual(secciones) == ["Avance por entidad y cortes"]
    secciones = _menu(client.get("/seguimiento/informes/").content.decode(), "sub-navegacion")
    assert _actual(secciones) == ["Informes"]
