"""`{% url %}` y `{% translate %}` que recuerdan (att/templatetags/rapidas.py): el mismo resultado que los de
Django, y el único nombre de librería repetido es la `i18n` reemplazada a propósito."""

import pytest
from django.template import Context, Template, engines
from django.test import override_settings
from django.utils import translation


def _pintar(fuente, contexto=None, autoescape=True):
    return engines["django"].from_string(fuente).render(contexto or {})


def test_la_unica_libreria_repetida_es_i18n_y_es_la_nuestra():
    avisos = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [a.id for a in avisos] == ["templates.W003"]
    assert "'i18n'" in avisos[0].msg and "att.templatetags.rapidas_i18n" in avisos[0].msg


def test_url_sin_argumentos_con_argumentos_y_con_as():
    assert _pintar("{% url 'inicio' %}") == "/"
    assert _pintar("{% url 'oferta:detalle' 7 %}") == "/oferta/7/"
    assert _pintar("{% url 'oferta:portal' as u %}[{{ u }}]") == "[/oferta/]"
    assert _pintar("{% url 'no-existe' as u %}[{{ u }}]") == "[]"
    with pytest.raises(Exception, match="Reverse for 'no-existe' not found"):
        _pintar("{% url 'no-existe' %}")


def test_url_recordada_sigue_al_urlconf_de_la_prueba():
    assert _pintar("{% url 'inicio' %}") == "/"
    with override_settings(ROOT_URLCONF="tests.att.urls_prefijo"):
        assert _pintar("{% url 'inicio' %}") == "/otro/"
    assert _pintar("{% url 'inicio' %}") == "/"


def test_translate_literal_igual_que_el_de_django_con_y_sin_autoescape():
    """La misma fuente con la `i18n` de Django (un motor sin el reemplazo) da lo mismo, dos veces seguidas
    (la segunda, recordada)."""
    from django.template import Engine

    fuente = ('{% load i18n %}{% translate "Ingresar" %}|{% translate "a & b" %}|{% translate "x" as t %}{{ t }}|'
              '{% translate "Mayo" context "mes" %}|{% translate "con %% signo" %}')
    django = Engine(libraries={"i18n": "django.templatetags.i18n"})
    for envoltura in ("{}", "{{% autoescape off %}}{}{{% endautoescape %}}"):
        texto = envoltura.format(fuente)
        esperado = django.from_string(texto).render(Context())
        assert Template(texto).render(Context()) == esperado == Template(texto).render(Context())
    with translation.override("en"):
        assert _pintar(fuente) == django.from_string(fuente).render(Context())
