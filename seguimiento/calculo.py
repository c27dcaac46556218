"""Reglas de cálculo del seguimiento, sin base de datos (fáciles de probar y de explicar).

- Consolidación por pesos: el avance de un nivel es el promedio ponderado del avance de sus partes
  (sub-hito → hito → (línea × entidad territorial) → línea → plan → entidad → agenda), con los pesos
  declarados en cada parte; las entidades territoriales de una línea pesan lo mismo.
- Avance esperado: lo que debería llevarse a una fecha según las fechas planeadas.
- Semáforo: compara el avance con el esperado y lo clasifica con umbrales configurables.
- Tipos de acumulación de indicadores (ficha técnica, SETA / Sinergia): flujo, acumulado,
  capacidad (stock) y reducción.
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


# --- Indicadores: tipos de acumulación -----------------------------------------------------------
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


@dataclass(frozen=True)
class ResultadoIndicador:
    logro: Decimal | None
    avance: Decimal | None  # porcentaje 0–100 (acotado)


def avance_indicador(tipo: str, *, linea_base, meta, valores: Sequence) -> ResultadoIndicador:
    """Logro y porcentaje de avance según el tipo de acumulación. `valores` en orden de periodo."""
    valores = [D(v) for v in valores if v is not None]
    if not valores:
        return ResultadoIndicador(None, None)
    base = D(linea_base or 0)
    meta = D(meta) if meta is not None else None
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
    return ResultadoIndicador(logro, acotar(CIEN * numerador / denominador))
