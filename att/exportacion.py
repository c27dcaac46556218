"""Lo que comparten las exportaciones XLSX (datos abiertos de ofertas, demandas, líneas de un plan,
informes de seguimiento): ninguna celda pasa de lo que cabe en Excel.

Con los largos máximos de `att.validadores` (todos por debajo de 32.767) ningún texto guardado
llega a ese límite. Si alguna vez llega (un campo nuevo sin límite, datos anteriores a los límites),
no se deja que Excel corte en silencio ni que rechace el archivo: la celda se recorta con una marca
visible «[texto recortado]» y queda un aviso en el registro para corregir el origen.
"""

from __future__ import annotations

import logging

from att.validadores import LIMITE_CELDA_XLSX

logger = logging.getLogger(__name__)

MARCA_RECORTE = "… [texto recortado]"


def celda_xlsx(valor, *, donde: str = ""):
    """El valor tal cual si cabe en una celda de Excel; si no, recortado con la marca visible."""
    if isinstance(valor, str) and len(valor) > LIMITE_CELDA_XLSX:
        logger.warning(
            "Exportación XLSX: una celda%s tenía %d caracteres (el máximo de Excel es %d); se recortó con "
            "la marca «[texto recortado]».", f" ({donde})" if donde else "", len(valor), LIMITE_CELDA_XLSX,
        )
        return valor[: LIMITE_CELDA_XLSX - len(MARCA_RECORTE)] + MARCA_RECORTE
    return valor


def dataset_xlsx(datos) -> bytes:
    """Un `tablib.Dataset` en XLSX, con cada celda pasada por `celda_xlsx`. Solo copia el conjunto
    si alguna celda se pasa (lo normal es que ninguna)."""
    import tablib

    def larga(valor) -> bool:
        return isinstance(valor, str) and len(valor) > LIMITE_CELDA_XLSX

    if any(larga(v) for fila in datos for v in fila):
        cabezas = list(datos.headers or [])
        seguro = tablib.Dataset(headers=datos.headers, title=datos.title)
        for numero, fila in enumerate(datos, start=2):
            seguro.append([
                celda_xlsx(v, donde=f"fila {numero}, columna {cabezas[i] if i < len(cabezas) else i + 1}")
                for i, v in enumerate(fila)
            ])
        datos = seguro
    return datos.export("xlsx")
