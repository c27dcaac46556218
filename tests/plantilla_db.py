"""La base de pruebas recién migrada, guardada como plantilla de PostgreSQL y copiada en vez de migrar otra vez.

Migrar desde cero las 140 migraciones (las del proyecto y las de Django y sus paquetes) tarda unos dos minutos
de CPU: Django vuelve a armar los modelos relacionados en cada operación. `.ci/run` lo hacía cuatro veces (los dos
procesos de `make test`, las pruebas de integración y las de navegador). Ahora, en cada servidor PostgreSQL, la
primera sesión que crea su base de pruebas desde cero la copia, ya migrada y antes de cargar la referencia, en
`att_plantilla_<huella>`; las siguientes la crean con `CREATE DATABASE … TEMPLATE` (la opción `TEST["TEMPLATE"]`
de Django) y `migrate` no encuentra nada que aplicar.

La huella es la del contenido de todos los archivos de migración que Django carga (los del proyecto y los de los
paquetes), de `INSTALLED_APPS` y de la versión de Django: una migración nueva o cambiada da otra plantilla, y la
vieja se borra. Un candado consultivo de PostgreSQL ordena a los procesos de pytest-xdist: uno migra y guarda la
plantilla mientras el otro espera y después la copia.

Una base de pruebas que ya existía (`--reuse-db` sin `--create-db`) no se vuelve plantilla: puede traer datos de
otra corrida. `ATT_PRUEBAS_SIN_PLANTILLA=1` migra siempre desde cero.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import psycopg
from psycopg import sql

PREFIJO = "att_plantilla_"
# Clave del candado consultivo (pg_advisory_lock) que comparten los procesos que crean bases de pruebas.
_CANDADO = 4091_2022


def huella_de_migraciones() -> str:
    """Doce caracteres hexadecimales del contenido de cada migración cargada, INSTALLED_APPS y la versión de Django."""
    import django
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    resumen = hashlib.sha256()
    resumen.update(django.get_version().encode())
    resumen.update("\n".join(settings.INSTALLED_APPS).encode())
    cargador = MigrationLoader(None, ignore_no_migrations=True, load=True)
    for clave in sorted(cargador.disk_migrations):
        migracion = cargador.disk_migrations[clave]
        archivo = getattr(sys.modules.get(type(migracion).__module__), "__file__", None)
        resumen.update(f"{clave[0]}.{clave[1]}\n".encode())
        if archivo:
            resumen.update(Path(archivo).read_bytes())
    return resumen.hexdigest()[:12]


class Plantilla:
    """El paso por la plantilla de una sesión de pruebas: `preparar()` antes de que pytest-django cree la base,
    `guardar()` justo después de migrarla."""

    def __init__(self, ajustes: dict):
        self.ajustes = ajustes
        self.prefijo = PREFIJO
        self.nombre = PREFIJO + huella_de_migraciones()
        self._conexion: psycopg.Connection | None = None
        self._construir = False

    def conectar(self) -> psycopg.Connection:
        """A la base `postgres` del mismo servidor, sin las OPTIONS de Django: su `statement_timeout` cortaría la
        espera del candado mientras otro proceso migra (dos minutos)."""
        parametros = {"dbname": "postgres", "autocommit": True}
        for clave, nombre in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
            if self.ajustes.get(clave):
                parametros[nombre] = str(self.ajustes[clave])
        return psycopg.connect(**parametros)

    @staticmethod
    def _existe(conexion: psycopg.Connection, nombre: str) -> bool:
        return conexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nombre]).fetchone() is not None

    def preparar(self, *, recrear: bool) -> None:
        """Si la plantilla existe, la pone como `TEST["TEMPLATE"]`. Si no, y la base de pruebas se va a crear
        desde cero, se queda con el candado hasta `guardar()` (los demás procesos esperan aquí)."""
        conexion = self.conectar()
        conexion.execute("SELECT pg_advisory_lock(%s)", [_CANDADO])
        base = self.ajustes["TEST"]["NAME"]
        if self._existe(conexion, self.nombre):
            self.ajustes["TEST"]["TEMPLATE"] = self.nombre
            conexion.close()  # también suelta el candado
            return
        if not recrear and self._existe(conexion, base):
            conexion.close()
            return
        self._conexion = conexion
        self._construir = True

    def guardar(self) -> None:
        """Copia la base recién migrada en la plantilla (sin conexiones abiertas a ella) y suelta el candado."""
        if not self._construir:
            return
        from django.db import connections

        conexion, self._conexion, self._construir = self._conexion, None, False
        try:
            connections.close_all()
            for (viejo,) in conexion.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
                [self.prefijo, self.nombre],
            ).fetchall():
                try:
                    conexion.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(viejo)))
                except psycopg.errors.ObjectInUse:
                    pass  # otra sesión la está copiando ahora: queda para la próxima
            conexion.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(self.nombre), sql.Identifier(self.ajustes["TEST"]["NAME"])))
        finally:
            conexion.close()


def activa() -> bool:
    return os.environ.get("ATT_PRUEBAS_SIN_PLANTILLA", "") not in {"1", "true", "sí", "si"}
