"""Compara, en la misma corrida, la consulta única del portal (total + página + facetas disyuntivas)
de `main` (`git show main:oferta/selectors.py` guardado en --viejo) con la de este árbol.

Uso: `.venv/bin/python bench/oferta_facetas_comparacion.py --viejo /tmp/selectors_main.py [--corridas 15]`
Imprime la mediana de EXPLAIN ANALYZE (Execution Time) de cada una y la razón."""

import argparse
import importlib.util
import json
import statistics
import sys

from comun import preparar_django

preparar_django()

from django.db import connection, transaction

from att.models import Modalidad, Tema
from oferta import selectors


def tiempo(consulta, params, con_texto=True) -> float:
    """Como la corre el portal: con texto, sin recorrido secuencial (`selectors._consultar`)."""
    previos, posteriores = params
    with transaction.atomic(), connection.cursor() as cursor:
        if con_texto:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + consulta, (*previos, 20, 0, *posteriores))
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Execution Time"]


def filas(consulta, params, con_texto=True):
    previos, posteriores = params
    with transaction.atomic(), connection.cursor() as cursor:
        if con_texto:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(consulta, (*previos, 20, 0, *posteriores))
        return sorted(map(tuple, cursor.fetchall()))


def armar(modulo, filtros):
    sql, params = modulo._filtradas_sql(filtros)
    consulta, (params_f, conteos) = modulo._sql_resultados(sql, filtros.orden, filtros)
    return consulta, ((*params, *params_f), tuple(conteos))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--viejo", required=True)
    p.add_argument("--corridas", type=int, default=15)
    p.add_argument("--q", default="planeacion")
    args = p.parse_args()
    spec = importlib.util.spec_from_file_location("oferta._selectors_main", args.viejo)
    viejo = importlib.util.module_from_spec(spec)
    viejo.__package__ = "oferta"
    sys.modules[spec.name] = viejo
    spec.loader.exec_module(viejo)
    asesoria = Modalidad.objects.get(codigo="asesoria")
    otra = Modalidad.objects.exclude(pk=asesoria.pk).order_by("pk").first()
    tema = Tema.objects.order_by("pk").first()
    # Las facetas en listas, como las trae `request.GET.getlist` (una cadena suelta se leería letra por letra).
    casos = {
        "q + modalidad + departamento": {"q": args.q, "modalidad": [str(asesoria.pk)], "departamento": ["05"]},
        "q + departamento": {"q": args.q, "departamento": ["05"]},
        "solo q": {"q": args.q},
        # Sin texto: el conjunto grande (todas las publicadas) del que salen los conteos disyuntivos.
        "modalidad + departamento": {"modalidad": [str(asesoria.pk)], "departamento": ["05"]},
        "dos modalidades + departamento + tema": {"modalidad": [str(asesoria.pk), str(otra.pk)],
                                                  "departamento": ["05"], "tema": [str(tema.pk)]},
        "sin filtros": {},
    }
    for nombre, datos in casos.items():
        filtros = selectors.FiltrosPortal.desde(datos)
        a, b = armar(viejo, filtros), armar(selectors, filtros)
        texto = bool(filtros.q)
        assert filas(*a, texto) == filas(*b, texto), f"{nombre}: resultados distintos"
        ta, tb = [], []
        for _ in range(args.corridas):  # intercaladas: la misma carga para las dos
            ta.append(tiempo(*a, texto))
            tb.append(tiempo(*b, texto))
        ma, mb = statistics.median(ta), statistics.median(tb)
        print(f"{nombre:32s} main {ma:7.1f} ms   este árbol {mb:7.1f} ms   razón {ma / mb:4.2f}x   (mismas filas)")


if __name__ == "__main__":
    main()
