"""Reglas puras: consolidación por pesos, avance esperado, semáforo y tipos de acumulación."""

from datetime import date
from decimal import Decimal as D

import pytest

from indicadores import calculo as calculo_ind
from seguimiento import calculo
from seguimiento.calculo import Nodo, Umbrales


def test_ponderar_con_pesos_desiguales():
    # (80 × 3 + 20 × 1) / 4 = 65
    assert calculo.ponderar([(80, 3), (20, 1)]) == D(65)
    assert calculo.ponderar([]) is None


def test_arbol_de_subhitos_con_pesos_desiguales():
    h1 = Nodo(peso=D(2), fecha_planeada=date(2026, 3, 1), hijos=[
        Nodo(peso=D(1), fecha_planeada=date(2026, 2, 1), avance=D(100)),
        Nodo(peso=D(3), fecha_planeada=date(2026, 3, 1), avance=D(20)),
    ])  # (100 + 60) / 4 = 40
    h2 = Nodo(peso=D(1), fecha_planeada=date(2026, 6, 1), avance=D(70))
    assert h1.avance_total() == D(40)
    # línea: (40 × 2 + 70 × 1) / 3 = 50
    assert calculo.ponderar([(h1.avance_total(), h1.peso), (h2.avance_total(), h2.peso)]) == D(50)


def test_avance_esperado_lineal():
    assert calculo.avance_esperado(date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 6)) == D(50)
    assert calculo.avance_esperado(date(2026, 1, 1), date(2026, 1, 11), date(2025, 12, 1)) == D(0)
    assert calculo.avance_esperado(date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 1)) == D(100)


@pytest.mark.parametrize("avance,esperado,color", [
    (D(50), D("59.99"), "al_dia"),     # brecha 9,99 < 10
    (D(50), D(60), "en_riesgo"),     # brecha = 10 (umbral de riesgo)
    (D(50), D("74.99"), "en_riesgo"),  # brecha 24,99 < 25
    (D(50), D(75), "atrasado"),      # brecha = 25 (umbral de atraso)
    (D(90), D(50), "al_dia"),        # adelantado
])
def test_semaforo_en_sus_umbrales(avance, esperado, color):
    assert calculo.semaforo(avance, esperado, Umbrales(riesgo=D(10), atraso=D(25))) == color


def test_semaforo_con_umbrales_configurados():
    assert calculo.semaforo(D(50), D(55), Umbrales(riesgo=D(5), atraso=D(8))) == "en_riesgo"
    assert calculo.semaforo(D(50), D(58), Umbrales(riesgo=D(5), atraso=D(8))) == "atrasado"


def test_acumulado_suma_los_periodos():
    r = calculo_ind.avance_indicador("acumulado", linea_base=0, meta=40, valores=[5, 10, 15])
    assert r.logro == D(30) and r.avance == D(75)


def test_flujo_toma_el_ultimo_periodo():
    r = calculo_ind.avance_indicador("flujo", linea_base=0, meta=40, valores=[5, 10, 15])
    assert r.logro == D(15) and r.avance == D("37.5")


def test_capacidad_descuenta_la_linea_base():
    # stock: de 20 a 50 con meta 80 → (50 − 20) / (80 − 20) = 50 %
    r = calculo_ind.avance_indicador("capacidad", linea_base=20, meta=80, valores=[30, 50])
    assert r.logro == D(50) and r.avance == D(50)


def test_reduccion_mide_lo_que_baja():
    # de 40 a 30 con meta 20 → (40 − 30) / (40 − 20) = 50 %
    r = calculo_ind.avance_indicador("reduccion", linea_base=40, meta=20, valores=[35, 30])
    assert r.logro == D(30) and r.avance == D(50)


def test_avance_acotado_y_sin_datos():
    assert calculo_ind.avance_indicador("acumulado", linea_base=0, meta=10, valores=[30]).avance == D(100)
    assert calculo_ind.avance_indicador("reduccion", linea_base=40, meta=20, valores=[45]).avance == D(0)
    assert calculo_ind.avance_indicador("flujo", linea_base=0, meta=10, valores=[]).avance is None
