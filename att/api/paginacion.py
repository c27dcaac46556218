from rest_framework.pagination import CursorPagination


class EnlacesSiemprePresentes:
    """`next` y `previous` van siempre en la página (nulos en los extremos): el esquema los marca
    requeridos, como los emite DRF, para que un cliente tipado no los trate como opcionales."""

    def get_paginated_response_schema(self, schema):
        esquema = super().get_paginated_response_schema(schema)
        esquema["required"] = sorted(esquema["properties"])
        return esquema


class PaginacionCursor(EnlacesSiemprePresentes, CursorPagination):
    """Paginación por cursor: estable y de costo constante en listas largas."""

    page_size = 50
    page_size_query_param = "tamano"
    max_page_size = 500
    ordering = "-pk"
