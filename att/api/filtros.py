"""Filtros compartidos de la API."""

from datetime import timezone as tz

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from att import cambios


class FechaHoraFilter(filters.IsoDateTimeFilter):
    """Fecha y hora ISO 8601 llevada a UTC antes de consultar.

    ISO admite desfases de hasta ±23:59, PostgreSQL solo hasta ±15:59: sin esta conversión un
    `?desde=2026-01-01T00:00-17:00` válido producía un error 500 en lugar de filtrar.
    """

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(tz.utc)
        return super().filter(qs, value)


class FiltroActualizadoDesde(BaseFilterBackend):
    """`?actualizado_desde=<ISO 8601>` en toda lista de un modelo registrado en `att/cambios.py`.

    Devuelve lo modificado **después** de la marca (exclusivo: `> marca`), ordenado por (fecha de
    modificación, id) de menor a mayor, también con la paginación por cursor: un integrador recorre
    las páginas con `next` y guarda como próxima marca la mayor fecha vista o, más simple, la hora
    del servidor (cabecera `Date`) de su primera petición menos unos segundos (lo repetido se
    sobrescribe; lo borrado está en `/api/v1/eliminaciones/`).
    """

    def _campo(self, request, queryset):
        if cambios.PARAMETRO not in request.query_params:
            return None
        fuente = cambios.fuente_de(getattr(queryset, "model", None))
        return fuente.campo if fuente else None

    def filter_queryset(self, request, queryset, view):
        valor = request.query_params.get(cambios.PARAMETRO)
        if valor is None:
            return queryset
        campo = self._campo(request, queryset)
        if campo is None:
            raise ValidationError({cambios.PARAMETRO: [_("Esta lista no admite actualizado_desde.")]})
        try:
            marca = cambios.leer_marca(valor)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return queryset.filter(**{f"{campo}__gt": marca}).order_by(campo, "pk")

    def get_ordering(self, request, queryset, view):
        """La paginación por cursor pregunta aquí el orden: con la marca, (fecha, id)."""
        campo = self._campo(request, queryset)
        if campo is not None:
            return (campo, "pk")
        return OrderingFilter().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        try:
            modelo = view.get_queryset().model
        except Exception:  # noqa: BLE001 - vistas sin queryset al generar el esquema
            modelo = getattr(getattr(view, "queryset", None), "model", None)
        if cambios.fuente_de(modelo) is None or getattr(view, "action", "list") != "list":
            return []
        return [{
            "name": cambios.PARAMETRO, "required": False, "in": "query",
            "description": str(_("Solo lo modificado después de esta fecha y hora (ISO 8601, exclusiva), "
                                 "ordenado por fecha de modificación e id.")),
            "schema": {"type": "string", "format": "date-time"},
        }]
