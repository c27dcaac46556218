"""Reglas de cálculo del seguimiento, sin base de datos (fáciles de probar y de explicar).

- Consolidación por pesos: el avance de un nivel es el promedio ponderado del avance de sus partes
  (sub-hito → hito → (línea × entidad territorial) → línea → plan → entidad → agenda), con los pesos
  declarados en cada parte; las entidades territoriales de una línea pesan lo mismo.
- Avance esperado: lo que debería llevarse a una fecha según las fechas planeadas.
- Semáforo: compara el avance con el esperado y lo clasifica con umbrales configurables.

Los tipos de acumulación de los indicadores están en `indicadores/calculo.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CIEN = Decimal(100)
CERO = Decimal(0)


def D(valor) -> Decimal:
    return valor if isinstance(valor, Decimal) else Decimal(str(valor))


def redondear(valor: Decimal | None, lugares: int = 1) -> Decimal | None:
    if valor is None:
        return None
    return D(valor).quantize(Decimal(1).scaleb(-lugares), rounding=ROUND_HALF_UP)


def acotar(valor: Decimal, minimo: Decimal = CERO, maximo: Decimal = CIEN) -> Decimal:
    return max(minimo, min(maximo, valor))


# --- Consolidación por pesos ----------------------------------------------------------------------
def ponderar(partes: Iterable[tuple[Decimal | float | int, Decimal | float | int]]) -> Decimal | None:
    """Promedio ponderado Σ(peso × avance) / Σ peso. `partes` son pares (avance, peso).

    Devuelve None si no hay partes o los pesos suman cero.
    """
    suma = CERO
    pesos = CERO
    for avance, peso in partes:
        peso = D(peso)
        suma += D(avance) * peso
        pesos += peso
    if pesos <= 0:
        return None
    return suma / pesos


@dataclass
class Nodo:
    """Un hito (o sub-hito) con su peso, fecha planeada y avance propio (si no tiene hijos)."""

    peso: Decimal
    fecha_planeada: date
    avance: Decimal = CERO
    hijos: list[Nodo] = field(default_factory=list)

    def avance_total(self) -> Decimal:
        if not self.hijos:
            return D(self.avance)
        return ponderar((h.avance_total(), h.peso) for h in self.hijos) or CERO

    def esperado(self, inicio: date, hoy: date) -> Decimal:
        if not self.hijos:
            return avance_esperado(inicio, self.fecha_planeada, hoy)
        return ponderar((h.esperado(inicio, hoy), h.peso) for h in self.hijos) or CERO


def avance_por_entidad(avances: Sequence[tuple], entidades: Iterable[int]) -> dict[int, Decimal]:
    """Avance de un hito hoja en cada entidad territorial de su línea.

    `avances` son pares (porcentaje, entidades) de los avances validados del hito, del más reciente al
    más antiguo; un conjunto de entidades vacío cubre todas las de la línea. En cada entidad cuenta el
    último avance que la cubre (un evento masivo mueve a todas las que alcanzó); sin avance, 0.
    """
    if avances and not avances[0][1]:
        # El más reciente cubre a todas: el mismo avance en cada una (el caso común; sin recorrer por entidad).
        return dict.fromkeys(entidades, D(avances[0][0]))
    resultado = {}
    for entidad in entidades:
        resultado[entidad] = next((D(p) for p, cubre in avances if not cubre or entidad in cubre), CERO)
    return resultado


def avance_esperado(inicio: date, fin: date, hoy: date) -> Decimal:
    """Avance lineal esperado entre `inicio` y `fin` (0 antes de empezar, 100 desde `fin`)."""
    if hoy >= fin:
        return CIEN
    if hoy <= inicio:
        return CERO
    return CIEN * D((hoy - inicio).days) / D((fin - inicio).days)


# --- Semáforo ------------------------------------------------------------------------------------
AL_DIA = "al_dia"
EN_RIESGO = "en_riesgo"
ATRASADO = "atrasado"


@dataclass(frozen=True)
class Umbrales:
    """Brecha (puntos porcentuales de avance esperado menos avance real) a partir de la cual la
    línea pasa a «en riesgo» y a «atrasado»."""

    riesgo: Decimal = Decimal(10)
    atraso: Decimal = Decimal(25)


def semaforo(avance: Decimal, esperado: Decimal, umbrales: Umbrales = Umbrales()) -> str:
    """al día si brecha < riesgo; en riesgo si riesgo ≤ brecha < atraso; atrasado si brecha ≥ atraso."""
    brecha = D(esperado) - D(avance)
    if brecha >= D(umbrales.atraso):
        return ATRASADO
    if brecha >= D(umbrales.riesgo):
        return EN_RIESGO
    return AL_DIA


def completar(fila: dict, umbrales: Umbrales) -> dict:
    """Una fila de sumas (suma_pesos, suma_avance = Σ peso × avance, suma_esperado) con su avance y esperado
    ponderados y su semáforo; sin pesos, sin cifras."""
    pesos = fila.get("suma_pesos") or CERO
    if pesos:
        fila["avance"] = redondear(fila["suma_avance"] / pesos)
        fila["esperado"] = redondear(fila["suma_esperado"] / pesos)
        fila["semaforo"] = semaforo(fila["avance"], fila["esperado"], umbrales)
    else:
        fila["avance"] = fila["esperado"] = None
        fila["semaforo"] = ""
    return fila
