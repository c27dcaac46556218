"""Filtros compartidos de la API."""

from datetime import UTC

from django import forms
from django_filters import rest_framework as filters
from django_filters.widgets import BaseCSVWidget


class FechaHoraFilter(filters.IsoDateTimeFilter):
    """Fecha y hora ISO 8601 llevada a UTC antes de consultar.

    ISO admite desfases de hasta ±23:59, PostgreSQL solo hasta ±15:59: sin esta conversión un
    `?desde=2026-01-01T00:00-17:00` válido producía un error 500 en lugar de filtrar.
    """

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


def valores_multiples(data, name) -> list[str] | None:
    """Los valores de `name` en la consulta: claves repetidas y listas con comas valen lo mismo.

    `tema=planeacion&tema=salud` y `tema=planeacion,salud` dan `["planeacion", "salud"]`; antes la
    clave repetida conservaba solo el último valor (el cliente generado desde el esquema la repite).
    `None` si la clave no viene."""
    if name not in data:
        return None
    crudos = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if not isinstance(crudos, (list, tuple)):
        crudos = [crudos]
    return [parte.strip() for crudo in crudos for parte in str(crudo).split(",") if parte.strip()]


class WidgetValoresMultiples(BaseCSVWidget, forms.TextInput):
    def value_from_datadict(self, data, files, name):
        return valores_multiples(data, name)


class WidgetOpcionesMultiples(forms.SelectMultiple):
    def value_from_datadict(self, data, files, name):
        return valores_multiples(data, name)


class ValoresMultiplesFilter(filters.BaseInFilter, filters.CharFilter):
    """Varios valores (O): claves repetidas o separados por comas. El esquema lo publica como
    arreglo `style: form, explode: true` (ver `att/api/esquema.py`), que el servidor también
    acepta con comas."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WidgetValoresMultiples)
        kwargs.setdefault("help_text", "")  # la ayuda del esquema la pone att/api/esquema.py
        super().__init__(*args, **kwargs)


class OpcionesMultiplesFilter(filters.MultipleChoiceFilter):
    """Varias opciones de una lista cerrada (O): claves repetidas o separadas por comas."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WidgetOpcionesMultiples)
        super().__init__(*args, **kwargs)
