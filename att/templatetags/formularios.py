"""Etiquetas de los formularios que no pierden nada (en los `builtins` de las plantillas).

`{% adjuntos_conservados campo as conservados %}`: los adjuntos que un envío fallido guardó para el
siguiente (`att.forms.ConservaAdjuntosMixin`); lista vacía para cualquier otro campo.
"""

from django import template

register = template.Library()


@register.simple_tag
def adjuntos_conservados(campo) -> list:
    form = getattr(campo, "form", None)
    if form is None or campo.name not in getattr(form, "campos_adjuntos", ()):
        return []
    return form.adjuntos_conservados(campo.name)
