"""Reglas puras del PAS (sin base de datos): el avance ponderado del plan."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CERO = Decimal(0)

REGLA_PESO = (
    "Avance ponderado = Σ (peso de la acción × avance de la acción) ÷ Σ pesos, sobre las acciones "
    "iniciadas a la fecha de corte. El avance de cada acción es el de su último reporte aprobado hasta "
    "ese corte (0 % si no tiene ninguno). Si ninguna de esas acciones tiene peso, todas pesan igual."
)


def avance_ponderado(pares: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """`pares` = (peso, avance %) por acción; avance None cuenta 0. None si no hay acciones."""
    pares = [(Decimal(p or 0), Decimal(a or 0)) for p, a in pares]
    if not pares:
        return None
    total = sum((p for p, _a in pares), CERO)
    if total == 0:
        pares = [(Decimal(1), a) for _p, a in pares]
        total = Decimal(len(pares))
    valor = sum((p * a for p, a in pares), CERO) / total
    return valor.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
