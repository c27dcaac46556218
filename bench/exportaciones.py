"""Exportaciones por HTTP contra un gunicorn ya levantado (DEBUG=0): primer byte, total y tamaño de
`/oferta/exportar/` (CSV y XLSX, completos y con filtro), la memoria (RSS) de los workers antes y
después, y una búsqueda del portal sola y con dos exportaciones a la vez.

Uso (el servidor lo levanta quien mide; el arnés común de bench/ es otro):

    DEBUG=0 SECRET_KEY=x DATABASE_URL=postgres://…/p17_export .venv/bin/gunicorn att.wsgi:application \\
        -b 127.0.0.1:8711 -w 2 --timeout 120 -p /tmp/gunicorn-8711.pid &
    .venv/bin/python bench/exportaciones.py --base http://127.0.0.1:8711 --pid /tmp/gunicorn-8711.pid

Mide con curl (`-w '%{time_starttransfer} %{time_total} %{size_download}'`), como lo pide una persona.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import threading
import time

BUSQUEDA = "/oferta/?departamento=05"


def curl(url: str) -> tuple[float, float, int, int]:
    """(primer byte s, total s, bytes, código) de un GET."""
    salida = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total} %{size_download} %{http_code}",
         "--max-time", "300", url], capture_output=True, text=True, check=False).stdout.split()
    return float(salida[0]), float(salida[1]), int(float(salida[2])), int(salida[3])


def rss_workers(pid_maestro: int | None) -> dict[int, int]:
    """RSS (KB) de cada worker de gunicorn (los hijos del maestro)."""
    if not pid_maestro:
        return {}
    hijos = subprocess.run(["pgrep", "-P", str(pid_maestro)], capture_output=True, text=True, check=False).stdout.split()
    rss = {}
    for hijo in hijos:
        try:
            with open(f"/proc/{hijo}/status") as estado:
                for linea in estado:
                    if linea.startswith("VmRSS:"):
                        rss[int(hijo)] = int(linea.split()[1])
        except FileNotFoundError:
            continue
    return rss


def medir(base: str, ruta: str, veces: int) -> str:
    medidas = [curl(base + ruta) for _ in range(veces)]
    codigos = {m[3] for m in medidas}
    primero = statistics.median(m[0] for m in medidas)
    total = statistics.median(m[1] for m in medidas)
    return (f"{ruta:<45} primer byte {primero:6.2f} s  total {total:6.2f} s  (máx {max(m[1] for m in medidas):6.2f})"
            f"  {medidas[-1][2] / 1e6:6.2f} MB  códigos {sorted(codigos)}")


def busquedas(base: str, veces: int) -> list[float]:
    return [curl(base + BUSQUEDA)[1] for _ in range(veces)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", default="http://127.0.0.1:8711")
    p.add_argument("--pid", help="archivo pid del maestro de gunicorn (para la RSS de los workers)")
    p.add_argument("--veces", type=int, default=5)
    p.add_argument("--filtro", default="?canal=3&canal=1",
                   help="filtro del portal (ids válidos: un código de tema no filtra y sirve la instantánea)")
    a = p.parse_args()
    pid = None
    if a.pid and os.path.exists(a.pid):
        with open(a.pid) as archivo:
            pid = int(archivo.read().strip())
    print(f"carga: {os.getloadavg()}")
    curl(a.base + "/oferta/exportar/")  # calienta (y, si no hay instantánea, la pide)
    antes = rss_workers(pid)
    for ruta in ("/oferta/exportar/", "/oferta/exportar/?formato=xlsx", f"/oferta/exportar/{a.filtro}",
                 f"/oferta/exportar/{a.filtro}&formato=xlsx"):
        print(medir(a.base, ruta, a.veces))
    despues = rss_workers(pid)
    print(f"RSS workers (KB) antes {antes} después {despues}")

    sola = busquedas(a.base, 10)
    concurrentes = []

    def exportar(ruta):
        concurrentes.append(curl(a.base + ruta))

    for ruta in ("/oferta/exportar/", f"/oferta/exportar/{a.filtro}"):
        hilos = [threading.Thread(target=exportar, args=(ruta,)) for _ in range(2)]
        for h in hilos:
            h.start()
        time.sleep(0.05)
        con = busquedas(a.base, 10)
        for h in hilos:
            h.join()
        print(f"búsqueda {BUSQUEDA}: sola mediana {statistics.median(sola) * 1000:.0f} ms; con dos {ruta} a la vez "
              f"mediana {statistics.median(con) * 1000:.0f} ms, máx {max(con) * 1000:.0f} ms "
              f"(×{statistics.median(con) / statistics.median(sola):.2f}); exportaciones "
              f"{[round(c[1], 2) for c in concurrentes[-2:]]} s, códigos {[c[3] for c in concurrentes[-2:]]}")
    print(f"RSS workers (KB) al final {rss_workers(pid)}")


if __name__ == "__main__":
    main()
