"""Arnés de medida HTTP: lo que recibe quien usa la plataforma, medido contra el suelo de la base.

Levanta el servidor de producción (gunicorn, DEBUG=0, 2 workers) en 127.0.0.1, lo carga con wrk a 1 y a
8 conexiones, ruta por ruta, con la caché fría (`dummycache://`: nada se guarda nunca) y caliente (Redis,
calentada con unas peticiones), en varias corridas cortas intercaladas entre rutas. Junto a cada corrida
HTTP de una ruta (justo antes y justo después) ejecuta por psycopg, contra la misma base, las sentencias
SQL que esa ruta hace (capturadas en proceso con el cliente de pruebas de Django y `CaptureQueriesContext`,
con la misma caché): su mediana es el «suelo» de la ruta, lo que costaría la página si el código Python no
costara nada. El «techo» es `/salud/vivo` en la misma corrida: recorre toda la pila de middleware y no
toca la base (ver att/salud.py), así que ninguna página puede servir más solicitudes por segundo que él.

Escribe una tabla Markdown (ruta, caché, conexiones, mediana, p99, req/s, suelo, razón mediana/suelo,
% del techo) con las metas del issue 17 (CUMPLE / NO CUMPLE) en bench/resultados/http-<fecha>.md.

Uso (base ya generada con `generar_demo --escala 1000`; se le aplican `migrate` y `VACUUM (ANALYZE)`, ver
`mantener_base`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p17_harness .venv/bin/python bench/arnes_http.py --rapido

`--rapido` (≤ 12 min): 2 corridas × 3 s por ruta, conexión y caché; sin él, 3 × 5 s. Variables: DATABASE_URL
(por defecto la base embebida), CACHE_URL (la de Redis para la caché caliente; por defecto
rediscache://127.0.0.1:6379/10), ARNES_PUERTO (8720). Instala wrk de Debian si falta (apt-get, como root).

No se llama `http.py`: el directorio del script va primero en sys.path y taparía el módulo `http`.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
BENCH = RAIZ / "bench"
LUA = BENCH / "arnes_wrk.lua"
FRIA, CALIENTE = "fría", "caliente"
CACHE_FRIA = "dummycache://"
CACHE_CALIENTE = "rediscache://127.0.0.1:6379/10"
# Crecimiento del RSS de un worker durante la exportación por encima del cual no es «plana».
MEMORIA_PLANA_MIB = 32
# Metas del issue 17 («What it must show»). Tipo: razón mediana/suelo a 1 conexión (tope) o % del techo
# a 8 conexiones (mínimo). «Cuenta»: la caché con que se juzga.
# - La razón con su SQL (1 conexión), fría: sin caché alguna la ruta corre todas sus consultas y la razón
#   mide lo que Python agrega; en caliente el suelo es casi nulo y la razón no dice nada.
# - El % del techo de la búsqueda y la API (8 conexiones), caliente: el issue descarta cachear respuestas
#   enteras, no piezas. El portal guarda las filas de cada búsqueda (total, tarjetas, conteos) en Redis y,
#   armadas en tarjetas y facetas, en cada proceso bajo la misma huella de lo publicado (que lee de la base
#   en cada visita), y pinta la página en cada visita; la API guarda el JSON de cada fila bajo su huella, lee su página de la base y
#   arma el cuerpo en cada petición. Lo fijan
#   `tests/oferta/test_focalizacion_y_cache.py::test_la_cache_del_portal_guarda_filas_no_la_respuesta` y
#   `tests/api/test_lotes.py::test_la_lista_de_ofertas_guarda_filas_no_la_respuesta`.
# - La portada, el tablero y el repositorio deben leer resúmenes mantenidos o caché: caliente.
METAS = [
    ("portal_facetas", "razon", 1.5, FRIA),
    ("portal_facetas", "techo", 25, CALIENTE),
    ("portal_q", "razon", 1.5, FRIA),
    ("portal_q", "techo", 25, CALIENTE),
    ("api_ofertas", "razon", 3.0, FRIA),
    ("api_ofertas", "techo", 25, CALIENTE),
    ("portada", "techo", 50, CALIENTE),
    ("tablero_dnp", "techo", 30, CALIENTE),
    ("repositorio", "techo", 30, CALIENTE),
]
EXPORTACION_PRIMER_BYTE_S = 1.0
EXPORTACION_TOTAL_S = 10.0
EXPORTACION_BUSQUEDA_RAZON = 2.0
CALENTAMIENTO = 3  # peticiones por ruta antes de medir (también llenan la caché caliente)
MUESTRAS_MINIMAS = 5
# El techo se mide al empezar cada ronda, cada TECHO_CADA rutas y al terminarla. Cada corrida de una ruta se
# compara con las del techo que la rodean (la anterior y la siguiente, su promedio) y el % es la mediana de esas
# razones (`techo_pareado`): la máquina es compartida y su ruido baja a la vez la ruta y el techo de ese momento.
# La tabla da también el % contra la mejor corrida del techo de toda la medición (la cota más severa).
TECHO_CADA = 5
DURACION_MAXIMA_S = 15
# Reparto de las 8 conexiones entre los 2 workers. wrk abre sus conexiones de golpe y las mantiene (keep-alive);
# el worker gthread que despierta primero las acepta en un bucle antes de que el otro alcance a correr, y a
# veces se queda con las 8: esa corrida sirve con un solo proceso (un solo GIL) y da la mitad de req/s (tablero
# el 3 de diciembre: 330–343 req/s con un worker a 100 % de la CPU, 698–813 con ~50 %, 3 de 8 corridas así).
# Es un efecto del generador de carga (con clientes que llegan de a uno el worker ocioso acepta primero), no
# de la ruta: una corrida con un worker por encima de este reparto de la CPU se repite, hasta
# REPETICIONES_REPARTO veces, y la tabla dice cuántas se repitieron. Vale igual para el techo y las rutas.
REPARTO_MAXIMO = 0.8
REPETICIONES_REPARTO = 3


# --- Lectura de wrk y cálculos (sin Django ni servidor: tests/bench/test_arnes_http.py) ---------------

_UNIDADES_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def a_ms(texto: str) -> float:
    """'812.00us', '1.23ms', '2.01s', '1.00m' → milisegundos."""
    m = re.fullmatch(r"\s*([\d.]+)\s*(us|ms|s|m)\s*", texto)
    if not m:
        raise ValueError(f"Duración de wrk no reconocida: {texto!r}")
    return float(m.group(1)) * _UNIDADES_MS[m.group(2)]


@dataclass
class Corrida:
    """Una corrida de wrk."""

    p50_ms: float | None
    p99_ms: float | None
    rps: float
    solicitudes: int
    errores: int = 0  # conexión, lectura, escritura, tiempo agotado y respuestas no 2xx/3xx
    orden: int = -1  # su lugar entre todas las corridas de la medición (para parearla con el techo)


def leer_wrk(salida: str) -> Corrida:
    """La línea JSON de bench/arnes_wrk.lua si está (percentiles exactos); si no, el texto de `--latency`."""
    for linea in salida.splitlines():
        if '"arnes_wrk"' in linea:
            d = json.loads(linea)
            errores = sum(d[k] for k in ("errores_conexion", "errores_lectura", "errores_escritura",
                                         "errores_estado", "errores_tiempo"))
            n = d["solicitudes"]
            return Corrida(
                p50_ms=d["p50_us"] / 1000 if n else None, p99_ms=d["p99_us"] / 1000 if n else None,
                rps=n / (d["duracion_us"] / 1e6) if d["duracion_us"] else 0.0, solicitudes=n, errores=errores,
            )
    percentiles = {float(p): a_ms(v) for p, v in re.findall(r"^\s*([\d.]+)%\s+([\d.]+\s*(?:us|ms|s|m))\s*$",
                                                             salida, re.MULTILINE)}
    m = re.search(r"^\s*(\d+) requests in", salida, re.MULTILINE)
    if not m:
        raise ValueError("Salida de wrk sin «N requests in»: ¿falló wrk?\n" + salida)
    n = int(m.group(1))
    rps = re.search(r"^Requests/sec:\s*([\d.]+)", salida, re.MULTILINE)
    errores = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", salida))
    no_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", salida)
    errores += int(no_2xx.group(1)) if no_2xx else 0
    return Corrida(p50_ms=percentiles.get(50.0), p99_ms=percentiles.get(99.0),
                   rps=float(rps.group(1)) if rps else 0.0, solicitudes=n, errores=errores)


@dataclass
class Resumen:
    """Las corridas de una ruta con una caché y unas conexiones, y el suelo SQL medido junto a ellas."""

    corridas: list[Corrida] = field(default_factory=list)
    suelo_ms: list[float] = field(default_factory=list)

    @property
    def p50_ms(self) -> float | None:
        """Mediana de las medianas de las corridas."""
        valores = [c.p50_ms for c in self.corridas if c.p50_ms is not None]
        return statistics.median(valores) if valores else None

    @property
    def p99_ms(self) -> float | None:
        """El peor p99 de las corridas (cada corrida corta da pocos valores en la cola)."""
        valores = [c.p99_ms for c in self.corridas if c.p99_ms is not None]
        return max(valores) if valores else None

    @property
    def rps(self) -> float | None:
        return statistics.median([c.rps for c in self.corridas]) if self.corridas else None

    @property
    def rps_max(self) -> float | None:
        """La mejor corrida: la referencia del techo (ninguna interferencia sube los req/s de una corrida)."""
        return max(c.rps for c in self.corridas) if self.corridas else None

    @property
    def solicitudes(self) -> int:
        return sum(c.solicitudes for c in self.corridas)

    @property
    def errores(self) -> int:
        return sum(c.errores for c in self.corridas)

    @property
    def suelo(self) -> float | None:
        return statistics.median(self.suelo_ms) if self.suelo_ms else None


def duracion_corrida(base: int, latencia_s: float, *, rapido: bool = False) -> int:
    """Segundos de una corrida de wrk: los de base, o los que den MUESTRAS_MINIMAS solicitudes a 1 conexión
    en una ruta lenta (wrk descarta la que no terminó al acabar), hasta DURACION_MAXIMA_S (la mitad de
    ambos con --rapido)."""
    muestras, tope = (MUESTRAS_MINIMAS // 2 + 1, DURACION_MAXIMA_S // 2) if rapido else (MUESTRAS_MINIMAS, DURACION_MAXIMA_S)
    return int(min(max(tope, base), max(base, math.ceil(muestras * latencia_s))))


def razon(a: float | None, b: float | None) -> float | None:
    """a / b, o None si falta alguno o b es ~0 (una ruta sin SQL no tiene razón con su suelo)."""
    if a is None or b is None or b < 1e-3:
        return None
    return a / b


def evaluar(tipo: str, valor: float | None, umbral: float) -> str:
    """«razon»: valor ≤ umbral; «techo» (%) y los mínimos: valor ≥ umbral."""
    if valor is None:
        return "SIN DATOS"
    if tipo == "incompleta":
        return "NO CUMPLE"
    ok = valor <= umbral if tipo in ("razon", "tope") else valor >= umbral
    return "CUMPLE" if ok else "NO CUMPLE"


def valor_meta(resultados: dict, ruta: str, tipo: str, modo: str) -> float | None:
    """La cifra de una meta: razón mediana/suelo a 1 conexión, o % del techo en req/s a 8 conexiones."""
    if tipo == "razon":
        r = resultados.get((ruta, modo, 1))
        return razon(r.p50_ms, r.suelo) if r else None
    p = techo_pareado(resultados, ruta, modo, 8)
    return None if p is None else 100 * p


def techo_pareado(resultados: dict, ruta: str, modo: str, conexiones: int) -> float | None:
    """La fracción del techo de una ruta: cada corrida dividida por el promedio de las corridas del techo que la
    rodean (la última antes y la primera después, con la misma caché y conexiones) y la mediana de esas
    razones. El ruido de la máquina (otro proceso, la CPU que el anfitrión presta a otros) cambia los req/s de
    todo lo que corre en ese momento: comparar la mediana de la ruta con la mejor corrida del techo de toda la
    medición la castiga por el ruido que el techo esquivó una vez. Sin orden de corridas (o sin vecinas), la
    mediana del techo."""
    r, techo = resultados.get((ruta, modo, conexiones)), resultados.get(("techo", modo, conexiones))
    if not r or not r.corridas or not techo or not techo.corridas:
        return None
    razones = []
    for corrida in r.corridas:
        antes = [t for t in techo.corridas if 0 <= t.orden < corrida.orden]
        despues = [t for t in techo.corridas if t.orden > corrida.orden >= 0]
        vecinas = ([max(antes, key=lambda t: t.orden)] if antes else []) + (
            [min(despues, key=lambda t: t.orden)] if despues else [])
        referencia = statistics.mean(t.rps for t in vecinas) if vecinas else techo.rps
        if referencia > 0:
            razones.append(corrida.rps / referencia)
    return statistics.median(razones) if razones else None


def techo_de(resultados: dict, modo: str, conexiones: int) -> float | None:
    """La mejor de las corridas del techo con esa caché y esas conexiones: la que menos sufrió el ruido de la
    máquina. La tabla da el % de cada ruta también contra ella (la cota más severa); las metas usan
    `techo_pareado`."""
    techo = resultados.get(("techo", modo, conexiones))
    return techo.rps_max if techo else None


def secuencia_de_ronda(rutas: list[Ruta], cada: int = TECHO_CADA) -> list[Ruta]:
    """El orden de una ronda: el techo al empezar, cada `cada` rutas y al terminar; las demás en su orden."""
    techo = next((r for r in rutas if r.clave == "techo"), None)
    otras = [r for r in rutas if r.clave != "techo"]
    if techo is None:
        return otras
    secuencia = []
    for i, ruta in enumerate(otras):
        if i % cada == 0:
            secuencia.append(techo)
        secuencia.append(ruta)
    return secuencia + [techo]


def sentencias_medibles(capturadas: list[str]) -> list[tuple[str, list[str]]]:
    """Las lecturas de una petición (SELECT/WITH), cada una con los `SET LOCAL` que la precedieron.

    Las escrituras (la sesión que renueva su última actividad, bitácoras) no se repiten: el suelo es lo
    que cuesta leer los datos de la página."""
    lecturas, ajustes = [], []
    for sql in capturadas:
        s = sql.strip()
        cabeza = s[:20].upper()
        if cabeza.startswith(("SET LOCAL", "SET ")):
            ajustes.append(s)
        elif cabeza.startswith(("SELECT", "WITH", "(SELECT")):
            lecturas.append((s, ajustes))
            ajustes = []  # siguen valiendo en la transacción del suelo, como en la de la petición
    return lecturas


def _ms(v: float | None, decimales: int = 1) -> str:
    if v is None:
        return "—"
    return f"{v:,.{decimales}f}".replace(",", " ")


def tabla(rutas: list[Ruta], resultados: dict) -> str:
    filas = [("| ruta | caché | conexiones | mediana (ms) | p99 (ms) | req/s | solicitudes (errores) | suelo SQL (ms) "
             "| mediana / suelo | % del techo |"),
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for ruta in rutas:
        for modo in (FRIA, CALIENTE):
            for conexiones in (1, 8):
                r = resultados.get((ruta.clave, modo, conexiones))
                if not r or not r.corridas:
                    continue
                mejor = razon(r.rps, techo_de(resultados, modo, conexiones))
                if ruta.clave == "techo":
                    pct, extra = mejor, ""
                else:
                    pct = techo_pareado(resultados, ruta.clave, modo, conexiones)
                    extra = "" if mejor is None else f" (del mejor: {_ms(100 * mejor, 0)} %)"
                rps = _ms(r.rps) + (f" (mejor {_ms(r.rps_max)})" if ruta.clave == "techo" else "")
                filas.append(
                    f"| {ruta.nombre} (`{ruta.url_corta}`) | {modo} | {conexiones} | {_ms(r.p50_ms)} | {_ms(r.p99_ms)} "
                    f"| {rps} | {r.solicitudes} ({r.errores}) | {_ms(r.suelo, 2)} "
                    f"| {_ms(razon(r.p50_ms, r.suelo), 2)}{'×' if razon(r.p50_ms, r.suelo) else ''} "
                    f"| {_ms(None if pct is None else 100 * pct, 0)}{' %' if pct is not None else ''}{extra} |")
    return "\n".join(filas)


def tabla_metas(rutas: list[Ruta], resultados: dict, exportacion: dict | None) -> str:
    nombres = {r.clave: r.nombre for r in rutas}
    filas = ["| meta | fría | caliente | cuenta | veredicto |", "|---|---|---|---|---|"]
    for ruta, tipo, umbral, cuenta in METAS:
        if ruta not in nombres:
            continue
        texto = (f"{nombres[ruta]}: 1 conexión ≤ {umbral:g}× su SQL" if tipo == "razon"
                 else f"{nombres[ruta]}: 8 conexiones ≥ {umbral:g} % del techo")
        celdas = {}
        for modo in (FRIA, CALIENTE):
            v = valor_meta(resultados, ruta, tipo, modo)
            cifra = "—" if v is None else (f"{v:.2f}×" if tipo == "razon" else f"{v:.0f} %")
            celdas[modo] = f"{cifra} {evaluar(tipo, v, umbral)}"
            r = resultados.get((ruta, modo, 8))
            mejor = razon(r.rps if r else None, techo_de(resultados, modo, 8)) if tipo == "techo" else None
            if mejor is not None:
                celdas[modo] += f" (del mejor: {100 * mejor:.0f} %)"
        veredicto = evaluar(tipo, valor_meta(resultados, ruta, tipo, cuenta), umbral)
        filas.append(f"| {texto} | {celdas[FRIA]} | {celdas[CALIENTE]} | {cuenta} | **{veredicto}** |")
    if exportacion:
        for texto, valor, tipo, umbral, unidad in metas_exportacion(exportacion):
            cifra = "—" if valor is None else f"{valor:.2f}{unidad}"
            filas.append(f"| {texto} | {cifra} | | {exportacion.get('modo', FRIA)} | **{evaluar(tipo, valor, umbral)}** |")
    return "\n".join(filas)


def metas_exportacion(e: dict) -> list[tuple[str, float | None, str, float, str]]:
    sola = e.get("sola") or {}
    return [
        (f"Exportación: primer byte ≤ {EXPORTACION_PRIMER_BYTE_S:g} s", sola.get("primer_byte_s"), "tope",
         EXPORTACION_PRIMER_BYTE_S, " s"),
        # Cortada (500 del timeout, conexión cerrada): el tiempo hasta el corte y NO CUMPLE.
        (f"Exportación: archivo entero ≤ {EXPORTACION_TOTAL_S:g} s", sola.get("total_s"),
         "tope" if sola.get("completa") else "incompleta", EXPORTACION_TOTAL_S,
         " s" if sola.get("completa") else " s (incompleta)"),
        (f"Exportación: memoria del worker plana (pico − antes ≤ {MEMORIA_PLANA_MIB} MiB)", e.get("crecimiento_mib"),
         "tope", MEMORIA_PLANA_MIB, " MiB"),
        (f"Búsqueda del portal con dos exportaciones en curso ≤ {EXPORTACION_BUSQUEDA_RAZON:g}× sin ellas",
         e.get("razon_busqueda"), "tope", EXPORTACION_BUSQUEDA_RAZON, "×"),
    ]


# --- Rutas ------------------------------------------------------------------------------------------

@dataclass
class Ruta:
    clave: str
    nombre: str
    url: str
    sesion: str | None = None  # correo de la demo con cuya sesión se pide
    token: bool = False  # Authorization: Token (TOKEN_DEMO del integrador)

    @property
    def url_corta(self) -> str:
        return self.url if len(self.url) <= 60 else self.url[:57] + "…"


def rutas_a_medir() -> tuple[list[Ruta], dict]:
    """Las rutas con datos reales de la base (una oferta publicada, un tema con ofertas en Antioquia, la ET
    con más registros). Requiere Django configurado."""
    from django.db.models import Count

    from att import perfil
    from att.models import Entidad, TipoEntidad
    from demanda.models import Demanda
    from oferta.models import Oferta

    publicadas = Oferta.objects.publicadas()  # publicadas y vigentes: las que el portal muestra
    oferta = publicadas.order_by("-publicada_en", "-pk").values_list("pk", flat=True).first()
    if oferta is None:
        sys.exit("No hay ofertas publicadas: genere antes los datos (manage.py generar_demo --escala 1000).")
    tema, _ = (publicadas.filter(focaliza_departamentos="05", temas__isnull=False).values_list("temas")
               .annotate(n=Count("pk")).order_by("-n", "temas").first())
    et, _ = (Demanda.objects.filter(entidad__tipo__in=TipoEntidad.territoriales()).values_list("entidad_id")
             .annotate(n=Count("pk")).order_by("-n", "entidad_id").first())
    entidad = Entidad.objects.select_related("municipio").get(pk=et)
    q = os.environ.get("ARNES_Q", "planeacion")
    # El auditor (control interno del DNP) lee todo sin segundo factor; seguimiento@ y admin@ lo exigen.
    dnp = auditor = "auditor@att.demo"
    rutas = [
        Ruta("techo", "Techo: /salud/vivo", "/salud/vivo"),
        Ruta("portada", "Portada", "/"),
        Ruta("portal_facetas", "Portal: 2 facetas", f"/oferta/?departamento=05&tema={tema}"),
        Ruta("portal_q", "Portal: q + 2 facetas", f"/oferta/?q={q}&departamento=05&tema={tema}"),
        Ruta("ficha", "Ficha de oferta", f"/oferta/{oferta}/"),
        Ruta("api_ofertas", "API ofertas (50 filas)", "/api/v1/ofertas/", token=True),
        # El integrador no ve demandas (la lista le sale vacía): la otra lista es la de líneas de plan.
        Ruta("api_lineas", "API líneas de plan (50 filas)", "/api/v1/agenda/lineas/", token=True),
        Ruta("tablero_dnp", "Tablero DNP (auditor)", "/seguimiento/", sesion=dnp),
        Ruta("repositorio", "Repositorio sin consulta", "/conocimiento/repositorio/"),
        Ruta("demandas", "Lista de demandas (auditor)", "/demanda/", sesion=auditor),
        Ruta("territorio", f"Perfil ET {entidad} (auditor)", perfil.url_perfil(entidad), sesion=auditor),
        Ruta("mapa_demanda", "Mapa: capa demanda (auditor)", "/seguimiento/mapas/?capa=demanda", sesion=dnp),
        Ruta("mapa_asistencia", "Mapa: capa asistencia (auditor)", "/seguimiento/mapas/?capa=asistencia", sesion=dnp),
        Ruta("rutas", "Rutas (auditor)", "/rutas/", sesion=auditor),
    ]
    datos = {"oferta": oferta, "tema": tema, "entidad": str(entidad), "q": q,
             "ofertas_publicadas": publicadas.count(), "ofertas": Oferta.objects.count(),
             "demandas": Demanda.objects.count()}
    return rutas, datos


def mantener_base() -> float:
    """`VACUUM (ANALYZE)` de toda la base antes de medir, y los segundos que tomó.

    En producción el autovacuum de PostgreSQL (encendido por defecto, también en la imagen de
    docker-compose.yml) limpia las filas muertas de una carga masiva, marca las páginas visibles para todos
    (sin eso un «Index Only Scan» va a la tabla por cada fila: 69 lecturas del montón en la página de 50
    ofertas de la API) y pone al día las estadísticas del planificador. El PostgreSQL de esta máquina corre
    con `autovacuum = off`: una base recién generada por `generar_demo` quedaba con 20.005 filas muertas en
    `oferta_oferta` y sin nada de eso, un estado que ninguna base de producción tiene. ~8 s a `--escala 1000`."""
    from django.db import connection

    inicio = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # el límite de 15 s de las consultas web no aplica aquí
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("RESET statement_timeout")
    return time.monotonic() - inicio


def crear_sesion(correo: str) -> str:
    """Una sesión en la base de la persona de la demo (sin formulario ni MFA: su rol no lo exige)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from att import mfa
    from att.autenticacion import SESION_INICIO, SESION_ULTIMA_ACTIVIDAD
    from att.models import Usuario

    usuario = Usuario.objects.get(email=correo)
    if mfa.requiere_mfa(usuario):
        sys.exit(f"{correo} exige segundo factor: elija otro usuario de la demo para el arnés.")
    sesion = import_module(settings.SESSION_ENGINE).SessionStore()
    ahora = int(time.time())
    sesion[SESSION_KEY] = str(usuario.pk)
    sesion[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    sesion[HASH_SESSION_KEY] = usuario.get_session_auth_hash()
    sesion[SESION_INICIO] = ahora
    sesion[SESION_ULTIMA_ACTIVIDAD] = ahora
    sesion.create()
    return sesion.session_key


# --- Servidor --------------------------------------------------------------------------------------

def entorno_servidor(puerto: int, cache_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": env.get("ARNES_SECRET_KEY", "arnes-http-solo-loopback-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ATT_URL_BASE": f"http://127.0.0.1:{puerto}",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_URL": cache_url,
        "LOG_LEVEL": env.get("LOG_LEVEL", "ERROR"),
        "LOG_LEVEL_ATT": env.get("LOG_LEVEL_ATT", "WARNING"),
        # El límite por usuario de la API (1.200/min por defecto) frenaría a wrk con 429 a mitad de
        # corrida y contaría respuestas rechazadas como servidas: el arnés mide lo que cuesta servir,
        # con el limitador de DRF en su sitio (consulta la caché en cada petición), pero sin que corte.
        "API_THROTTLE_USER": env.get("ARNES_API_THROTTLE_USER", "100000000/min"),
        # gunicorn.conf.py recicla cada worker tras ~10.000 solicitudes (max_requests): en producción eso pasa
        # cada varias horas; bajo wrk, cada pocos segundos (el techo sirve más de 1.000 por segundo). Cada
        # reciclaje arranca Django de nuevo en medio de una corrida de 3 s y lo paga la ruta que tocó (en la
        # corrida del 2 de diciembre, 35 arranques y p99 de ~1 s en rutas de 5 ms). El arnés mide el estado
        # estable: sin reciclaje, salvo que ARNES_MAX_REQUESTS diga otra cosa.
        "GUNICORN_MAX_REQUESTS": env.get("ARNES_MAX_REQUESTS", "0"),
    })
    env.pop("PYTEST_VERSION", None)
    return env


class Servidor:
    """gunicorn con 2 workers en 127.0.0.1; se detiene al salir del bloque aunque algo falle."""

    def __init__(self, puerto: int, cache_url: str, registro: Path):
        self.puerto, self.cache_url, self.registro = puerto, cache_url, registro
        self.proceso: subprocess.Popen | None = None

    def __enter__(self):
        orden = [str(RAIZ / ".venv/bin/gunicorn"), "att.wsgi:application"]
        if (RAIZ / "gunicorn.conf.py").exists():
            orden += ["-c", "gunicorn.conf.py"]
        orden += ["--workers", "2", "--bind", f"127.0.0.1:{self.puerto}"]
        self._salida = self.registro.open("ab")
        self.proceso = subprocess.Popen(orden, cwd=RAIZ, env=entorno_servidor(self.puerto, self.cache_url),
                                        stdout=self._salida, stderr=subprocess.STDOUT, start_new_session=True)
        limite = time.monotonic() + 90
        while time.monotonic() < limite:
            if self.proceso.poll() is not None:
                raise RuntimeError(f"gunicorn terminó al arrancar (código {self.proceso.returncode}): {self.registro}")
            try:
                if pedir(self.puerto, "/salud/vivo")[0] == 200 and len(self.workers()) >= 2:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn no respondió /salud/vivo en 90 s: {self.registro}")

    def workers(self) -> list[int]:
        if not self.proceso:
            return []
        hijos = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                campos = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(campos[1]) == self.proceso.pid:
                hijos.append(int(stat.parent.name))
        return sorted(hijos)

    @staticmethod
    def _ticks(pids) -> dict[int, int]:
        """Tiempo de CPU (usuario + sistema, en ticks del reloj) de cada proceso vivo de `pids`."""
        ticks = {}
        for pid in pids:
            try:
                campos = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = int(campos[11]) + int(campos[12])  # utime y stime (campos 14 y 15 de proc(5))
        return ticks

    def cpu_ticks(self) -> int:
        """Tiempo de CPU del maestro y sus workers."""
        return sum(self._ticks([self.proceso.pid, *self.workers()] if self.proceso else []).values())

    def ticks_por_worker(self) -> dict[int, int]:
        """Tiempo de CPU de cada worker."""
        return self._ticks(self.workers())

    def esperar_reposo(self, maximo_s: float = 30.0, ventana_s: float = 0.25, ticks: int = 2) -> float:
        """Espera a que gunicorn deje de gastar CPU: al acabar una corrida de wrk a 8 conexiones sobre una
        ruta lenta, los workers siguen atendiendo las solicitudes que quedaron en cola, y la corrida que
        viene las pagaría. Devuelve los segundos esperados."""
        inicio = time.monotonic()
        antes = self.cpu_ticks()
        while time.monotonic() - inicio < maximo_s:
            time.sleep(ventana_s)
            ahora = self.cpu_ticks()
            if ahora - antes <= ticks:
                break
            antes = ahora
        return time.monotonic() - inicio

    def __exit__(self, *exc):
        if self.proceso and self.proceso.poll() is None:
            self.proceso.send_signal(signal.SIGTERM)
            try:
                self.proceso.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proceso.pid, signal.SIGKILL)
                self.proceso.wait()
        self._salida.close()
        return False


def rss_mib(pid: int) -> float | None:
    try:
        for linea in Path(f"/proc/{pid}/status").read_text().splitlines():
            if linea.startswith("VmRSS:"):
                return int(linea.split()[1]) / 1024
    except OSError:
        return None
    return None


def pedir(puerto: int, url: str, encabezados: dict | None = None, timeout: float = 120) -> tuple[int, int, float]:
    """GET con http.client: (código, bytes, segundos)."""
    conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=timeout)
    try:
        inicio = time.perf_counter()
        conexion.request("GET", url, headers={"Accept-Encoding": "gzip", **(encabezados or {})})
        respuesta = conexion.getresponse()
        cuerpo = respuesta.read()
        return respuesta.status, len(cuerpo), time.perf_counter() - inicio
    finally:
        conexion.close()


# --- Medidas ---------------------------------------------------------------------------------------

def reparto_desigual(antes: dict[int, int], despues: dict[int, int], maximo: float = REPARTO_MAXIMO) -> bool:
    """Si un worker gastó más de `maximo` de la CPU de todos en la corrida (ver REPARTO_MAXIMO). Con menos de
    dos workers medidos, o sin CPU gastada, no hay reparto que juzgar."""
    gastos = [despues[pid] - antes[pid] for pid in despues if pid in antes]
    total = sum(gastos)
    return len(gastos) >= 2 and total > 0 and max(gastos) / total > maximo


def wrk_repartido(servidor: Servidor, puerto: int, ruta: Ruta, encabezados: dict, conexiones: int,
                  duracion: int) -> tuple[Corrida, int]:
    """Una corrida de wrk; a 8 conexiones, repetida si un solo worker atendió casi todo (`reparto_desigual`),
    hasta REPETICIONES_REPARTO veces (la última cuenta aunque siga desigual). Devuelve la corrida y las
    repeticiones."""
    repetidas = 0
    while True:
        antes = servidor.ticks_por_worker()
        corrida = wrk(puerto, ruta, encabezados, conexiones, duracion)
        if conexiones == 1 or repetidas >= REPETICIONES_REPARTO or \
                not reparto_desigual(antes, servidor.ticks_por_worker()):
            return corrida, repetidas
        repetidas += 1
        servidor.esperar_reposo()


def wrk(puerto: int, ruta: Ruta, encabezados: dict, conexiones: int, duracion: int) -> Corrida:
    hilos = 1 if conexiones == 1 else 2
    orden = ["wrk", f"-t{hilos}", f"-c{conexiones}", f"-d{duracion}s", "--latency", "--timeout", "60s",
             "-s", str(LUA), "-H", "Accept-Encoding: gzip"]
    for nombre, valor in encabezados.items():
        orden += ["-H", f"{nombre}: {valor}"]
    orden.append(f"http://127.0.0.1:{puerto}{ruta.url}")
    salida = subprocess.run(orden, check=False, capture_output=True, text=True, timeout=duracion + 120)
    if salida.returncode != 0:
        raise RuntimeError(f"wrk falló en {ruta.url}: {salida.stderr}")
    return leer_wrk(salida.stdout)


class Suelo:
    """Las lecturas de una ruta, repetidas por psycopg directo contra la misma base."""

    def __init__(self):
        import psycopg
        from django.db import connection

        p = connection.get_connection_params()
        p.pop("cursor_factory", None)
        p.pop("context", None)
        p.pop("prepare_threshold", None)
        self.conexion = psycopg.connect(**p, autocommit=False)
        with self.conexion.cursor() as c:
            c.execute("SET TIME ZONE 'UTC'")
        self.conexion.commit()

    def una_vez(self, sentencias: list[tuple[str, list[str]]]) -> float:
        """Milisegundos de ejecutar y leer todas las filas de las sentencias, en una transacción deshecha."""
        inicio = time.perf_counter()
        with self.conexion.cursor() as c:
            for sql, ajustes in sentencias:
                for ajuste in ajustes:
                    c.execute(ajuste)
                c.execute(sql)
                if c.description is not None:
                    c.fetchall()
        total = (time.perf_counter() - inicio) * 1000
        self.conexion.rollback()
        return total

    def medir(self, sentencias, repeticiones: int) -> list[float]:
        if not sentencias:
            return []
        return [self.una_vez(sentencias) for _ in range(repeticiones)]


def capturar(cliente_por_ruta, ruta: Ruta, caches: dict) -> tuple[int, list[str]]:
    """Las sentencias SQL de una petición de la ruta, en proceso, con la caché del modo (la segunda de dos
    peticiones: la primera calienta lo que se pueda calentar)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(CACHES=caches):
        cliente = cliente_por_ruta(ruta)
        _consumir(cliente.get(ruta.url))
        reset_queries()  # el registro guarda 9.000 como mucho: que empiece vacío
        with CaptureQueriesContext(connection) as capturadas:
            respuesta = cliente.get(ruta.url)
            _consumir(respuesta)
    return respuesta.status_code, [c["sql"] for c in capturadas.captured_queries]


def _consumir(respuesta) -> int:
    if getattr(respuesta, "streaming", False):
        return sum(len(parte) for parte in respuesta.streaming_content)
    return len(respuesta.content)


def medir_exportacion(puerto: int, servidor: Servidor, busqueda: Ruta, consultas: int | None) -> dict:
    """Exportación de datos abiertos sola (curl: primer byte, total, RSS de los workers muestreado cada
    50 ms) y una búsqueda del portal con dos exportaciones en curso frente a sin ellas."""
    url = f"http://127.0.0.1:{puerto}/oferta/exportar/"
    formato = '{"codigo": %{http_code}, "primer_byte_s": %{time_starttransfer}, "total_s": %{time_total}, "bytes": %{size_download}}'

    def curl() -> subprocess.Popen:
        return subprocess.Popen(["curl", "-s", "-o", "/dev/null", "--max-time", "180", "-w", formato, url],
                                stdout=subprocess.PIPE, text=True)

    def resultado_curl(proceso: subprocess.Popen) -> dict:
        salida, _ = proceso.communicate()
        d = json.loads(salida) if salida.strip() else {"codigo": 0}
        # 18: transferencia parcial, 52: respuesta vacía (worker muerto por el timeout de gunicorn).
        d["salida_curl"] = proceso.returncode
        d["completa"] = proceso.returncode == 0 and d.get("codigo") == 200
        return d

    # Calentamiento barato: la misma vista con un filtro sin resultados carga sus módulos en los workers.
    for _ in range(4):
        pedir(puerto, "/oferta/exportar/?q=zzqxwarnes")
    antes = {pid: rss_mib(pid) for pid in servidor.workers()}
    picos = dict(antes)
    parar = threading.Event()

    def muestrear():
        while not parar.is_set():
            for pid in servidor.workers():
                r = rss_mib(pid)
                if r is not None:
                    picos[pid] = max(picos.get(pid) or 0, r)
            time.sleep(0.05)

    hilo = threading.Thread(target=muestrear, daemon=True)
    hilo.start()
    sola = resultado_curl(curl())
    parar.set()
    hilo.join()
    despues = {pid: rss_mib(pid) for pid in servidor.workers()}
    crecimiento = max(((picos.get(pid) or 0) - (antes.get(pid) or 0) for pid in antes), default=None)

    def tiempos_busqueda(mientras=None, minimo=8, maximo_s=200.0) -> list[float]:
        """Sin `mientras`: `minimo` búsquedas seguidas. Con él: las que empiezan mientras alguna exportación
        sigue en curso (la que la espera entera cuenta con toda su espera), al menos una."""
        tiempos, inicio = [], time.monotonic()
        while time.monotonic() - inicio < maximo_s:
            if mientras is not None and tiempos and not any(p.poll() is None for p in mientras):
                break
            # Un 500 o una conexión cortada (worker muerto) también es lo que recibe la persona: cuenta su tiempo.
            t0 = time.perf_counter()
            try:
                pedir(puerto, busqueda.url, timeout=200)
            except (OSError, http.client.HTTPException):
                pass
            tiempos.append((time.perf_counter() - t0) * 1000)
            if mientras is None and len(tiempos) >= minimo:
                break
        return tiempos

    sin = tiempos_busqueda()
    procesos = [curl(), curl()]
    time.sleep(0.3)
    con = tiempos_busqueda(mientras=procesos)
    dobles = [resultado_curl(p) for p in procesos]
    workers_despues = servidor.workers()
    m_sin = statistics.median(sin) if sin else None
    m_con = statistics.median(con) if con else None
    return {
        "sola": sola, "rss_antes_mib": antes, "rss_pico_mib": picos, "rss_despues_mib": despues,
        "crecimiento_mib": crecimiento, "consultas": consultas,
        "busqueda_sin_ms": m_sin, "busqueda_con_ms": m_con, "busqueda_con_max_ms": max(con) if con else None,
        "busqueda_con_n": len(con), "razon_busqueda": razon(m_con, m_sin), "dobles": dobles,
        "workers_reemplazados": sorted(set(antes) - set(workers_despues)),
    }


def texto_exportacion(e: dict) -> str:
    sola = e["sola"]
    lineas = [
        (f"- Sola: código {sola.get('codigo')}, primer byte {sola.get('primer_byte_s', 0):.2f} s, total "
        f"{sola.get('total_s', 0):.2f} s, {sola.get('bytes', 0) / 1e6:.2f} MB descargados (gzip si el servidor lo da), "
        f"{'completa' if sola.get('completa') else 'INCOMPLETA (salida de curl {})'.format(sola.get('salida_curl'))}; "
        f"{e['consultas'] if e['consultas'] is not None else '—'} consultas SQL (en proceso)."),
        "- RSS de los workers (MiB) antes → pico → después: " + ", ".join(
            f"{pid}: {_ms(e['rss_antes_mib'].get(pid))} → {_ms(e['rss_pico_mib'].get(pid))} → "
            f"{_ms(e['rss_despues_mib'].get(pid))}" for pid in e["rss_antes_mib"]),
        (f"- Búsqueda del portal sin exportaciones {_ms(e['busqueda_sin_ms'])} ms (mediana); con dos exportaciones en "
        f"curso {_ms(e['busqueda_con_ms'])} ms (mediana de {e['busqueda_con_n']}, peor {_ms(e['busqueda_con_max_ms'])} ms): "
        f"{_ms(e['razon_busqueda'], 2)}×."),
        "- Las dos exportaciones a la vez: " + "; ".join(
            f"código {d.get('codigo')}, total {d.get('total_s', 0):.1f} s, "
            f"{'completa' if d.get('completa') else 'INCOMPLETA (curl {})'.format(d.get('salida_curl'))}" for d in e["dobles"]),
    ]
    if e["workers_reemplazados"]:
        lineas.append(f"- Workers reemplazados durante la medida (muertos por el timeout o reciclados): "
                      f"{e['workers_reemplazados']}.")
    return "\n".join(lineas)


# --- Programa --------------------------------------------------------------------------------------

def asegurar_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("Falta wrk: instálelo con `apt-get install -y wrk` (el arnés lo hace solo como root).")
    print("Instalando wrk de Debian…", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)


def estaticos_al_dia() -> bool:
    """El manifiesto de collectstatic es más nuevo que todo archivo de static/ (los de las apps de terceros
    cambian con uv.lock, que también se mira)."""
    raiz = Path(os.environ.get("ATT_VAR_DIR", RAIZ / "var")) / "staticfiles" / "staticfiles.json"
    if not raiz.exists():
        return False
    fuentes = [RAIZ / "uv.lock", *(p for p in (RAIZ / "static").rglob("*") if p.is_file())]
    return all(p.stat().st_mtime < raiz.stat().st_mtime for p in fuentes)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(RAIZ / ".venv/bin/python"), "manage.py", *args], check=False, cwd=RAIZ, env=env,
                          capture_output=True, text=True)


def principal(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rapido", action="store_true", help="2 corridas × 3 s (≤ 12 min en total)")
    p.add_argument("--corridas", type=int)
    p.add_argument("--duracion", type=int, help="segundos de cada corrida de wrk")
    p.add_argument("--puerto", type=int, default=int(os.environ.get("ARNES_PUERTO", "8720")))
    p.add_argument("--rutas", help="claves separadas por comas (el techo se mide siempre)")
    p.add_argument("--sin-exportacion", action="store_true")
    p.add_argument("--sin-readme", action="store_true", help="no copiar la tabla en bench/README.md")
    p.add_argument("--salida", type=Path, help="archivo Markdown (por defecto bench/resultados/http-<fecha>.md)")
    args = p.parse_args(argv)
    corridas = args.corridas or (2 if args.rapido else 3)
    duracion = args.duracion or (3 if args.rapido else 5)
    repeticiones_suelo = 2 if args.rapido else 3
    inicio_total = time.monotonic()
    ahora = datetime.now(UTC)
    salida = args.salida or BENCH / "resultados" / f"http-{ahora:%Y%m%d-%H%M}.md"
    registro = Path(os.environ.get("TMPDIR", "/tmp")) / f"arnes-http-{args.puerto}.log"
    cache_caliente = os.environ.get("CACHE_URL", "").strip() or CACHE_CALIENTE
    if not cache_caliente.startswith(("redis", "rediscache")):
        cache_caliente = CACHE_CALIENTE

    asegurar_wrk()
    env = entorno_servidor(args.puerto, cache_caliente)
    print("migrate…", flush=True)
    r = manage("migrate", "--noinput", env=env)
    if r.returncode:
        sys.exit("migrate falló:\n" + r.stdout + r.stderr)
    print("collectstatic (DEBUG=0 sirve los estáticos con su manifiesto) y check --deploy…", flush=True)
    hilo_chequeo = threading.Thread(target=lambda: resultado_chequeo.append(manage("check", "--deploy", env=env)))
    resultado_chequeo: list[subprocess.CompletedProcess] = []
    hilo_chequeo.start()
    if estaticos_al_dia():
        r = subprocess.CompletedProcess([], 0, "", "")
    else:
        r = manage("collectstatic", "--noinput", env=env)
    hilo_chequeo.join()
    if r.returncode:
        sys.exit("collectstatic falló:\n" + r.stdout + r.stderr)
    chequeo = resultado_chequeo[0]
    avisos_deploy = [linea for linea in (chequeo.stdout + chequeo.stderr).splitlines() if "?:" in linea or "W0" in linea]

    # Django en este proceso con el mismo entorno (DEBUG=0) que el servidor: captura de SQL y sesiones.
    os.environ.update(env)
    sys.path.insert(0, str(RAIZ))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "att.settings")
    import django

    django.setup()
    import copy

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from att.demo import TOKEN_DEMO

    print("VACUUM (ANALYZE), lo que haría el autovacuum de producción…", flush=True)
    segundos_vacuum = mantener_base()
    caches = {FRIA: {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
              CALIENTE: copy.deepcopy(settings.CACHES)}
    rutas, datos = rutas_a_medir()
    if args.rutas:
        pedidas = {"techo", *args.rutas.split(",")}
        rutas = [r for r in rutas if r.clave in pedidas]
    sesiones = {correo: crear_sesion(correo) for correo in {r.sesion for r in rutas if r.sesion}}
    cookie = settings.SESSION_COOKIE_NAME

    def encabezados(ruta: Ruta) -> dict:
        h = {}
        if ruta.sesion:
            h["Cookie"] = f"{cookie}={sesiones[ruta.sesion]}"
        if ruta.token:
            h["Authorization"] = f"Token {TOKEN_DEMO}"
        return h

    def cliente_por_ruta(ruta: Ruta) -> Client:
        extra = {"HTTP_ACCEPT_ENCODING": "gzip"}
        if ruta.token:
            extra["HTTP_AUTHORIZATION"] = f"Token {TOKEN_DEMO}"
        cliente = Client(HTTP_HOST="127.0.0.1", **extra)
        if ruta.sesion:
            cliente.cookies[cookie] = sesiones[ruta.sesion]
        return cliente

    suelo = Suelo()
    resultados: dict[tuple[str, str, int], Resumen] = {}
    notas: list[str] = []
    exportacion = None
    cargas = [os.getloadavg()]
    esperas: list[float] = []
    repetidas_por_reparto: dict[tuple[str, str], int] = {}
    consultas_ruta: dict[tuple[str, str], int] = {}
    busqueda = next((r for r in rutas if r.clave == "portal_facetas"), None)
    orden_corridas = itertools.count()
    for modo in (FRIA, CALIENTE):
        cache_url = CACHE_FRIA if modo == FRIA else cache_caliente
        if modo == CALIENTE:
            import redis

            redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).flushdb()
        print(f"== caché {modo} ({cache_url})", flush=True)
        with Servidor(args.puerto, cache_url, registro) as servidor:
            medibles, duraciones = [], {}
            for ruta in rutas:
                pedidas = [pedir(args.puerto, ruta.url, encabezados(ruta)) for _ in range(CALENTAMIENTO)]
                if pedidas[-1][0] != 200:
                    notas.append(f"{ruta.nombre} ({modo}): responde {pedidas[-1][0]}, no se mide.")
                    continue
                medibles.append(ruta)
                duraciones[ruta.clave] = duracion_corrida(duracion, min(t for _, _, t in pedidas), rapido=args.rapido)
            sentencias = {}
            for ruta in medibles:
                codigo, sql = capturar(cliente_por_ruta, ruta, caches[modo])
                sentencias[ruta.clave] = sentencias_medibles(sql)
                consultas_ruta[(ruta.clave, modo)] = len(sql)
                if ruta.clave == "techo" and sql:
                    notas.append(f"¡El techo hizo {len(sql)} consultas ({modo})! Ya no mide la pila sin base.")
                if codigo != 200:
                    notas.append(f"{ruta.nombre} ({modo}): en proceso respondió {codigo}.")
            for ronda in range(corridas):
                for ruta in secuencia_de_ronda(medibles):
                    for conexiones in (1, 8):
                        r = resultados.setdefault((ruta.clave, modo, conexiones), Resumen())
                        esperas.append(servidor.esperar_reposo())
                        r.suelo_ms += suelo.medir(sentencias[ruta.clave], repeticiones_suelo)
                        corrida, repetidas = wrk_repartido(servidor, args.puerto, ruta, encabezados(ruta), conexiones,
                                                           duraciones[ruta.clave])
                        if repetidas:
                            repetidas_por_reparto[(ruta.clave, modo)] = \
                                repetidas_por_reparto.get((ruta.clave, modo), 0) + repetidas
                        if not corrida.solicitudes:
                            # Más lenta que la corrida entera: una petición cronometrada sola, para tener cifra.
                            _, _, t = pedir(args.puerto, ruta.url, encabezados(ruta))
                            corrida = Corrida(t * 1000, t * 1000, 1 / t, 1, corrida.errores)
                            notas.append(f"{ruta.nombre} ({modo}, {conexiones} conexión/es): wrk no completó ninguna "
                                         f"en {duraciones[ruta.clave]} s; se tomó una petición sola ({t:.1f} s).")
                        corrida.orden = next(orden_corridas)
                        r.corridas.append(corrida)
                        r.suelo_ms += suelo.medir(sentencias[ruta.clave], repeticiones_suelo)
                cargas.append(os.getloadavg())
                print(f"   ronda {ronda + 1}/{corridas} ({time.monotonic() - inicio_total:.0f} s, carga "
                      f"{cargas[-1][0]:.1f})", flush=True)
            exportar_aqui = not args.sin_exportacion and busqueda and (modo == FRIA or not args.rapido)
            if exportar_aqui:
                print("   exportación…", flush=True)
                consultas = None
                if modo == FRIA:
                    from django.test.utils import override_settings

                    # Se cuentan con execute_wrapper: el registro de CaptureQueriesContext guarda 9.000 como
                    # mucho y la exportación de la línea de base hace más de 16.000.
                    contadas = []
                    with override_settings(CACHES=caches[modo]), connection.execute_wrapper(
                            lambda ejecutar, sql, *resto, contadas=contadas: contadas.append(1) or ejecutar(sql, *resto)):
                        _consumir(Client(HTTP_HOST="127.0.0.1").get("/oferta/exportar/"))
                    consultas = len(contadas)
                medida = medir_exportacion(args.puerto, servidor, busqueda, consultas)
                medida["modo"] = modo
                if exportacion is None:
                    exportacion = medida
                else:
                    exportacion["otra"] = medida
                cargas.append(os.getloadavg())
    suelo.conexion.close()

    duracion_total = time.monotonic() - inicio_total
    orden = "DATABASE_URL=… .venv/bin/python bench/arnes_http.py" + (" --rapido" if args.rapido else "")
    if args.corridas or args.duracion:
        orden += f" --corridas {corridas} --duracion {duracion}"
    base = settings.DATABASES["default"]["NAME"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=RAIZ, capture_output=True, text=True).stdout.strip()
    rama = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], check=False, cwd=RAIZ, capture_output=True, text=True).stdout.strip()
    carga_txt = ", ".join(f"{c[0]:.1f}" for c in cargas)
    techos = "; ".join(
        f"{modo} {conexiones}: {_ms(techo_de(resultados, modo, conexiones))} req/s "
        f"(de {len(resultados[('techo', modo, conexiones)].corridas)} corridas)"
        for modo in (FRIA, CALIENTE) for conexiones in (1, 8) if ("techo", modo, conexiones) in resultados)
    partes = [
        f"# Medida HTTP {ahora:%Y-%m-%d %H:%M} UTC",
        "",
        f"Orden: `{orden}` sobre la base `{base}` (rama `{rama}`, {commit}); {duracion_total / 60:.1f} min.",
        (f"Datos: {datos['ofertas']:,} ofertas ({datos['ofertas_publicadas']:,} publicadas), {datos['demandas']:,} demandas; "
        f"búsqueda q={datos['q']!r}, departamento 05 y tema {datos['tema']}; ficha de la oferta {datos['oferta']}; "
        f"perfil de {datos['entidad']}."),
        (f"Servidor: gunicorn, 2 workers{' con gunicorn.conf.py' if (RAIZ / 'gunicorn.conf.py').exists() else ' (sin gunicorn.conf.py)'}, "
        f"DEBUG=0, 127.0.0.1:{args.puerto}; la base, tras `VACUUM (ANALYZE)` ({segundos_vacuum:.0f} s; lo que hace el "
        f"autovacuum de producción, que el PostgreSQL de la máquina de medida tiene apagado). wrk: {corridas} corridas × {duracion} s por ruta, caché y conexiones "
        "(1 conexión: `-t1 -c1`; 8: `-t2 -c8`), intercaladas entre rutas; mediana = mediana de las medianas de "
        "las corridas, p99 = el peor p99, req/s = mediana. Caché fría: `dummycache://`; caliente: "
        f"`{cache_caliente}` vaciada y calentada con {CALENTAMIENTO} peticiones por ruta. Una ruta lenta corre "
        f"lo que dé {MUESTRAS_MINIMAS} solicitudes a 1 conexión (hasta {DURACION_MAXIMA_S} s)."),
        (f"Suelo SQL: las lecturas que hace la ruta (capturadas en proceso con la misma caché), ejecutadas por "
        f"psycopg y leídas enteras, {repeticiones_suelo} veces antes y {repeticiones_suelo} después de cada corrida; "
        "mediana. % del techo: req/s de `/salud/vivo` con las mismas conexiones y caché, medido al empezar cada "
        f"ronda, cada {TECHO_CADA} rutas y al terminarla; cada corrida de una ruta se divide por el promedio de las "
        "dos corridas del techo que la rodean y el % es la mediana de esas razones (el ruido de la máquina compartida "
        "baja a la vez la ruta y el techo de ese momento); entre paréntesis, el % contra la mejor corrida del techo "
        f"de toda la medición, la cota más severa: {techos}."),
        (f"Antes de cada corrida el arnés espera a que gunicorn deje de gastar CPU (lo que quedó en cola de la "
        f"anterior): {len(esperas)} esperas, mediana {_ms(statistics.median(esperas) if esperas else None, 2)} s, "
        f"la más larga {_ms(max(esperas) if esperas else None, 1)} s."),
        (f"Reparto entre workers: una corrida a 8 conexiones en que un worker gastó más del {REPARTO_MAXIMO:.0%} de la "
        f"CPU de los dos (wrk abre sus 8 conexiones de golpe y a veces un solo worker las acepta todas: sirve con "
        f"un solo proceso, a la mitad) se repitió, hasta {REPETICIONES_REPARTO} veces: "
        + (", ".join(f"{clave} {modo} {n}" for (clave, modo), n in sorted(repetidas_por_reparto.items()))
           or "ninguna") + "."),
        f"Carga de la máquina ({os.cpu_count()} núcleos, compartidos), promedio de 1 min por ronda: {carga_txt}.",
        "",
        "## Metas del issue 17",
        "",
        tabla_metas(rutas, resultados, exportacion),
        "",
        "## Rutas",
        "",
        tabla(rutas, resultados),
        "",
        "Consultas SQL por petición (en proceso): " + ", ".join(
            f"{r.clave} {consultas_ruta.get((r.clave, FRIA), '—')}/{consultas_ruta.get((r.clave, CALIENTE), '—')}"
            for r in rutas) + " (fría/caliente).",
    ]
    if exportacion:
        partes += ["", f"## Exportación de datos abiertos `/oferta/exportar/` (caché {exportacion['modo']})", "",
                   texto_exportacion(exportacion)]
        if "otra" in exportacion:
            partes += ["", f"Con caché {exportacion['otra']['modo']}:", "", texto_exportacion(exportacion["otra"])]
    if notas or avisos_deploy:
        partes += ["", "## Notas", ""] + [f"- {n}" for n in notas] + [f"- check --deploy: {a}" for a in avisos_deploy]
    texto = "\n".join(partes) + "\n"
    salida.parent.mkdir(parents=True, exist_ok=True)
    salida.write_text(texto)
    print(texto)
    print(f"Escrito en {salida}")
    if not args.sin_readme:
        poner_en_readme(BENCH / "README.md", texto)
        print("Copiado en bench/README.md (bench/resultados/ no se versiona).")
    return 0


MARCA_INICIO, MARCA_FIN = "<!-- arnes_http: inicio -->", "<!-- arnes_http: fin -->"


def poner_en_readme(readme: Path, texto: str) -> None:
    """Reemplaza la última tabla del README entre sus marcas (los títulos bajan un nivel)."""
    contenido = readme.read_text()
    if MARCA_INICIO not in contenido or MARCA_FIN not in contenido:
        return
    texto = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", texto, flags=re.MULTILINE)
    antes, resto = contenido.split(MARCA_INICIO, 1)
    _, despues = resto.split(MARCA_FIN, 1)
    readme.write_text(f"{antes}{MARCA_INICIO}\n{texto}{MARCA_FIN}{despues}")


if __name__ == "__main__":
    sys.exit(principal())
