"""Benchmark del repositorio de conocimiento y de la memoria de una entidad territorial.

Mide la mediana del tiempo de servidor de la página de búsqueda (texto + facetas) y de la página
de memoria de Medellín, con el Client de pruebas de Django, y cuenta sus consultas.

Datos: `manage.py generar_demo --escala 1000 --solo att conocimiento` (30.000 recursos).
Uso: `.venv/bin/python bench/conocimiento_busqueda.py [--corridas 30] [--q agua]`
Meta: búsqueda con facetas < 100 ms de mediana; consultas constantes.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "att.settings")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from att.models import Entidad, Membresia, Rol
from conocimiento.models import Recurso


def medir(cliente, url, params, corridas):
    tiempos = []
    for _ in range(corridas):
        inicio = time.perf_counter()
        respuesta = cliente.get(url, params)
        tiempos.append(time.perf_counter() - inicio)
        assert respuesta.status_code == 200, respuesta.status_code
    with CaptureQueriesContext(connection) as ctx:
        cliente.get(url, params)
    return statistics.median(tiempos) * 1000, len(ctx)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corridas", type=int, default=30)
    p.add_argument("--q", default="presupuesto participativo")
    args = p.parse_args()
    total = Recurso.objects.count()
    if total < 1000:
        sys.exit("Pocos recursos: corra `manage.py generar_demo --escala 1000 --solo att conocimiento` primero.")
    cliente = Client()
    for nombre, params in (("búsqueda", {"q": args.q}), ("búsqueda + facetas", {"q": args.q, "departamento": "05"}),
                           ("sin texto", {})):
        ms, n = medir(cliente, "/conocimiento/repositorio/", params, args.corridas)
        print(f"{nombre:>22}: mediana {ms:7.1f} ms · {n} consultas · {total} recursos")
    medellin = Entidad.objects.get(tipo="alcaldia", municipio_id="05001")
    m = Membresia.objects.filter(entidad=medellin, activa=True, rol=Rol.FUNCIONARIO_ET).select_related("usuario").first()
    if m:
        cliente.force_login(m.usuario)
        ms, n = medir(cliente, f"/conocimiento/memoria/{medellin.pk}/", {}, args.corridas)
        print(f"{'memoria de Medellín':>22}: mediana {ms:7.1f} ms · {n} consultas")


if __name__ == "__main__":
    main()
