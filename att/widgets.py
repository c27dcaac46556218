"""Selectores buscables para los campos de muchas opciones (temas, municipios, entidades).

Mejora progresiva: el HTML es el de siempre (casillas o una lista desplegable) dentro de un contenedor
`data-selector-buscable`, con un campo de filtro oculto (`hidden`) y un contador `aria-live`.
`static/js/selector_buscable.js` muestra el filtro y esconde las opciones que no coinciden, sin tildes
ni mayúsculas («narino» encuentra «Nariño», «bogota» encuentra «Bogotá»). Sin JavaScript el formulario
funciona igual: el filtro no tiene `name` y no viaja con el formulario.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class _Buscable:
    """Envuelve el HTML del widget con el filtro; `etiqueta` es la del campo de texto del filtro."""

    etiqueta_por_defecto = _("Filtrar opciones")
    conteo_por_defecto = _("{n} de {total} opciones visibles")

    def __init__(self, *args, etiqueta=None, conteo=None, **kwargs):
        self.etiqueta = etiqueta or self.etiqueta_por_defecto
        self.conteo = conteo or self.conteo_por_defecto
        super().__init__(*args, **kwargs)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        base = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="selector-buscable" data-selector-buscable data-texto-conteo="{conteo}">'
            '<div class="selector-buscable__filtro" hidden>'
            '<label for="{id}_filtro">{etiqueta}</label>'
            '<input type="search" id="{id}_filtro" class="selector-buscable__texto" autocomplete="off" '
            'spellcheck="false" aria-controls="{id}" aria-describedby="{id}_conteo">'
            '<p id="{id}_conteo" class="selector-buscable__conteo" role="status" aria-live="polite"></p>'
            "</div>"
            '<div class="selector-buscable__opciones">{html}</div></div>',
            conteo=self.conteo, id=base, etiqueta=self.etiqueta, html=html,
        )


class CasillasBuscables(_Buscable, forms.CheckboxSelectMultiple):
    """Grupo de casillas con filtro (la plantilla `includes/campo.html` lo pone en un `fieldset`)."""


class SelectBuscable(_Buscable, forms.Select):
    """Lista desplegable con filtro (p. ej. los municipios del equipo departamental)."""


class SelectMultipleBuscable(_Buscable, forms.SelectMultiple):
    """Lista de varias opciones con filtro, para listas largas (todas las entidades territoriales)."""


def casillas_temas(**kwargs) -> CasillasBuscables:
    return CasillasBuscables(etiqueta=_("Filtrar temas"), conteo=_("{n} de {total} temas visibles"), **kwargs)


def selector_municipio(**kwargs) -> SelectBuscable:
    return SelectBuscable(etiqueta=_("Buscar municipio"), conteo=_("{n} de {total} entidades visibles"), **kwargs)


def casillas_entidades(**kwargs) -> CasillasBuscables:
    return CasillasBuscables(etiqueta=_("Filtrar entidades"), conteo=_("{n} de {total} entidades visibles"), **kwargs)


def lista_entidades(**kwargs) -> SelectMultipleBuscable:
    return SelectMultipleBuscable(etiqueta=_("Filtrar entidades"), conteo=_("{n} de {total} entidades visibles"),
                                  **kwargs)
