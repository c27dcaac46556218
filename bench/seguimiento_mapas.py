"""Mapa nacional por municipio (`/seguimiento/mapas/`): tiempo de servidor y tamaño transferido.

Mide la mediana del tiempo de respuesta de cada capa como auditor (lee todo, sin segundo factor) y
el tamaño de la página comprimida con gzip (lo que viaja por un enlace lento). Metas: ≤ 300 ms de
mediana y ≤ 300 KiB comprimidos. El tamaño no depende de la escala (1.121 municipios siempre); el
tiempo sí: la meta se fijó para `--escala 1000`.

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py cargar_referencia
    .venv/bin/python manage.py generar_demo --escala 1000
    .venv/bin/python bench/seguimiento_mapas.py
"""

import gzip
import os
import sys

from comun import medir_pagina, preparar_django

preparar_django()

from django.test import Client

from att.models import Rol, Usuario
from demanda.models import Demanda
from seguimiento.mapas import CAPAS

META_MS = 300
META_KIB = 300
REPETICIONES = int(os.environ.get("REPETICIONES", "10"))


def main():
    auditor = Usuario.objects.filter(membresias__rol=Rol.AUDITOR, is_active=True).order_by("pk").first()
    if auditor is None:
        print("No hay un auditor: corra primero «manage.py generar_demo --escala N».")
        return 1
    print(f"Datos: {Demanda.objects.count():,} demandas")
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(auditor)
    ok = True
    for capa in CAPAS:
        m = medir_pagina(c, "/seguimiento/mapas/", repeticiones=REPETICIONES, params={"capa": capa})
        kib = len(gzip.compress(m.respuesta.content)) / 1024
        bien = m.mediana_ms <= META_MS and kib <= META_KIB
        ok &= bien
        print(f"Mapa por municipio, capa {capa}: mediana {m.mediana_ms:.0f} ms, p95 {m.p95_ms:.0f} ms, "
              f"{m.consultas} consultas, {len(m.respuesta.content) / 1024:.0f} KiB ({kib:.0f} KiB con gzip) "
              f"→ {'OK' if bien else 'FUERA DE META'} (metas {META_MS} ms, {META_KIB} KiB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
