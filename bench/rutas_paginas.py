"""Páginas de las rutas de asistencia: la lista `/rutas/` y el detalle de la ruta con más evidencias.

Mide, como el DNP (auditor: lee todo, sin 2FA) y como el funcionario de la entidad de esa ruta:
- la mediana y el p95 de la lista (primera página, y filtrada por el periodo de gobierno 2024–2027) y del
  detalle, con su número de consultas (el de la lista no debe crecer con las rutas: una consulta por clase
  de registro para toda la página, ver `rutas.selectors.evidencias`);
- la razón detalle / lista, para ver si el detalle (todas las evidencias de los seis pasos) se aparta.

No es una prueba cronometrada: imprime cifras y si cumplen la meta de referencia (≤ 300 ms de mediana).

    .venv/bin/python manage.py generar_demo --escala 1000
    .venv/bin/python bench/rutas_paginas.py
"""

import os
import sys

from comun import medir_pagina, preparar_django  # bench/ es la carpeta del script

preparar_django()

from django.db.models import Count
from django.test import Client

from att.models import Membresia, Rol
from rutas.models import Ruta

META_MS = 300
REPETICIONES = int(os.environ.get("REPETICIONES", "15"))


def cliente(usuario):
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(usuario)
    return c


def ruta_mas_cargada() -> Ruta | None:
    """La ruta de la entidad territorial con más líneas que la focalizan (la que más evidencias lee)."""
    from agenda.models import LineaPlan

    Focal = LineaPlan.territorios.through
    ets = list(Focal.objects.filter(entidad_id__in=Ruta.objects.values("entidad_id")).values_list("entidad_id")
               .annotate(n=Count("pk")).order_by("-n").values_list("entidad_id", flat=True)[:1])
    return Ruta.objects.filter(entidad_id__in=ets).select_related("entidad").order_by("pk").first()


def main():
    total = Ruta.objects.count()
    if not total:
        print("No hay rutas: corra primero «manage.py generar_demo --escala N».")
        return 1
    ruta = ruta_mas_cargada()
    print(f"{total} rutas; detalle: ruta {ruta.pk} de {ruta.entidad.nombre}")
    casos = []
    dnp = Membresia.objects.filter(rol=Rol.AUDITOR, activa=True).select_related("usuario").first()
    if dnp:
        casos.append(("auditor (lee todo, como el DNP)", dnp.usuario))
    funcionario = (Membresia.objects.filter(entidad_id=ruta.entidad_id, activa=True, rol=Rol.FUNCIONARIO_ET)
                   .select_related("usuario").first())
    if funcionario:
        casos.append(("funcionario de la entidad de la ruta", funcionario.usuario))
    fallos = 0
    for nombre, usuario in casos:
        c = cliente(usuario)
        medidas = {
            "lista": medir_pagina(c, "/rutas/", repeticiones=REPETICIONES),
            "lista 2024–2027": medir_pagina(c, "/rutas/", repeticiones=REPETICIONES, params={"periodo": "2024-2027"}),
            "lista página 2": medir_pagina(c, "/rutas/", repeticiones=REPETICIONES, params={"page": "2"}),
            "detalle": medir_pagina(c, f"/rutas/{ruta.pk}/", repeticiones=REPETICIONES),
        }
        for pagina, m in medidas.items():
            ok = m.mediana_ms <= META_MS
            fallos += not ok
            print(f"{nombre}: {pagina}: mediana {m.mediana_ms:.1f} ms, p95 {m.p95_ms:.1f} ms, {m.consultas} consultas, "
                  f"{len(m.respuesta.content) / 1024:.0f} KiB — {'CUMPLE' if ok else 'NO CUMPLE'} (≤ {META_MS} ms)")
        razon = medidas["detalle"].mediana_ms / medidas["lista"].mediana_ms
        print(f"{nombre}: detalle / lista = {razon:.2f}; consultas lista página 1 / página 2: "
              f"{medidas['lista'].consultas} / {medidas['lista página 2'].consultas}")
    return 1 if fallos else 0


if __name__ == "__main__":
    sys.exit(main())
