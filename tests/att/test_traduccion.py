"""Traducciones recordadas (att/traduccion.py): el mismo texto que Django, sin recorrer los respaldos
en cada petición."""

from gettext import GNUTranslations

from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

from tests.espias import contar_llamadas


def test_traduce_como_django_y_devuelve_la_cadena_sin_traduccion():
    with translation.override("es-co"):
        catalogo = trans_real.translation("es-co")
        for cadena in ("This field is required.", "January", "Buscar ofertas publicadas"):
            directa = GNUTranslations.gettext(catalogo, cadena)  # la búsqueda de Django, sin recordar
            assert translation.gettext(cadena) == directa
            assert translation.gettext(cadena) == directa
        # Django trae estas en su catálogo es_CO (la primera) y es (la segunda, por el respaldo).
        assert translation.gettext("This field is required.") == "Este campo es requerido."
        assert translation.gettext("January") == "Enero"
        assert translation.pgettext("abbrev. month", "Jan.") == "Ene."


def test_la_segunda_busqueda_no_recorre_los_catalogos_de_respaldo(monkeypatch):
    cadena = "Cadena de prueba que ningún catálogo tiene"
    with translation.override("es-co"):
        catalogo = trans_real.translation("es-co")
        catalogo.__dict__.get("_att_recordadas", {}).pop(cadena, None)
        respaldos = contar_llamadas(monkeypatch, GNUTranslations, "gettext")
        assert translation.gettext(cadena) == cadena
        primera = len(respaldos)
        assert primera >= 1  # la primera vez recorre los catálogos de respaldo de es-co
        assert translation.gettext(cadena) == cadena
        assert len(respaldos) == primera
        assert catalogo._att_recordadas[cadena] == cadena


def test_un_catalogo_nuevo_no_hereda_lo_recordado():
    """Cambiar LOCALE_PATHS hace que Django arme catálogos nuevos: nada de lo recordado pasa a ellos."""
    with translation.override("es-co"):
        translation.gettext("This field is required.")
        antes = trans_real.translation("es-co")
        with override_settings(LOCALE_PATHS=[]):
            despues = trans_real.translation("es-co")
            assert despues is not antes
            assert "_att_recordadas" not in despues.__dict__
            assert translation.gettext("This field is required.") == "Este campo es requerido."


def test_el_tope_deja_de_guardar_sin_dejar_de_traducir(monkeypatch):
    from att import traduccion

    with translation.override("es-co"):
        catalogo = trans_real.translation("es-co")
        monkeypatch.setattr(traduccion, "MAXIMO", len(catalogo.__dict__.get("_att_recordadas", {})))
        assert translation.gettext("Otra cadena más allá del tope") == "Otra cadena más allá del tope"
        assert "Otra cadena más allá del tope" not in catalogo._att_recordadas
        assert translation.gettext("This field is required.") == "Este campo es requerido."


def test_las_memorias_de_textos_del_portal_se_vacian_al_cambiar_los_ajustes_de_idioma():
    import datetime

    from oferta import selectors as oferta_selectors
    from oferta.templatetags import oferta_portal

    oferta_portal._vigente_hasta(datetime.date(2026, 12, 31), "es-co")
    oferta_selectors._etiqueta_faceta("tema", "es-co")
    assert oferta_portal._vigente_hasta.cache_info().currsize >= 1
    assert oferta_selectors._etiqueta_faceta.cache_info().currsize >= 1
    with override_settings(LOCALE_PATHS=[]):
        assert oferta_portal._vigente_hasta.cache_info().currsize == 0
        assert oferta_selectors._etiqueta_faceta.cache_info().currsize == 0
        oferta_portal._vigente_hasta(datetime.date(2026, 12, 31), "es-co")
    assert oferta_portal._vigente_hasta.cache_info().currsize == 0  # y al salir, otra vez
    with override_settings(SESSION_COOKIE_AGE=60):  # un ajuste que no es de idioma no las toca
        oferta_portal._vigente_hasta(datetime.date(2026, 12, 31), "es-co")
        assert oferta_portal._vigente_hasta.cache_info().currsize == 1
