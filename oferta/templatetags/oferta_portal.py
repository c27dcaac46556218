"""Marcado repetitivo del portal generado en Python (las listas de facetas son lo más caro de la
plantilla y se repiten en cada búsqueda)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def opciones_faceta(faceta):
    """<li> por opción: casilla con su etiqueta y el conteo (con texto para lectores de pantalla)."""
    ofertas = _("ofertas")
    return format_html_join(
        "",
        '<li><input type="checkbox" id="f-{0}-{1}" name="{0}" value="{1}"{2}>'
        '<label for="f-{0}-{1}">{3} <span class="conteo">({4}<span class="sr-only"> {5}</span>)</span></label></li>',
        ((faceta.clave, o.valor, format_html(" checked") if o.elegida else "", o.nombre, o.cantidad, ofertas)
         for o in faceta.opciones),
    )
