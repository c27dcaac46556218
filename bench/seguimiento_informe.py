"""Informe mensual de seguimiento y tablero principal sobre un año de datos de demostración.

Mide: tiempo y memoria pico (tracemalloc y ru_maxrss) de producir el informe mensual del mes
anterior (PDF + XLSX, alcance nacional) y la mediana del tiempo de respuesta del tablero
`/seguimiento/` como equipo DNP y como oferente. Metas: informe < 60 s y < 512 MB; tablero < 300 ms.

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py cargar_referencia
    .venv/bin/python manage.py generar_demo --escala 1000 --solo att seguimiento
    .venv/bin/python bench/seguimiento_informe.py
"""

import os
import resource
import statistics
import sys
import time
import tracemalloc

from comun import medir_pagina, preparar_django

preparar_django()

from django.test import Client

from att.models import Rol, Usuario
from indicadores.models import Medicion
from seguimiento import informes
from seguimiento.models import Avance, EstadoLinea, Hito
from seguimiento.selectors import invalidar_tablero

META_INFORME_S = 60
META_MEMORIA_MB = 512
META_TABLERO_MS = 300
REPETICIONES = int(os.environ.get("REPETICIONES", "20"))


def main():
    avances, mediciones = Avance.objects.count(), Medicion.objects.count()
    if not avances:
        print("No hay avances: corra primero «manage.py generar_demo --escala N».")
        return 1
    print(f"Datos: {EstadoLinea.objects.count():,} líneas, {Hito.objects.count():,} hitos, {avances:,} avances, "
          f"{mediciones:,} mediciones ({avances + mediciones:,} filas de avances y mediciones)")
    ok = True

    periodo = informes.mes_anterior()
    # Primera corrida: tiempo (sin tracemalloc, que lo hace más lento) y RSS máximo del proceso.
    t = time.perf_counter()
    informe = informes.generar(periodo=periodo, alcance="nacional")
    segundos = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Segunda corrida (reemplaza el mismo informe): memoria pico de Python con tracemalloc.
    tracemalloc.start()
    t = time.perf_counter()
    informe = informes.generar(periodo=periodo, alcance="nacional")
    segundos_tm = time.perf_counter() - t
    _actual, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pico_mb = pico / 2**20
    print(f"Informe mensual {periodo:%Y-%m} (nacional): {segundos:.1f} s ({segundos_tm:.1f} s bajo tracemalloc); "
          f"memoria pico Python {pico_mb:.0f} MB (tracemalloc), RSS máximo del proceso {rss_mb:.0f} MB; PDF {informe.pdf.size / 1024:.0f} KB, "
          f"XLSX {informe.xlsx.size / 1024:.0f} KB → {'OK' if segundos < META_INFORME_S and rss_mb < META_MEMORIA_MB else 'FUERA DE META'}")
    ok &= segundos < META_INFORME_S and rss_mb < META_MEMORIA_MB

    dnp = Usuario.objects.filter(membresias__rol=Rol.SEGUIMIENTO_DNP).order_by("pk").first()
    oferente = (Usuario.objects.filter(membresias__rol=Rol.OFERENTE, membresias__entidad__in=EstadoLinea.objects
                                       .values("entidad_id")).order_by("pk").first())
    for nombre, usuario in (("DNP", dnp), ("oferente", oferente)):
        if usuario is None:
            continue
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(usuario)
        frios = []
        for _ in range(3):  # sin caché: justo después de validar un avance o del recálculo diario
            invalidar_tablero()
            t = time.perf_counter()
            c.get("/seguimiento/")
            frios.append((time.perf_counter() - t) * 1000)
        print(f"Tablero /seguimiento/ como {nombre} sin caché (tras un cambio): mediana {statistics.median(frios):.0f} ms")
        m = medir_pagina(c, "/seguimiento/", repeticiones=REPETICIONES)
        mediana, p95 = m.mediana_ms, m.p95_ms
        print(f"Tablero /seguimiento/ como {nombre}: mediana {mediana:.0f} ms, p95 {p95:.0f} ms "
              f"→ {'OK' if mediana < META_TABLERO_MS else 'FUERA DE META'} (meta {META_TABLERO_MS} ms)")
        ok &= mediana < META_TABLERO_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
