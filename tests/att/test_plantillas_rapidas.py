"""`{% url %}` y `{% translate %}` que recuerdan (att/templatetags/rapidas.py): el mismo resultado que los de
Django, y el único nombre de librería repetido es la `i18n` reemplazada a propósito."""

import pytest
from django.template import Context, Template, engines
from django.test import override_settings
from django.utils import translation


def _pintar(fuente, contexto=None, autoescape=True):
    return engines["django"].from_string(fuente).render(contexto or {})


def test_las_unicas_librerias_repetidas_son_i18n_y_static_y_son_las_nuestras():
    avisos = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [a.id for a in avisos] == ["templates.W003", "templates.W003"]
    mensajes = sorted(a.msg for a in avisos)
    assert "'i18n'" in mensajes[0] and "att.templatetags.rapidas_i18n" in mensajes[0]
    assert "'static'" in mensajes[1] and "att.templatetags.rapidas_static" in mensajes[1]


def test_static_literal_igual_que_el_de_django_y_variable_sin_recordar(settings):
    """Con el almacenamiento de las pruebas y con el manifiesto de producción; una ruta en variable (o con
    filtros) es la de Django, que no se recuerda."""
    from django.template import Engine
    from django.templatetags.static import static as static_django

    django_puro = Engine(libraries={"static": "django.templatetags.static"})
    for fuente, contexto in (("{% static 'css/att.css' %}", {}), ("{% static 'img/a b&c.png' %}", {}),
                             ("{% static 'css/att.css' as u %}[{{ u }}]", {}),
                             ("{% static ruta %}", {"ruta": "js/envios.js"})):
        esperado = django_puro.from_string("{% load static %}" + fuente).render(Context(contexto))
        for _vez in range(2):
            assert _pintar("{% load static %}" + fuente, contexto) == esperado
    assert _pintar("{% load static %}{% static 'css/att.css' %}") == static_django("css/att.css")
    with override_settings(STATIC_URL="/otros-estaticos/"):
        assert _pintar("{% load static %}{% static 'css/att.css' %}") == "/otros-estaticos/css/att.css"
    assert _pintar("{% load static %}{% static 'css/att.css' %}") == static_django("css/att.css")


def test_language_cambia_el_idioma_dentro_de_su_bloque_y_lo_devuelve_despues():
    """El idioma se lee una vez por pintada; `{% language %}` lo olvida al entrar y al salir."""
    fuente = ('{% load i18n %}{% translate "January" %}|{% language "es" %}{% translate "January" %}'
              '{% endlanguage %}|{% translate "January" %}')
    with translation.override("en"):
        assert _pintar(fuente) == "January|enero|January"
    with translation.override("es"):
        assert _pintar(fuente) == "enero|enero|enero"


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


# --- extends: los bloques de la raíz, buscados una vez por plantilla compilada -------------------------
_CADENA = {
    "raiz.html": "<h>{% block titulo %}Raíz{% endblock %}</h><m>{% block menu %}<a>menú</a>{% endblock %}</m>"
                 "{% if x %}<b>{% block cuerpo %}cuerpo raíz{% endblock %}</b>{% endif %}<p>{% block pie %}pie{% endblock %}</p>",
    "medio.html": "{% extends 'raiz.html' %}{% block menu %}{{ block.super }}<a>seguimiento</a>{% endblock %}"
                  "{% block cuerpo %}<s>{% block seccion %}sección{% endblock %}</s>{% endblock %}",
    "hoja.html": "{% extends 'medio.html' %}{% block titulo %}Tablero{% endblock %}"
                 "{% block seccion %}{{ block.super }} + tablero {{ x }}{% endblock %}",
    "otra.html": "{% extends 'raiz.html' %}{% block pie %}otro pie{% endblock %}",
}


def _motor(con_rapidas: bool):
    from django.template import Engine

    return Engine(loaders=[("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", _CADENA)])],
                  builtins=["att.templatetags.rapidas"] if con_rapidas else [])


def test_extends_recordado_pinta_igual_que_el_de_django():
    from att.templatetags.rapidas import ExtendsRecordado

    rapido, django_ = _motor(True), _motor(False)
    assert type(rapido.get_template("hoja.html").nodelist[0]) is ExtendsRecordado
    for nombre in ("hoja.html", "otra.html", "medio.html"):
        for x in ("1", ""):
            assert (rapido.get_template(nombre).render(Context({"x": x}))
                    == django_.get_template(nombre).render(Context({"x": x})))
    raiz = rapido.get_template("raiz.html")
    assert set(raiz.__dict__["_att_bloques_de_raiz"]) == {"titulo", "menu", "cuerpo", "pie"}


def test_extends_recordado_busca_los_bloques_de_la_raiz_una_vez(monkeypatch):
    from django.template.base import NodeList

    from tests.espias import contar_llamadas

    motor = _motor(True)
    motor.get_template("hoja.html").render(Context({"x": "1"}))
    busquedas = contar_llamadas(monkeypatch, NodeList, "get_nodes_by_type")
    for _ in range(3):
        assert "sección + tablero 1" in motor.get_template("hoja.html").render(Context({"x": "1"}))
    assert busquedas == []
