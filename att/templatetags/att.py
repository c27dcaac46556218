from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def url_pagina(context, numero) -> str:
    """La URL actual con otra página, conservando todos los filtros (también los repetidos)."""
    parametros = context["request"].GET.copy()
    parametros["page"] = str(int(numero))
    return "?" + parametros.urlencode()
