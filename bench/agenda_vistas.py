"""Tiempo de respuesta de las vistas territoriales de la agenda sobre la base de desarrollo.

Mide la mediana (y el p95) de «quién hace qué» en la entidad territorial con más líneas y del
consolidado del departamento con más líneas, como DNP (ve todo) y como la persona de la ET o del
equipo departamental de demostración. Meta: mediana < 200 ms.

    .venv/bin/python manage.py generar_demo --escala N
    .venv/bin/python bench/agenda_vistas.py
"""

import os
import sys

from comun import medir_pagina, preparar_django

preparar_django()

from django.db.models import Count
from django.test import Client

from agenda.models import LineaPlan
from att import perfil
from att.models import Entidad, Membresia, Rol, Usuario

META_MS = 200
REPETICIONES = int(os.environ.get("REPETICIONES", "30"))


def cliente_de(usuario):
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(usuario)
    return c


def main():
    Focal = LineaPlan.territorios.through
    if not Focal.objects.exists():
        print("No hay líneas de plan: corra primero «manage.py generar_demo --escala N».")
        return 1
    et_id, n_et = (Focal.objects.values("entidad_id").annotate(n=Count("pk")).order_by("-n")
                   .values_list("entidad_id", "n").first())
    et = Entidad.objects.get(pk=et_id)
    depto, n_depto = (Focal.objects.exclude(entidad__departamento_id=None)
                      .values("entidad__departamento_id").annotate(n=Count("pk")).order_by("-n")
                      .values_list("entidad__departamento_id", "n").first())
    dnp = Usuario.objects.filter(membresias__rol=Rol.ADMIN_DNP, is_active=True).order_by("pk").first()
    print(f"Líneas: {LineaPlan.objects.count()}, focalizaciones: {Focal.objects.count()}")
    casos = [
        (f"ET {et.nombre} ({n_et} líneas la focalizan) como DNP", cliente_de(dnp), perfil.url_perfil(et)),
        (f"Departamento {depto} ({n_depto} focalizaciones) como DNP", cliente_de(dnp), f"/agenda/departamento/{depto}/"),
    ]
    persona_et = Membresia.objects.filter(rol=Rol.FUNCIONARIO_ET, activa=True).select_related("usuario", "entidad").first()
    if persona_et:
        casos.append((f"ET {persona_et.entidad.nombre} como su funcionario", cliente_de(persona_et.usuario),
                      perfil.url_perfil(persona_et.entidad)))
    persona_dep = Membresia.objects.filter(rol=Rol.EQUIPO_DEPARTAMENTAL, activa=True).select_related(
        "usuario", "entidad").first()
    if persona_dep and persona_dep.entidad.departamento_id:
        casos.append((f"Departamento {persona_dep.entidad.departamento_id} como su equipo departamental",
                      cliente_de(persona_dep.usuario), f"/agenda/departamento/{persona_dep.entidad.departamento_id}/"))
    # Informativos (fuera de la meta): las dos vigencias a la vez.
    informativos = [
                (f"Departamento {depto}, todas las vigencias, como DNP", cliente_de(dnp),
         f"/agenda/departamento/{depto}/?vigencia=todas"),
    ]
    fallos = 0
    for nombre, cliente, url in informativos:
        m = medir_pagina(cliente, url, repeticiones=REPETICIONES)
        mediana, p95, n_consultas, peso = m.mediana_ms, m.p95_ms, m.consultas, len(m.respuesta.content)
        print(f"(info) {nombre}: mediana {mediana:.1f} ms, p95 {p95:.1f} ms, {n_consultas} consultas, "
              f"{peso / 1024:.0f} KiB  [{url}]")
    for nombre, cliente, url in casos:
        m = medir_pagina(cliente, url, repeticiones=REPETICIONES)
        mediana, p95, n_consultas, peso = m.mediana_ms, m.p95_ms, m.consultas, len(m.respuesta.content)
        ok = mediana < META_MS
        fallos += not ok
        print(f"{'OK ' if ok else 'LENTO'} {nombre}: mediana {mediana:.1f} ms, p95 {p95:.1f} ms, "
              f"{n_consultas} consultas, {peso / 1024:.0f} KiB  [{url}]")
    return 1 if fallos else 0


if __name__ == "__main__":
    sys.exit(main())
