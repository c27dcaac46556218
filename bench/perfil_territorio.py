"""Perfil de la entidad territorial (`/territorio/<DIVIPOLA>/`) y su informe de empalme.

Toma la ET con más registros (líneas que la focalizan + demandas + asesorías) y mide:
- la mediana (y el p95) de su perfil como su funcionario, como DNP (equipo de seguimiento) y como visitante
  anónimo (parte pública), con su número de consultas. Meta: mediana ≤ 300 ms.
- el informe de empalme de esa ET (`att.empalme.generar`: hojas de las secciones registradas, PDF y XLSX),
  tiempo y memoria. Meta: ≤ 10 s.

    .venv/bin/python manage.py generar_demo --escala 1000
    .venv/bin/python bench/perfil_territorio.py
"""

import os
import resource
import sys
import time

from comun import medir_pagina, preparar_django

preparar_django()

from django.db.models import Count
from django.test import Client

from agenda.models import LineaPlan
from att import empalme, perfil
from att.models import Entidad, Membresia, Rol, TipoEntidad
from demanda.models import Demanda

META_MS = 300
META_EMPALME_S = 10
REPETICIONES = int(os.environ.get("REPETICIONES", "20"))


def et_con_mas_registros() -> tuple[Entidad, dict]:
    Focal = LineaPlan.territorios.through
    cuenta: dict[int, dict] = {}
    for clave, filas in (
        ("lineas", Focal.objects.values_list("entidad_id").annotate(n=Count("pk")).order_by("-n")[:50]),
        ("demandas", Demanda.objects.values_list("entidad_id").annotate(n=Count("pk")).order_by("-n")[:50]),
    ):
        for entidad_id, n in filas:
            cuenta.setdefault(entidad_id, {"lineas": 0, "demandas": 0})[clave] = n
    territoriales = set(Entidad.objects.filter(pk__in=list(cuenta), tipo__in=TipoEntidad.territoriales())
                        .values_list("pk", flat=True))
    entidad_id = max(territoriales, key=lambda pk: sum(cuenta[pk].values()))
    return Entidad.objects.select_related("municipio").get(pk=entidad_id), cuenta[entidad_id]


def cliente(usuario=None):
    c = Client(HTTP_HOST="127.0.0.1")
    if usuario is not None:
        c.force_login(usuario)
    return c


def main():
    if not LineaPlan.objects.exists():
        print("No hay datos: corra primero «manage.py generar_demo --escala N».")
        return 1
    et, cuenta = et_con_mas_registros()
    url = perfil.url_perfil(et)
    print(f"ET con más registros: {et.nombre} ({url}): {cuenta['lineas']} líneas la focalizan, "
          f"{cuenta['demandas']} demandas")
    casos = [("anónimo (parte pública)", None)]
    funcionario = Membresia.objects.filter(entidad=et, activa=True, rol=Rol.FUNCIONARIO_ET).select_related("usuario").first()
    if funcionario:
        casos.append(("su funcionario", funcionario.usuario))
    dnp = Membresia.objects.filter(rol=Rol.AUDITOR, activa=True).select_related("usuario").first()  # lee todo, sin 2FA
    if dnp:
        casos.append(("auditor (lee todo, como el DNP)", dnp.usuario))
    fallos = 0
    for nombre, usuario in casos:
        m = medir_pagina(cliente(usuario), url, repeticiones=REPETICIONES)
        ok = m.mediana_ms <= META_MS
        fallos += not ok
        print(f"Perfil como {nombre}: mediana {m.mediana_ms:.1f} ms, p95 {m.p95_ms:.1f} ms, {m.consultas} consultas, "
              f"{len(m.respuesta.content) / 1024:.0f} KiB — {'CUMPLE' if ok else 'NO CUMPLE'} (≤ {META_MS} ms)")
    inicio = time.perf_counter()
    hojas = perfil.hojas_empalme(et)
    datos_s = time.perf_counter() - inicio
    informe = empalme.generar(et.pk)
    total_s = time.perf_counter() - inicio
    filas = sum(len(f) for _t, _c, f in hojas)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = total_s - datos_s <= META_EMPALME_S
    fallos += not ok
    print(f"Informe de empalme: {len(hojas)} hojas, {filas} filas; datos {datos_s:.1f} s, generación completa "
          f"(datos otra vez, PDF {informe.pdf.size / 1024:.0f} KiB, XLSX {informe.xlsx.size / 1024:.0f} KiB, guardar) "
          f"{total_s - datos_s:.1f} s, {rss:.0f} MB RSS máx. — {'CUMPLE' if ok else 'NO CUMPLE'} (≤ {META_EMPALME_S} s)")
    return 1 if fallos else 0


if __name__ == "__main__":
    sys.exit(main())
