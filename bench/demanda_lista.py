"""Tiempo de la lista de demandas (/demanda/) para quien más ve: un oferente con temas amplios
(casi todas las demandas de la base), el DNP y un equipo departamental; primera página, filtros y
una página honda (40 páginas adelante por cursor). Número de consultas por página.

Meta: mediana < 200 ms por página y el mismo número de consultas en cada una.

    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generar_demo --escala 1000
    .venv/bin/python bench/demanda_lista.py [--repeticiones 6]
"""

import argparse
import re
import sys

from comun import medir_pagina, preparar_django

preparar_django()

from django.conf import settings
from django.test import Client

from att.models import Membresia, Rol
from demanda import selectors
from demanda.models import Demanda

META_MS = 200


def oferente_que_mas_ve(muestra: int = 15):
    usuarios = {m.usuario for m in Membresia.objects.filter(rol=Rol.OFERENTE, activa=True).select_related("usuario")[:muestra]}
    return max(usuarios, key=lambda u: (selectors.demandas_visibles(u).count(), u.pk))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeticiones", type=int, default=6)
    args = p.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    total = Demanda.objects.count()
    if not total:
        print("No hay datos: corra `manage.py migrate && manage.py generar_demo --escala 1000`.")
        sys.exit(1)
    personas = [("oferente", oferente_que_mas_ve())]
    for rol in (Rol.ADMIN_DNP, Rol.EQUIPO_DEPARTAMENTAL):
        m = Membresia.objects.filter(rol=rol, activa=True).select_related("usuario").first()
        if m:
            personas.append((rol, m.usuario))
    print(f"Base: {total:,} demandas.")
    peor = 0.0
    for etiqueta, usuario in personas:
        cliente = Client()
        cliente.force_login(usuario)
        print(f"{etiqueta} ({usuario.email}): ve {selectors.demandas_visibles(usuario).count():,}")
        urls = ["/demanda/", "/demanda/?estado=registrada", "/demanda/?tema=planeacion", "/demanda/?q=agua"]
        html = medir_pagina(cliente, "/demanda/", repeticiones=1).respuesta.content.decode()
        for _ in range(40):  # 40 páginas adelante por cursor
            enlace = re.search(r'href="\?([^"]*despues=[0-9-]+)"', html)
            if not enlace:
                break
            url_honda = "/demanda/?" + enlace.group(1).replace("&amp;", "&")
            html = cliente.get(url_honda).content.decode()
        else:
            urls.append(url_honda)
        for url in urls:
            m = medir_pagina(cliente, url, repeticiones=args.repeticiones)
            ms, consultas = m.mediana_ms, m.consultas
            peor = max(peor, ms)
            print(f"  {url[:58]:58s} mediana {ms:7.1f} ms  {consultas} consultas")
    print(f"Meta < {META_MS} ms por página: {'CUMPLE' if peor < META_MS else 'NO CUMPLE'} (peor mediana {peor:.1f} ms)")


if __name__ == "__main__":
    main()
