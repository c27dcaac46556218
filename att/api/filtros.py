"""Filtros compartidos de la API."""

from datetime import timezone as tz

from django_filters import rest_framework as filters


class FechaHoraFilter(filters.IsoDateTimeFilter):
    """Fecha y hora ISO 8601 llevada a UTC antes de consultar.

    ISO admite desfases de hasta ±23:59, PostgreSQL solo hasta ±15:59: sin esta conversión un
    `?desde=2026-01-01T00:00-17:00` válido producía un error 500 en lugar de filtrar.
    """

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(tz.utc)
        return super().filter(qs, value)
