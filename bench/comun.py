"""Piezas comunes de los benchmarks: preparar Django y medir una página como la pide una persona."""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def preparar_django() -> None:
    """Los scripts de bench/ se corren sueltos: ponen el proyecto en la ruta y arrancan Django."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "att.settings")
    import django

    django.setup()


@dataclass
class Medida:
    mediana_ms: float
    p95_ms: float
    consultas: int
    respuesta: object  # la respuesta de la corrida con consultas contadas (contenido, código)


def medir_pagina(cliente, url: str, *, repeticiones: int, params: dict | None = None) -> Medida:
    """Una petición de calentamiento, una con las consultas contadas y `repeticiones` cronometradas."""
    from django.db import connection

    cliente.get(url, params)
    # Se cuentan con execute_wrapper: el registro de consultas de DEBUG se llena a las 9.000 y
    # CaptureQueriesContext daría 0 en una corrida larga.
    consultas = []
    with connection.execute_wrapper(lambda ejecutar, sql, *args: consultas.append(sql) or ejecutar(sql, *args)):
        respuesta = cliente.get(url, params)
    assert respuesta.status_code == 200, (url, params, respuesta.status_code)
    tiempos = []
    for _ in range(max(1, repeticiones)):
        inicio = time.perf_counter()
        cliente.get(url, params)
        tiempos.append((time.perf_counter() - inicio) * 1000)
    tiempos.sort()
    p95 = tiempos[max(0, math.ceil(len(tiempos) * 0.95) - 1)]
    return Medida(statistics.median(tiempos), p95, len(consultas), respuesta)
