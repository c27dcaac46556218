from rest_framework.pagination import CursorPagination


class PaginacionCursor(CursorPagination):
    """Paginación por cursor: estable y de costo constante en listas largas."""

    page_size = 50
    page_size_query_param = "tamano"
    max_page_size = 500
    ordering = "-pk"
