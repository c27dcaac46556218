"""El filtro «periodo de gobierno» de las páginas: lee `?periodo=2024-2027` contra la lista de periodos
(una consulta, que la plantilla reutiliza para el selector `includes/filtro_periodo.html`)."""

from __future__ import annotations

from att import selectors


def del_pedido(request, nombre: str = "periodo") -> tuple[list, object | None]:
    """(periodos, periodo elegido o None). Un código desconocido se ignora (lista sin filtrar)."""
    periodos = list(selectors.periodos_gobierno())
    codigo = request.GET.get(nombre, "").strip()[:20]
    return periodos, next((p for p in periodos if p.codigo == codigo), None)
