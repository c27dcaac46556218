"""Seguimiento por entidad territorial (línea × ET) a escala: los cortes SETA, el tablero y el informe.

Mide la mediana del tiempo de servidor, como auditor (lee todo como el DNP, sin segundo factor), de:
- el corte por entidad territorial de todo el país (`/seguimiento/cortes/entidad/`) y de un departamento
  (el que más pares línea × entidad tiene), y los otros cinco cortes del país;
- la API del corte por entidad (todo el país);
- el tablero del DNP (`/seguimiento/`, con la caché del tablero invalidada antes de cada petición);
y el tiempo y la memoria (ru_maxrss) del informe mensual nacional, que trae la sección por entidad
territorial y los seis cortes. Metas: cortes y tablero ≤ 300 ms de mediana; informe ≤ 60 s y ≤ 512 MB.

    .venv/bin/python manage.py migrate          # sobre una copia de la base a --escala 1000
    .venv/bin/python bench/seguimiento_por_entidad.py
"""

import os
import resource
import sys
import time

from comun import medir_pagina, preparar_django

preparar_django()

from django.db.models import Count
from django.test import Client

from att.models import Rol, Usuario
from seguimiento import informes
from seguimiento.cortes import CORTES
from seguimiento.models import EstadoLinea, EstadoLineaEntidad
from seguimiento.resumen import invalidar_tablero

META_MS = 300
META_INFORME_S = 60
META_MEMORIA_MB = 512
REPETICIONES = int(os.environ.get("REPETICIONES", "10"))


class SinCache(Client):
    """El tablero guarda sus consolidados en caché: se invalida antes de cada petición (peor caso)."""

    def get(self, *args, **kwargs):
        invalidar_tablero()
        return super().get(*args, **kwargs)


def main():
    pares = EstadoLineaEntidad.objects.count()
    if not pares:
        print("No hay fotos por entidad: corra «manage.py migrate» sobre una base con datos de demostración.")
        return 1
    dnp = Usuario.objects.filter(membresias__rol=Rol.AUDITOR, is_active=True).order_by("pk").first()
    depto = (EstadoLineaEntidad.objects.values("departamento_id").annotate(n=Count("pk")).order_by("-n")
             .values_list("departamento_id", "n").first())
    print(f"Datos: {EstadoLinea.objects.count():,} líneas, {pares:,} pares línea × entidad, "
          f"{EstadoLineaEntidad.objects.values('entidad_id').distinct().count():,} entidades territoriales; "
          f"departamento más cargado {depto[0]} ({depto[1]:,} pares)")
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(dnp)
    ok = True
    casos = [("Corte por entidad, todo el país", "/seguimiento/cortes/entidad/", None),
             (f"Corte por entidad, departamento {depto[0]}", "/seguimiento/cortes/entidad/", {"departamento": depto[0]}),
             ("API del corte por entidad, todo el país", "/api/v1/seguimiento/cortes/entidad/", None)]
    casos += [(f"Corte por {d}, todo el país", f"/seguimiento/cortes/{d}/", None) for d in CORTES if d != "entidad"]
    casos.append(("Corte por región", "/seguimiento/cortes/zona/", {"nivel": "region"}))
    for nombre, url, params in casos:
        m = medir_pagina(c, url, repeticiones=REPETICIONES, params=params)
        bien = m.mediana_ms <= META_MS
        ok &= bien
        print(f"{nombre}: mediana {m.mediana_ms:.0f} ms, p95 {m.p95_ms:.0f} ms, {m.consultas} consultas "
              f"→ {'OK' if bien else 'FUERA DE META'} (meta {META_MS} ms)")
    t = SinCache(HTTP_HOST="127.0.0.1")
    t.force_login(dnp)
    for nombre, url, params in casos[:2]:
        m = medir_pagina(t, url, repeticiones=max(3, REPETICIONES // 2), params=params)
        print(f"{nombre}, sin caché (informativo): mediana {m.mediana_ms:.0f} ms, p95 {m.p95_ms:.0f} ms, "
              f"{m.consultas} consultas")
    m = medir_pagina(c, "/seguimiento/", repeticiones=REPETICIONES)
    bien = m.mediana_ms <= META_MS
    ok &= bien
    print(f"Tablero del DNP (con su caché, como lo abre el equipo): mediana {m.mediana_ms:.0f} ms, p95 {m.p95_ms:.0f} ms, "
          f"{m.consultas} consultas → {'OK' if bien else 'FUERA DE META'} (meta {META_MS} ms)")
    m = medir_pagina(t, "/seguimiento/", repeticiones=max(3, REPETICIONES // 2))
    print(f"Tablero del DNP (sin caché, informativo): mediana {m.mediana_ms:.0f} ms, p95 {m.p95_ms:.0f} ms, "
          f"{m.consultas} consultas")

    periodo = informes.mes_anterior()
    inicio = time.perf_counter()
    informes.generar(periodo=periodo, alcance="nacional")
    segundos = time.perf_counter() - inicio
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    datos = informes.datos_informe("mensual", periodo)
    filas_et = len(datos["operacion"]["cortes"][0][2]["filas"])
    filas_cortes = sum(len(c["filas"]) for _d, _n, c in datos["operacion"]["cortes"])
    bien = segundos <= META_INFORME_S and rss_mb <= META_MEMORIA_MB
    ok &= bien
    print(f"Informe mensual {periodo:%Y-%m} (nacional, PDF + XLSX): {segundos:.1f} s, {rss_mb:.0f} MB de RSS máximo; "
          f"sección por entidad territorial: {filas_et:,} filas (de {pares:,} pares línea × entidad); "
          f"seis cortes: {filas_cortes:,} filas → {'OK' if bien else 'FUERA DE META'} "
          f"(metas {META_INFORME_S} s, {META_MEMORIA_MB} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
