"""Etiquetas de los formularios que no pierden nada (en los `builtins` de las plantillas).

`{% adjuntos_conservados campo as conservados %}`: los adjuntos que un envío fallido guardó para el
siguiente (`att.forms.ConservaAdjuntosMixin`, campos de varios archivos o de uno); lista vacía para
cualquier otro campo. Llámela antes de pintar el campo.
"""

from django import template

register = template.Library()


@register.simple_tag
def adjuntos_conservados(campo) -> list:
    form = getattr(campo, "form", None)
    unico = campo.name in getattr(form, "campos_adjunto_unico", ())
    if form is None or (campo.name not in getattr(form, "campos_adjuntos", ()) and not unico):
        return []
    conservados = form.adjuntos_conservados(campo.name)
    if conservados and unico:
        # El conservado llena el campo: el navegador no debe exigir elegir otro (la plantilla llama esta
        # etiqueta antes de pintar el campo; la validación del formulario ya corrió).
        campo.field.required = False
    return conservados
