"""`{% url %}` y `{% translate %}` que recuerdan lo que ya resolvieron (mismo resultado, sin repetir el trabajo).

Cada página pinta el encabezado y el pie de `base.html`: unos 30 `{% url %}` y 40–70 `{% translate %}`.
`reverse()` recorre el resolvedor y tres variables locales de hilo por llamada (20–40 µs), y cada texto
en español sin traducción propia (el original ya es el texto) recorre la cadena entera de catálogos de
las apps antes de devolverse tal cual (5–15 µs). Juntos eran más de un milisegundo por página, más que
lo que tarda el resto del encabezado.

- `url` (en los `builtins`): sin argumentos, el resultado de `reverse` para el mismo nombre, aplicación
  actual, prefijo y urlconf es siempre el mismo: se guarda en un dict del proceso. Con argumentos, o
  si no resuelve, es el `{% url %}` de Django.
- `translate` / `trans` (la librería `i18n`, mapeada en `TEMPLATES["OPTIONS"]["libraries"]`): un
  texto literal, sin filtros y sin contexto variable, da el mismo texto para el mismo idioma y el mismo
  autoescape: se guarda por (texto, contexto, idioma, autoescape). Con variables, filtros o `noop` es el de
  Django.
- `static` (la librería `static`, mapeada igual): una ruta literal da siempre la misma dirección (la del
  manifiesto de `collectstatic`): se guarda por (ruta, autoescape). `handle_simple` pasaba por el
  almacenamiento y `urljoin` (80 µs por llamada, seis por página).
- `extends` (en los `builtins`): al pintar, Django recorre cada vez todo el árbol de la plantilla raíz
  (`base.html`) buscando sus `{% block %}`; la plantilla compilada no cambia (el cargador la guarda), así que
  esos bloques se buscan una vez por plantilla compilada y se recuerdan en ella.
- El idioma, el prefijo y el urlconf activos se leen una vez por pintada (`context.render_context`): cada
  lectura es una variable local de contexto de asgiref (~8 µs) y una página hacía 40 o más. `{% language %}`
  (que cambia el idioma dentro de su bloque) olvida lo leído al entrar y al salir.

Los dicts se vacían cuando una prueba cambia `ROOT_URLCONF`, los idiomas o `LOCALE_PATHS` (y el de
`static`, los ajustes de estáticos o `DEBUG`) (`setting_changed`); en producción solo crecen hasta el número
de nombres, textos y rutas de las plantillas.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags, loader_tags
from django.template.base import render_value_in_context
from django.templatetags import i18n as i18n_django
from django.templatetags import static as static_django
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from att import traduccion

register = template.Library()
i18n = template.Library()
i18n.tags.update(i18n_django.register.tags)
i18n.filters.update(i18n_django.register.filters)
static = template.Library()
static.tags.update(static_django.register.tags)
static.filters.update(static_django.register.filters)

_URLS: dict[tuple, str] = {}
_TEXTOS: dict[tuple, str] = {}
_ESTATICOS: dict[tuple, str] = {}
_ACTIVOS = object()  # clave en `context.render_context` de (idioma, prefijo, urlconf) de esta pintada


@receiver(setting_changed)
def _vaciar(*, setting, **kwargs):
    if setting == "ROOT_URLCONF" or setting in traduccion.AJUSTES_DE_IDIOMA:
        _URLS.clear()
        _TEXTOS.clear()
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "DEBUG", "INSTALLED_APPS"}:
        _ESTATICOS.clear()


def _activos(context) -> tuple:
    """(idioma, prefijo del script, urlconf) de esta pintada, leídos una vez."""
    guardados = context.render_context.get(_ACTIVOS)
    if guardados is None:
        guardados = context.render_context[_ACTIVOS] = (get_language(), get_script_prefix(), get_urlconf())
    return guardados


def direccion_recordada(context, nombre: str, args: tuple = (), aplicacion: str | None = None) -> str:
    """`reverse(nombre, args=args, current_app=aplicacion)` recordado por proceso (con el prefijo y el
    urlconf de esta pintada en la clave). Lanza `NoReverseMatch` como `reverse`, sin recordar nada."""
    _idioma, prefijo, urlconf = _activos(context)
    clave = (nombre, args, aplicacion, prefijo, urlconf)
    direccion = _URLS.get(clave)
    if direccion is None:
        direccion = _URLS[clave] = reverse(nombre, args=args, current_app=aplicacion)
    return direccion


class URLRecordada(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        nombre = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        aplicacion = None
        if request is not None:
            try:
                aplicacion = request.current_app
            except AttributeError:
                aplicacion = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            direccion = direccion_recordada(context, nombre, aplicacion=aplicacion)
        except NoReverseMatch:
            return super().render(context)  # el error (o el '' con «as») es el de Django
        if self.asvar:
            context[self.asvar] = direccion
            return ""
        return conditional_escape(direccion) if context.autoescape else direccion


@register.tag
def url(parser, token):
    nodo = defaulttags.url(parser, token)
    return URLRecordada(nodo.view_name, nodo.args, nodo.kwargs, nodo.asvar)


class TraduccionRecordada(i18n_django.TranslateNode):
    def render(self, context):
        expresion = self.filter_expression
        contexto = self.message_context
        if (self.noop or expresion.filters or expresion.var.literal is None
                or (contexto is not None and (contexto.filters or not isinstance(contexto.var, str)))):
            return super().render(context)
        clave = (expresion.var.literal, contexto and contexto.var, _activos(context)[0], context.autoescape)
        valor = _TEXTOS.get(clave)
        if valor is None:
            valor = _TEXTOS[clave] = self._valor(context)
        if self.asvar:
            context[self.asvar] = valor
            return ""
        return valor

    def _valor(self, context):
        """Lo que `TranslateNode.render` devuelve sin «as» (el mismo cálculo, sin tocar el nodo compartido)."""
        self.filter_expression.var.translate = True
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        valor = render_value_in_context(self.filter_expression.resolve(context), context)
        segura = isinstance(valor, SafeData)
        valor = valor.replace("%%", "%")
        return mark_safe(valor) if segura else valor


def _recordada(funcion):
    def etiqueta(parser, token):
        nodo = funcion(parser, token)
        if type(nodo) is not i18n_django.TranslateNode:
            return nodo
        return TraduccionRecordada(nodo.filter_expression, nodo.noop, nodo.asvar, nodo.message_context)

    return etiqueta


i18n.tag("translate", _recordada(i18n_django.do_translate))
i18n.tag("trans", _recordada(i18n_django.do_translate))


class IdiomaQueOlvida(i18n_django.LanguageNode):
    """`{% language %}`: cambia el idioma dentro de su bloque; lo leído por `_activos` se olvida al entrar y
    al salir (dentro vale el idioma del bloque, después otra vez el de afuera)."""

    def render(self, context):
        context.render_context.dicts[-1].pop(_ACTIVOS, None)
        try:
            return super().render(context)
        finally:
            context.render_context.dicts[-1].pop(_ACTIVOS, None)


def _idioma(parser, token):
    nodo = i18n_django.language(parser, token)
    return IdiomaQueOlvida(nodo.nodelist, nodo.language)


i18n.tag("language", _idioma)


class EstaticoRecordado(static_django.StaticNode):
    def render(self, context):
        ruta = self.path
        if ruta.filters or not isinstance(ruta.var, str):  # una variable o con filtros: la de Django
            return super().render(context)
        literal = ruta.var  # la ruta entre comillas ya resuelta por el analizador
        clave = (literal, context.autoescape)
        direccion = _ESTATICOS.get(clave)
        if direccion is None:
            direccion = self.handle_simple(literal)
            if context.autoescape:
                direccion = conditional_escape(direccion)
            _ESTATICOS[clave] = direccion
        if self.varname is None:
            return direccion
        context[self.varname] = direccion
        return ""


def _estatico(parser, token):
    nodo = static_django.do_static(parser, token)
    return EstaticoRecordado(varname=nodo.varname, path=nodo.path)


static.tag("static", _estatico)


_BLOQUES_DE_RAIZ = "_att_bloques_de_raiz"  # atributo de la plantilla compilada: sus bloques, si es la raíz


def _bloques_de_raiz(plantilla) -> dict | None:
    """Los `{% block %}` de la plantilla padre si es la raíz (no extiende otra), como los busca
    `ExtendsNode.render`; None si extiende otra. Se calcula una vez por plantilla compilada."""
    bloques = plantilla.__dict__.get(_BLOQUES_DE_RAIZ, _BLOQUES_DE_RAIZ)
    if bloques is _BLOQUES_DE_RAIZ:
        bloques = None
        for nodo in plantilla.nodelist:
            if not isinstance(nodo, template.base.TextNode):  # el extends debe ser el primer nodo que no es texto
                if not isinstance(nodo, loader_tags.ExtendsNode):
                    bloques = {n.name: n for n in plantilla.nodelist.get_nodes_by_type(loader_tags.BlockNode)}
                break
        setattr(plantilla, _BLOQUES_DE_RAIZ, bloques)
    return bloques


class ExtendsRecordado(loader_tags.ExtendsNode):
    def render(self, context):
        """Lo mismo que `ExtendsNode.render`, con los bloques de la raíz recordados (`_bloques_de_raiz`)."""
        padre = self.get_parent(context)
        if loader_tags.BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = loader_tags.BlockContext()
        bloques = context.render_context[loader_tags.BLOCK_CONTEXT_KEY]
        bloques.add_blocks(self.blocks)
        de_la_raiz = _bloques_de_raiz(padre)
        if de_la_raiz is not None:
            bloques.add_blocks(de_la_raiz)  # `add_blocks` no modifica el dict: se puede compartir
        with context.render_context.push_state(padre, isolated_context=False):
            return padre._render(context)


@register.tag("extends")
def extends(parser, token):
    nodo = loader_tags.do_extends(parser, token)
    return ExtendsRecordado(nodo.nodelist, nodo.parent_name, nodo.template_dirs)
