"""Tipos de acumulación de indicadores (ficha técnica, SETA / Sinergia), sin base de datos.

Flujo, acumulado, capacidad (stock) y reducción: cómo se vuelven logro y porcentaje de avance las
mediciones de un indicador frente a su meta.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

CIEN = Decimal(100)
CERO = Decimal(0)

FLUJO = "flujo"
ACUMULADO = "acumulado"
CAPACIDAD = "capacidad"
REDUCCION = "reduccion"

EXPLICACION_ACUMULACION = {
    FLUJO: "Flujo: cada periodo se mide por sí solo y no se suma con los anteriores; el logro es el "
           "último valor reportado y el avance es logro ÷ meta.",
    ACUMULADO: "Acumulado: los logros de los periodos se suman; el avance es (suma de los valores) ÷ meta.",
    CAPACIDAD: "Capacidad (stock): el valor reportado es el nivel alcanzado, que ya incluye la línea base; "
               "el avance es (último valor − línea base) ÷ (meta − línea base).",
    REDUCCION: "Reducción: se espera que el valor baje desde la línea base; el avance es "
               "(línea base − último valor) ÷ (línea base − meta).",
}


def _decimal(valor) -> Decimal:
    return valor if isinstance(valor, Decimal) else Decimal(str(valor))


@dataclass(frozen=True)
class ResultadoIndicador:
    logro: Decimal | None
    avance: Decimal | None  # porcentaje 0–100 (acotado)


def avance_indicador(tipo: str, *, linea_base, meta, valores: Sequence) -> ResultadoIndicador:
    """Logro y porcentaje de avance según el tipo de acumulación. `valores` en orden de periodo."""
    valores = [_decimal(v) for v in valores if v is not None]
    if not valores:
        return ResultadoIndicador(None, None)
    base = _decimal(linea_base or 0)
    meta = _decimal(meta) if meta is not None else None
    if tipo == ACUMULADO:
        logro = sum(valores, CERO)
        denominador, numerador = meta, logro
    elif tipo == FLUJO:
        logro = valores[-1]
        denominador, numerador = meta, logro
    elif tipo == CAPACIDAD:
        logro = valores[-1]
        denominador = None if meta is None else meta - base
        numerador = logro - base
    elif tipo == REDUCCION:
        logro = valores[-1]
        denominador = None if meta is None else base - meta
        numerador = base - logro
    else:
        raise ValueError(f"Tipo de acumulación desconocido: {tipo}")
    if denominador is None or denominador == 0:
        return ResultadoIndicador(logro, None)
    return ResultadoIndicador(logro, max(CERO, min(CIEN, CIEN * numerador / denominador)))
