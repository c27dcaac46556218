"""Benchmark del repositorio de conocimiento y de la memoria de una entidad territorial.

Mide la mediana del tiempo de servidor de la página de búsqueda (texto + facetas) y de la página
de memoria de Medellín, con el Client de pruebas de Django, y cuenta sus consultas.

Datos: `manage.py generar_demo --escala 1000 --solo att conocimiento` (30.000 recursos).
Uso: `.venv/bin/python bench/conocimiento_busqueda.py [--corridas 30] [--q agua]`
Meta: búsqueda con facetas < 100 ms de mediana; consultas constantes.
"""

import argparse
import sys

from comun import medir_pagina, preparar_django

preparar_django()

from django.test import Client

from att.models import Entidad, Membresia, Rol
from conocimiento.models import Recurso


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
        m = medir_pagina(cliente, "/conocimiento/repositorio/", params=params, repeticiones=args.corridas)
        ms, n = m.mediana_ms, m.consultas
        print(f"{nombre:>22}: mediana {ms:7.1f} ms · {n} consultas · {total} recursos")
    medellin = Entidad.objects.get(tipo="alcaldia", municipio_id="05001")
    m = Membresia.objects.filter(entidad=medellin, activa=True, rol=Rol.FUNCIONARIO_ET).select_related("usuario").first()
    if m:
        cliente.force_login(m.usuario)
        m = medir_pagina(cliente, "/territorio/05001/", repeticiones=args.corridas)  # la memoria es el perfil
        ms, n = m.mediana_ms, m.consultas
        print(f"{'memoria de Medellín':>22}: mediana {ms:7.1f} ms · {n} consultas")


if __name__ == "__main__":
    main()
