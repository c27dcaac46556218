"""Importación de archivos (att.importacion) a escala.

- Demandas: un archivo de 50.000 filas como lo llenan los equipos territoriales (CSV con punto y coma
  en Windows-1252; municipio y departamento por nombre, sin tildes o en mayúsculas; temas y etapas por
  nombre; «Virtual» en la columna de modalidad). Metas: ensayo (lectura + validación) ≤ 60 s,
  escritura ≤ 120 s, memoria del proceso ≤ 512 MB.
- Atributos territoriales: los 1.121 municipios por nombre y departamento. Meta ≤ 2 s (ensayo y
  escritura).

Las escrituras se deshacen al final (la base queda como estaba). Necesita la referencia cargada
(`manage.py cargar_referencia`); a nombre de un superusuario (lo crea si no hay, como DNP).

    DATABASE_URL=postgres://…/bench_XX .venv/bin/python bench/importacion.py
"""

import csv
import io
import os
import resource
import sys
import time

from comun import preparar_django

preparar_django()

from django.db import transaction

from att import importacion as imp
from att.importadores import ImportadorAtributos
from att.models import EtapaCiclo, Municipio, Tema, Usuario
from demanda.importacion import ImportadorDemandas

FILAS = int(os.environ.get("FILAS", "50000"))
META_ENSAYO_S, META_ESCRITURA_S, META_MEMORIA_MB, META_ATRIBUTOS_S = 60, 120, 512, 2


class Deshacer(Exception):
    pass


def _memoria_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sin_tildes(texto: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()


def archivo_demandas(n: int) -> bytes:
    municipios = list(Municipio.objects.select_related("departamento").order_by("codigo"))
    temas = [t.nombre for t in Tema.objects.filter(activo=True)][:20]
    etapas = [e.nombre for e in EtapaCiclo.objects.filter(activo=True)]
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";")  # como Excel en español: «;» y comillas donde hace falta
    escritor.writerow(["Municipio", "Departamento", "Título", "Descripción", "Temas", "Etapa del ciclo", "Modalidad",
                       "Fecha deseada", "Origen"])
    for i in range(n):
        m = municipios[i % len(municipios)]
        nombre, depto = (m.nombre, m.departamento.nombre) if i % 3 else (_sin_tildes(m.nombre).upper(), _sin_tildes(m.departamento.nombre).upper())
        escritor.writerow([
            nombre, depto, f"Necesidad {i} de asistencia técnica", "Descripción de la necesidad recogida en el taller",
            f"{temas[i % len(temas)]};{temas[(i + 7) % len(temas)]}", etapas[i % len(etapas)],
            "Virtual" if i % 4 == 0 else "", "31/12/2099", "Diálogos regionales vinculantes",
        ])
    return salida.getvalue().encode("cp1252", errors="replace")


def archivo_atributos() -> bytes:
    lineas = ["departamento;municipio;categoria;pdet;zomac"]
    for m in Municipio.objects.select_related("departamento").order_by("codigo"):
        lineas.append(f"{m.departamento.nombre};{m.nombre};{m.categoria or '6'};{'si' if m.pdet else 'no'};"
                      f"{'si' if m.zomac else 'no'}")
    return ("\n".join(lineas) + "\n").encode("utf-8")


def medir(importador, contenido: bytes, nombre: str):
    inicio = time.perf_counter()
    tabla = imp.leer_archivo(contenido, nombre)
    resultado, validos = imp.analizar(importador, tabla)
    ensayo = time.perf_counter() - inicio
    escritura = None
    if not resultado.errores:
        try:
            with transaction.atomic():
                inicio = time.perf_counter()
                importador.escribir(validos)
                escritura = time.perf_counter() - inicio
                raise Deshacer
        except Deshacer:
            pass
    return resultado, ensayo, escritura


def main() -> int:
    if not Municipio.objects.exists():
        print("No hay territorio: corra primero «manage.py cargar_referencia».")
        return 1
    por = Usuario.objects.filter(is_superuser=True, is_active=True).first()
    if por is None:
        por = Usuario.objects.create_superuser(email="bench-importacion@example.org", password=None)
    fallos = 0

    contenido = archivo_demandas(FILAS)
    resultado, ensayo, escritura = medir(ImportadorDemandas(por=por), contenido, "demandas.csv")
    memoria = _memoria_mb()
    print(f"Demandas, {FILAS} filas ({len(contenido) / 2**20:.1f} MB): ensayo {ensayo:.1f} s (meta ≤ {META_ENSAYO_S}), "
          f"escritura {escritura if escritura is None else round(escritura, 1)} s (meta ≤ {META_ESCRITURA_S}), "
          f"memoria máxima {memoria:.0f} MB (meta ≤ {META_MEMORIA_MB}); {len(resultado.errores)} errores, "
          f"{len(resultado.avisos)} avisos")
    if resultado.errores:
        print("  primeros errores:", resultado.errores[:3])
    fallos += bool(resultado.errores) or ensayo > META_ENSAYO_S or (escritura or 1e9) > META_ESCRITURA_S
    fallos += memoria > META_MEMORIA_MB

    resultado, ensayo, escritura = medir(ImportadorAtributos(por=por), archivo_atributos(), "atributos.csv")
    total = ensayo + (escritura or 0)
    print(f"Atributos, {resultado.total} municipios por nombre: ensayo {ensayo:.2f} s, escritura "
          f"{escritura if escritura is None else round(escritura, 2)} s, total {total:.2f} s (meta ≤ {META_ATRIBUTOS_S}); "
          f"{len(resultado.errores)} errores")
    fallos += bool(resultado.errores) or total > META_ATRIBUTOS_S
    print("OK" if not fallos else "NO CUMPLE")
    return 1 if fallos else 0


if __name__ == "__main__":
    sys.exit(main())
