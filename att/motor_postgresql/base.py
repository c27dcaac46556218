"""El motor PostgreSQL de Django con la verificación de salud de cada conexión acotada en el tiempo.

Con `CONN_HEALTH_CHECKS` Django verifica la conexión (un `SELECT 1`, una ida y vuelta a PostgreSQL) antes de
usarla en **cada** solicitud; con el pool de psycopg (`DB_POOL=1`), el pool la verifica (una consulta vacía)
cada vez que la presta. Bajo carga eso es una consulta más por solicitud: en la lista de la API, ~12 % de la
CPU de la máquina por solicitud (A/B pareado del 4 de diciembre de 2026, 4,18 → 3,69 ms).

Aquí una conexión que se verificó o se abrió hace menos de `ATT_DB_VERIFICACION_VENTANA_S` segundos
(`DB_VERIFICACION_VENTANA_S`, 1 por defecto; 0 = antes de cada uso, como Django) no se vuelve a verificar;
la que lleva más tiempo, sí. Es la «ventana de omisión» de los pools de conexiones de Java (HikariCP la trae
de 0,5 s). Lo que se acepta a cambio: si PostgreSQL se reinicia, una conexión verificada en el último segundo
puede fallar en la solicitud que la use (un error 500 en esa sola solicitud); Django la marca con errores y la
cierra al terminar la solicitud (`close_if_unusable_or_obsolete`), y la siguiente abre otra. Una conexión con
errores se sigue verificando siempre al cerrar la solicitud, sin ventana.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base

_ATRIBUTO_POOL = "_att_verificada_en"
_reloj = time.monotonic  # aparte, para que las pruebas fijen el borde de la ventana


def _reciente(verificada_en: float | None) -> bool:
    return verificada_en is not None and _reloj() - verificada_en < settings.ATT_DB_VERIFICACION_VENTANA_S


def verificar_prestada(conexion) -> None:
    """El `check` del pool de psycopg: `ConnectionPool.check_connection` si la conexión (de psycopg) no se
    verificó en la ventana; lanza la excepción de psycopg si no responde (el pool la descarta y presta otra)."""
    from psycopg_pool import ConnectionPool

    if _reciente(getattr(conexion, _ATRIBUTO_POOL, None)):
        return
    ConnectionPool.check_connection(conexion)
    setattr(conexion, _ATRIBUTO_POOL, _reloj())


class DatabaseWrapper(base.DatabaseWrapper):
    _verificada_en: float | None = None

    @property
    def pool(self):
        pool = super().pool
        # Django le pasa al pool `check=ConnectionPool.check_connection` cuando hay CONN_HEALTH_CHECKS y no deja
        # cambiarlo desde OPTIONS; se cambia por la misma verificación con ventana (tests/att/test_motor_postgresql.py
        # comprueba que el pool la usa).
        if pool is not None and self.settings_dict["CONN_HEALTH_CHECKS"] and getattr(pool, "_check", None) is not verificar_prestada:
            pool._check = verificar_prestada
        return pool

    def connect(self):
        super().connect()
        self._verificada_en = _reloj()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if _reciente(self._verificada_en):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        if self.connection is not None:
            self._verificada_en = _reloj()
