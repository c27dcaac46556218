"""Tiempo de ordenar las ofertas candidatas de una demanda (demanda/matching.py) sobre la base
de desarrollo, junto al tiempo que reporta PostgreSQL (EXPLAIN ANALYZE) para la consulta de fondo.

Meta: mediana ≤ 100 ms con un número de consultas constante (la alerta de una demanda nueva importada
corre en la tarea `demanda.alertar_importadas`; la republicación de brechas en `demanda.recruzar_brechas`).

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generar_demo --escala 1000
    .venv/bin/python bench/demanda_ranking.py [--muestras 40]
"""

import argparse
import json
import random
import statistics
import sys
import time

from comun import preparar_django

preparar_django()

from django.db import connection
from django.test.utils import CaptureQueriesContext

from demanda.matching import _Contexto, consulta_candidatas, es_brecha, ofertas_candidatas
from demanda.models import Demanda, EstadoDemanda
from oferta.models import EstadoOferta, Oferta

META_MS = 100


def explicar_ms(demanda) -> tuple[float, float]:
    contexto = _Contexto(demanda)
    contexto.leer_decisiones()
    consulta = consulta_candidatas(demanda, 100, contexto)
    sql, params = consulta.sql, consulta.params
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Execution Time"], plan[0]["Planning Time"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--muestras", type=int, default=40)
    p.add_argument("--semilla", type=int, default=4091)
    args = p.parse_args()
    total = Demanda.objects.count()
    publicadas = Oferta.objects.filter(estado=EstadoOferta.PUBLICADA).count()
    if not total or not publicadas:
        print("No hay datos: corra `manage.py migrate && manage.py generar_demo --escala 1000`.")
        sys.exit(1)
    rng = random.Random(args.semilla)
    abiertas = Demanda.objects.filter(estado__in=[EstadoDemanda.REGISTRADA, EstadoDemanda.EN_ANALISIS])
    maximo = abiertas.order_by("-pk").values_list("pk", flat=True).first()
    ids = set()
    while len(ids) < args.muestras:
        pk = abiertas.filter(pk__gte=rng.randint(1, maximo)).order_by("pk").values_list("pk", flat=True).first()
        if pk:
            ids.add(pk)
    demandas = list(Demanda.objects.filter(pk__in=ids).select_related("entidad", "entidad__municipio",
                                                                       "entidad__departamento", "capacidad", "etapa",
                                                                       "modalidad", "canal"))
    ofertas_candidatas(demandas[0])  # calentar
    tiempos, consultas, motor, planeacion, candidatas, brechas = [], [], [], [], [], 0
    for d in demandas:
        with CaptureQueriesContext(connection) as q:
            inicio = time.perf_counter()
            resultado = ofertas_candidatas(d, limite=20)
            tiempos.append((time.perf_counter() - inicio) * 1000)
        consultas.append(len(q.captured_queries))
        candidatas.append(len(resultado))
        brechas += es_brecha(resultado)
        ejecucion, plan = explicar_ms(d)
        motor.append(ejecucion)
        planeacion.append(plan)
    tiempos.sort()
    mediana = statistics.median(tiempos)
    p95 = tiempos[int(0.95 * (len(tiempos) - 1))]
    print(f"Base: {total:,} demandas, {publicadas:,} ofertas publicadas; {len(demandas)} demandas de muestra.")
    print(f"ofertas_candidatas(demanda, limite=20): mediana {mediana:.1f} ms, p95 {p95:.1f} ms, "
          f"{statistics.median(consultas):.0f} consultas (de {min(consultas)} a {max(consultas)}), mediana de candidatas "
          f"{statistics.median(candidatas):.0f}, {brechas} brechas")
    print(f"EXPLAIN ANALYZE de la consulta de orden: ejecución mediana {statistics.median(motor):.1f} ms "
          f"(p95 {sorted(motor)[int(0.95 * (len(motor) - 1))]:.1f} ms), planeación mediana "
          f"{statistics.median(planeacion):.1f} ms")
    constante = min(consultas) == max(consultas)
    print(f"Meta ≤ {META_MS} ms y consultas constantes: "
          f"{'CUMPLE' if mediana <= META_MS and constante else 'NO CUMPLE'}")


if __name__ == "__main__":
    main()
