from django.contrib.postgres.search import SearchRank
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from att import busqueda, cambios


class EnlacesSiemprePresentes:
    """`next` y `previous` van siempre en la página (nulos en los extremos): el esquema los marca
    requeridos, como los emite DRF, para que un cliente tipado no los trate como opcionales."""

    def get_paginated_response_schema(self, schema):
        esquema = super().get_paginated_response_schema(schema)
        esquema["required"] = sorted(esquema["properties"])
        return esquema


class PaginacionCursor(EnlacesSiemprePresentes, CursorPagination):
    """Paginación por cursor: estable y de costo constante en listas largas.

    Tamaño: 50 por defecto, `?tamano=` hasta 500. El máximo se eligió midiendo con gunicorn (2
    workers, DEBUG=0) sobre `generar_demo --escala 1000`: con la serialización por lotes
    (att/api/lotes.py) una página de 500 ofertas (la lista más ancha: 56 campos y diez listas
    muchos-a-muchos, ~860 KB de JSON) sale en ~0,1 s de un worker con la máquina libre y en ~0,5 s
    (p50) con la máquina de 2 núcleos saturada (carga 15); antes tardaba de 0,45 a 0,7 s libre y
    unos 6 s saturada. Con 1.000 la página más ancha quedaría cerca del segundo en la máquina
    cargada; para bajar todo, recorra `next` (el cursor no cuesta más en páginas lejanas).
    """

    page_size = 50
    page_size_query_param = "tamano"
    max_page_size = 500
    ordering = "-pk"
    invalid_cursor_message = _("Cursor inválido: siga los enlaces next y previous de la respuesta.")

    def paginate_queryset(self, queryset, request, view=None):
        self._modelo = getattr(queryset, "model", None)
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """El de DRF, y además la posición debe valer para el campo del orden: un cursor alterado con
        `p=abc` en una lista por id era un 500 al filtrar; ahora es el 404 de todo cursor inválido."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None or self._modelo is None:
            return cursor
        nombre = self.ordering[0].lstrip("-")
        opciones = self._modelo._meta
        try:
            campo = opciones.pk if nombre == "pk" else opciones.get_field(nombre)
        except FieldDoesNotExist:  # un orden a través de una relación (`entidad__nombre`): lo valida el ORM
            return cursor
        try:
            valor = campo.get_prep_value(campo.to_python(cursor.position))
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
        rango = connection.ops.integer_field_ranges.get(campo.get_internal_type())
        if rango is not None and not rango[0] <= valor <= rango[1]:  # ningún id llega ahí
            raise NotFound(self.invalid_cursor_message)
        return cursor


class _PaginasPorRelevancia(PageNumberPagination):
    """Páginas numeradas (`?pagina=N`) para el orden por relevancia: un cursor no puede ubicarse en
    un rango real (`ts_rank`). La respuesta tiene la misma forma que la del cursor (next, previous,
    results), así un cliente sigue `next` sin saber cuál de las dos está en uso."""

    page_size = PaginacionCursor.page_size
    page_size_query_param = PaginacionCursor.page_size_query_param
    max_page_size = PaginacionCursor.max_page_size
    page_query_param = "pagina"

    def paginate_queryset(self, queryset, request, view=None):
        """Sin `count(*)`: se lee una fila de más para saber si hay página siguiente (las mismas
        consultas que con el cursor)."""
        self.request = request
        tamano = self.get_page_size(request)
        try:
            self.numero = int(request.query_params.get(self.page_query_param, 1))
        except (TypeError, ValueError):
            self.numero = 0
        if self.numero < 1:
            raise NotFound(_("Página inválida."))
        inicio = (self.numero - 1) * tamano
        filas = list(queryset[inicio:inicio + tamano + 1])
        if not filas and self.numero > 1:
            raise NotFound(_("Página inválida."))
        self.hay_siguiente = len(filas) > tamano
        return filas[:tamano]

    def get_next_link(self):
        if not self.hay_siguiente:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.numero + 1)

    def get_previous_link(self):
        if self.numero <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.numero == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.numero - 1)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})


class PaginacionRelevancia(PaginacionCursor):
    """Cursor (`-pk`) sin búsqueda; con `q` (y sin `ordering` ni `actualizado_desde` explícitos)
    el orden es el del portal y el repositorio: relevancia (`ts_rank` del vector `busqueda` con la
    consulta de `att.busqueda`) de mayor a menor y luego `desempate_relevancia` de la vista
    (p. ej. `("-publicada_en", "-pk")`), en páginas numeradas (`?pagina=N`)."""

    parametro_busqueda = "q"

    def por_relevancia(self, request, view) -> bool:
        params = request.query_params
        return bool(params.get(self.parametro_busqueda, "").strip()) and not params.get("ordering") and (
            cambios.PARAMETRO not in params)

    def paginate_queryset(self, queryset, request, view=None):
        self._paginas = None
        if not self.por_relevancia(request, view):
            return super().paginate_queryset(queryset, request, view)
        desempate = getattr(view, "desempate_relevancia", ("-pk",))
        consulta = busqueda.consulta(request.query_params[self.parametro_busqueda])
        queryset = queryset.annotate(rango=SearchRank(F("busqueda"), consulta)).order_by("-rango", *desempate)
        self._paginas = _PaginasPorRelevancia()
        return self._paginas.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._paginas is not None:
            return self._paginas.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": _PaginasPorRelevancia.page_query_param, "required": False, "in": "query",
            "description": str(_(
                "Con `q` (y sin `ordering`) el orden es por relevancia (ts_rank de mayor a menor, luego id), "
                "como en el portal, y las páginas van numeradas: `next` lleva `pagina`; `cursor` se ignora. "
                "Sin `q` la paginación es por cursor.")),
            "schema": {"type": "integer", "minimum": 1},
        }]
