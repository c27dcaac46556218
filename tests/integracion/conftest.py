"""Un Redis propio de las pruebas de integración, en otro puerto, para poder detenerlo de verdad.

`make test-integracion` lo arranca (puerto ATT_REDIS_PRUEBAS_PUERTO, 6391 por defecto) y apunta a
él el broker, el backend de resultados y la caché. Las pruebas de fallas lo detienen con
`redis_controlado.detener()` y lo vuelven a arrancar con `.arrancar()`; al terminar cada prueba
queda arriba otra vez. El Redis de la máquina (6379) nunca se toca.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
import redis

PUERTO = int(os.environ.get("ATT_REDIS_PRUEBAS_PUERTO", "6391"))


class RedisControlado:
    def __init__(self, puerto: int):
        self.puerto = puerto

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.puerto}/{db}"

    def responde(self) -> bool:
        r = subprocess.run(["redis-cli", "-p", str(self.puerto), "ping"], check=False, capture_output=True, text=True)
        return r.stdout.strip() == "PONG"

    def arrancar(self) -> None:
        if self.responde():
            return
        servidor = shutil.which("redis-server") or "/usr/bin/redis-server"
        subprocess.run(
            [servidor, "--port", str(self.puerto), "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "",
             "--appendonly", "no", "--dir", "/tmp", "--pidfile", f"/tmp/att-redis-{self.puerto}.pid",
             "--logfile", f"/tmp/att-redis-{self.puerto}.log"],
            check=True,
        )
        limite = time.monotonic() + 20
        while not self.responde():
            if time.monotonic() > limite:
                raise RuntimeError(f"Redis de pruebas no arrancó en el puerto {self.puerto}")
            time.sleep(0.1)

    def detener(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.puerto), "shutdown", "nosave"], check=False, capture_output=True)
        limite = time.monotonic() + 20
        while self.responde():
            if time.monotonic() > limite:
                raise RuntimeError(f"Redis de pruebas no se detuvo en el puerto {self.puerto}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def _redis_de_pruebas():
    redis = RedisControlado(PUERTO)
    redis.arrancar()
    return redis


@pytest.fixture
def redis_controlado(_redis_de_pruebas):
    """El Redis de las pruebas (broker, resultados y caché); se puede detener dentro de la prueba."""
    _redis_de_pruebas.arrancar()
    yield _redis_de_pruebas
    _redis_de_pruebas.arrancar()


@pytest.fixture(autouse=True)
def _worker_en_reposo_antes_de_vaciar(_django_db_marker):
    """Al terminar cada prueba, espera a que el worker de la sesión acabe las tareas que la prueba
    pidió (por la bandeja de salida) antes de que pytest-django vacíe la base con TRUNCATE: si una
    tarea siguiera leyendo tablas, el TRUNCATE y ella se bloquearían entre sí (deadlock) y la prueba
    siguiente heredaría las filas. Depende del marcador de la base para desmontarse antes que ella."""
    yield
    from tests.conftest import _WORKER_DE_SESION, tareas_pendientes_del_worker_de_sesion

    if not _WORKER_DE_SESION or _WORKER_DE_SESION[0].poll() is not None:
        return
    limite = time.monotonic() + 60
    while True:
        try:
            pendientes = tareas_pendientes_del_worker_de_sesion()
        except redis.RedisError:  # Redis detenido por la prueba: el worker no recibe nada nuevo
            return
        if not pendientes:
            return
        if time.monotonic() > limite:
            pytest.fail(f"El worker de la sesión no terminó {pendientes} tareas en 60 s.")
        time.sleep(0.1)
