"""`incr` de la caché sobre el Redis de las pruebas: una ida y vuelta, el mismo contrato que el de Django
(ValueError si la clave no existe) y sin recrear sin vencimiento una clave que venció (att/cache.py)."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches
from redis.connection import Connection

from att.cache import RedisTolerante

pytestmark = pytest.mark.integration


@pytest.fixture
def cache():
    return caches["default"]


@pytest.fixture
def redis_de_la_cache(cache):
    assert isinstance(cache, RedisTolerante), "make test-integracion apunta CACHE_URL al Redis de las pruebas"
    cliente = cache._cache.get_client(write=True)
    yield cliente
    cache.delete_many(["att:prueba:incr", "att:prueba:incr-vencida"])


def test_incr_sube_conserva_el_vencimiento_y_cuesta_un_comando(cache, redis_de_la_cache, monkeypatch):
    cache.set("att:prueba:incr", 5, timeout=120)
    clave = cache.make_key("att:prueba:incr")
    cache.incr("att:prueba:incr")  # 6; el primero registra el script (SCRIPT LOAD tras NOSCRIPT)
    enviados = []
    enviar = Connection.send_command
    monkeypatch.setattr(Connection, "send_command", lambda self, *a, **k: (enviados.append(a[0]), enviar(self, *a, **k))[1])
    assert cache.incr("att:prueba:incr", 3) == 9
    monkeypatch.undo()
    assert enviados == ["EVALSHA"]  # Django mandaba EXISTS y después INCRBY
    assert cache.get("att:prueba:incr") == 9
    assert 0 < redis_de_la_cache.ttl(clave) <= 120


def test_incr_de_una_clave_que_no_existe_es_value_error_y_no_la_crea(cache, redis_de_la_cache):
    with pytest.raises(ValueError, match="att:prueba:incr-vencida"):
        cache.incr("att:prueba:incr-vencida")
    assert redis_de_la_cache.exists(cache.make_key("att:prueba:incr-vencida")) == 0


def test_una_clave_que_vence_no_renace_sin_vencimiento(cache, redis_de_la_cache):
    cache.set("att:prueba:incr-vencida", 1, timeout=1)
    time.sleep(1.2)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("att:prueba:incr-vencida")
    assert redis_de_la_cache.ttl(cache.make_key("att:prueba:incr-vencida")) == -2  # no existe


def test_con_redis_detenido_incr_es_value_error(cache, redis_de_la_cache, redis_controlado):
    cache.set("att:prueba:incr", 1, timeout=60)
    redis_controlado.detener()
    try:
        with pytest.raises(ValueError, match="not found"):
            cache.incr("att:prueba:incr")
    finally:
        cache.cortacircuitos._abierto_hasta = 0.0  # la prueba siguiente no hereda la pausa tras el fallo
