"""Candados consultivos de PostgreSQL para el trabajo que no debe correr dos veces a la vez (un
informe por tipo, periodo y alcance; una tarea diaria de alertas).

Son candados de sesión: duran lo que dure la conexión, no una transacción, así que sirven para
trabajo largo sin dejar una transacción abierta. Si el proceso muere (SIGKILL, máquina caída), la
base cierra la conexión y el candado se suelta solo: quien lo encuentra libre sabe que nadie más
está trabajando en lo mismo.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections

log = logging.getLogger(__name__)


def clave_bloqueo(*partes: object) -> int:
    """Entero de 64 bits con signo (lo que pide PostgreSQL), estable entre procesos y versiones:
    no usa `hash()`, que cambia en cada arranque de Python."""
    texto = "\x1f".join(str(p) for p in partes)
    return int.from_bytes(hashlib.blake2b(texto.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def candado(clave: int, *, esperar: bool = False, using: str = "default") -> Iterator[bool]:
    """Toma el candado `clave` en la conexión `using` y entrega si lo obtuvo.

    Sin `esperar`, no espera: entrega False si otro proceso lo tiene (el llamador decide omitir el
    trabajo). Con `esperar`, hace fila hasta tenerlo (sirve para serializar, p. ej. el envío de
    correos). Al salir lo suelta.
    """
    conexion = connections[using]
    with conexion.cursor() as cursor:
        if esperar:
            cursor.execute("SELECT pg_advisory_lock(%s), true", [clave])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [clave])
        obtenido = bool(cursor.fetchone()[-1])
    try:
        yield obtenido
    finally:
        if obtenido:
            try:
                with conexion.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [clave])
            except DatabaseError:
                # La conexión se cayó (el candado se fue con ella) o quedó en una transacción
                # abortada: se cierra para que el candado no sobreviva en una conexión reutilizada.
                log.warning("No se pudo soltar el candado %s; se cierra la conexión.", clave, exc_info=True)
                conexion.close()


def esta_libre(clave: int, *, using: str = "default") -> bool:
    """True si nadie tiene el candado en este momento (lo toma y lo suelta enseguida)."""
    with candado(clave, using=using) as obtenido:
        return obtenido
