"""Paginación por cursor («seek») de la lista de demandas, con conteo acotado.

`Paginator` de Django cuenta todas las filas (COUNT sobre ~200.000 demandas que ve un oferente:
0,8 s) y salta con OFFSET (cada página más honda es más lenta). Aquí cada página busca en el
índice (creada, id) desde la última fila de la anterior, y el total se cuenta solo hasta
`TOPE_CONTEO` («más de 1.000 demandas»): el costo no crece con la base ni con la página.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

TOPE_CONTEO = 1000
_EPOCA = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICRO = datetime.timedelta(microseconds=1)


def cursor_de(demanda) -> str:
    """`<microsegundos de creada>-<id>`: solo dígitos y guion, seguro en la URL."""
    return f"{(demanda.creada - _EPOCA) // _MICRO}-{demanda.pk}"


def leer_cursor(texto: str) -> tuple[datetime.datetime, int] | None:
    """El cursor de la URL, o None si no es válido (se muestra la primera página)."""
    micro, _, pk = (texto or "").partition("-")
    if not (micro.isdigit() and pk.isdigit()) or len(micro) > 18 or len(pk) > 18:
        return None
    try:
        return _EPOCA + int(micro) * _MICRO, int(pk)
    except OverflowError:
        return None


@dataclass
class PaginaPorCursor:
    object_list: list = field(default_factory=list)
    total: int = 0
    total_exacto: bool = True
    siguiente: str = ""  # cursor para ?despues=
    anterior: str = ""  # cursor para ?antes=

    @property
    def hay_mas_paginas(self) -> bool:
        return bool(self.siguiente or self.anterior)


def paginar(qs: QuerySet, *, despues: str = "", antes: str = "", por_pagina: int = 25,
            tope: int | None = None) -> PaginaPorCursor:
    """Una página de `qs` (en orden -creada, -id). `despues`: las más antiguas que el cursor;
    `antes`: las más recientes que el cursor (volver). Dos consultas: el conteo con tope y la
    página (más las de `prefetch_related` del queryset)."""
    tope = tope or TOPE_CONTEO
    base = qs.order_by("-creada", "-pk")
    hasta = base.order_by()[: tope + 1].values("pk").count()
    pagina = PaginaPorCursor(total=min(hasta, tope), total_exacto=hasta <= tope)
    cursor_antes, cursor_despues = leer_cursor(antes), leer_cursor(despues)
    if cursor_antes:
        creada, pk = cursor_antes
        filas = list(
            base.filter(Q(creada__gt=creada) | Q(creada=creada, pk__gt=pk), creada__gte=creada)
            .order_by("creada", "pk")[: por_pagina + 1]
        )
        hay_antes = len(filas) > por_pagina
        filas = filas[:por_pagina][::-1]
        hay_despues = True
    else:
        if cursor_despues:
            creada, pk = cursor_despues
            base = base.filter(Q(creada__lt=creada) | Q(creada=creada, pk__lt=pk), creada__lte=creada)
        filas = list(base[: por_pagina + 1])
        hay_despues = len(filas) > por_pagina
        filas = filas[:por_pagina]
        hay_antes = cursor_despues is not None
    pagina.object_list = filas
    if filas:
        pagina.siguiente = cursor_de(filas[-1]) if hay_despues else ""
        pagina.anterior = cursor_de(filas[0]) if hay_antes else ""
    return pagina
