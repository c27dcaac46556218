"""Benchmark del portal de oferta: búsqueda de texto con dos facetas.

Mide la mediana del tiempo de servidor (selector + renderizado de la página, con el Client de
pruebas de Django) y la compara con lo que tarda PostgreSQL en las mismas consultas
(EXPLAIN (ANALYZE) de cada consulta de la petición: suma de «Execution Time»).

Datos: `manage.py generar_demo --escala 1000 --solo att oferta` (20.000 ofertas).
Uso: `.venv/bin/python bench/oferta_busqueda.py [--corridas 30] [--q planeacion]`
Meta: mediana < 50 ms y dentro de 2x del tiempo de la base de datos.
"""

import argparse
import json
import os
import statistics
import sys
import time

from comun import preparar_django

preparar_django()

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from att.models import Modalidad
from oferta import selectors
from oferta.models import Oferta


def mediana_ms(valores):
    return statistics.median(valores) * 1000


def explicar(sql: str, ajustes: list[str]) -> float:
    """Tiempo de ejecución dentro de PostgreSQL, con los mismos `SET LOCAL` que usó la petición."""
    with transaction.atomic(), connection.cursor() as cursor:
        for ajuste in ajustes:
            cursor.execute(ajuste)
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Execution Time"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corridas", type=int, default=30)
    p.add_argument("--q", default="planeacion")
    args = p.parse_args()

    total = Oferta.objects.count()
    if total < 1000:
        sys.exit("Pocas ofertas: corra `manage.py generar_demo --escala 1000 --solo att oferta` primero.")
    asesoria = Modalidad.objects.get(codigo="asesoria")
    # Las facetas en listas, como las trae `request.GET.getlist`: con una cadena suelta,
    # `FiltrosPortal.desde` la recorrería letra por letra ('05' → ['0', '5']) y mediría otra consulta.
    params = {"q": args.q, "modalidad": [str(asesoria.pk)], "departamento": ["05"]}
    filtros = selectors.FiltrosPortal.desde(params)
    cliente = Client()

    # Calentamiento (conexión, plantillas, caché de planes).
    for _ in range(3):
        respuesta = cliente.get("/oferta/", params)
        assert respuesta.status_code == 200, respuesta.status_code
    encontradas = selectors.portal_resultados(filtros, 1).pagina.paginator.count

    # Las consultas exactas de una petición (y los SET LOCAL que las acompañan).
    with CaptureQueriesContext(connection) as capturadas:
        cliente.get("/oferta/", params)
    consultas, ajustes = [], []
    for c in capturadas.captured_queries:
        sql = c["sql"].strip()
        if sql.upper().startswith("SET LOCAL"):
            ajustes.append(sql)
        elif sql.upper().startswith(("SELECT", "WITH")):
            consultas.append((sql, list(ajustes)))
            ajustes = []

    # Corridas intercaladas: petición completa, selector solo y EXPLAIN ANALYZE, una tras otra, para
    # que las tres muestras vean la misma carga de la máquina.
    servidor, selector, tiempos_bd = [], [], []
    for _ in range(args.corridas):
        inicio = time.perf_counter()
        cliente.get("/oferta/", params)
        servidor.append(time.perf_counter() - inicio)
        inicio = time.perf_counter()
        pagina = selectors.portal_resultados(filtros, 1).pagina
        selector.append(time.perf_counter() - inicio)
        tiempos_bd.append(sum(explicar(sql, aj) for sql, aj in consultas) / 1000)
    assert pagina.object_list
    por_consulta = [(sql[:70].replace("\n", " "), explicar(sql, aj)) for sql, aj in consultas]

    m_servidor, m_selector, m_bd = mediana_ms(servidor), mediana_ms(selector), mediana_ms(tiempos_bd)
    print(f"Ofertas en la base: {total:,}; búsqueda q={args.q!r} + modalidad=asesoría + departamento=05 "
          f"→ {encontradas:,} resultados")
    print(f"Consultas SQL por petición: {len(consultas)}")
    for sql, ms in por_consulta:
        print(f"   {ms:7.2f} ms  {sql}")
    print(f"Mediana servidor (Client: selector + página), {args.corridas} corridas: {m_servidor:6.1f} ms")
    print(f"Mediana solo el selector (total + página + facetas):         {m_selector:6.1f} ms")
    print(f"Mediana PostgreSQL (EXPLAIN ANALYZE, suma de consultas):     {m_bd:6.1f} ms")
    razon = m_servidor / m_bd if m_bd else float("inf")
    carga = os.getloadavg()[0]
    print(f"Carga de la máquina (1 min): {carga:.2f} en {os.cpu_count()} CPU")
    print(f"Servidor / base de datos: {razon:.2f}x")
    ok = m_servidor < 50 and razon <= 2
    print("Meta (< 50 ms y ≤ 2x la base de datos):", "CUMPLE" if ok else "NO CUMPLE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
