"""Caché en Redis que falla abierta: si Redis no responde, la plataforma sigue sirviendo desde la
base de datos.

Con Redis caído, `get` es un fallo de caché, `set`/`delete` no hacen nada y se registra una línea
de aviso (una por corte, no una por petición). Mientras dura el corte, un cortacircuitos deja de
intentar durante unos segundos para que una página no pague varios tiempos de espera seguidos.
Nunca se guarda una copia en memoria del proceso: quedaría desactualizada frente a los demás
procesos y al volver Redis.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("att.cache")


def url_cache_del_broker(broker: str, *, ocupadas: tuple[str, ...] = (), base: int | None = None) -> str:
    """La caché compartida en el mismo Redis del broker de Celery, en otra base: la de `base`, o la primera
    desde la 2 que no usen el broker ni las URLs de `ocupadas` (el backend de resultados). "" si el broker
    no es Redis (la caché queda en memoria del proceso)."""
    from urllib.parse import urlsplit, urlunsplit

    partes = urlsplit(broker)
    if partes.scheme not in ("redis", "rediss"):
        return ""

    def numero(url: str) -> int | None:
        p = urlsplit(url)
        if p.scheme not in ("redis", "rediss") or p.netloc != partes.netloc:
            return None
        ruta = p.path.strip("/")
        return int(ruta) if ruta.isdigit() else 0

    usadas = {n for n in (numero(broker), *map(numero, ocupadas)) if n is not None}
    if base is None:
        base = next(n for n in range(2, 16) if n not in usadas)
    esquema = "rediscache" if partes.scheme == "redis" else "rediss"
    return urlunsplit((esquema, partes.netloc, f"/{base}", "", ""))


def errores_de_conexion() -> tuple[type[BaseException], ...]:
    """Errores que significan «Redis no está» (no errores de uso, que sí deben verse)."""
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class Cortacircuitos:
    """Tras un error de conexión, evita nuevos intentos durante `pausa` segundos (por proceso)."""

    def __init__(self, nombre: str, pausa: float, registro: logging.Logger = logger):
        self.nombre = nombre
        self.pausa = pausa
        self.registro = registro
        self._abierto_hasta = 0.0
        self._caido = False
        self._cerrojo = threading.Lock()

    def abierto(self) -> bool:
        return time.monotonic() < self._abierto_hasta

    def fallo(self, error: BaseException) -> None:
        with self._cerrojo:
            self._abierto_hasta = time.monotonic() + self.pausa
            avisar, self._caido = not self._caido, True
        if avisar:
            self.registro.warning("%s no responde (%s): se omite y se reintenta en %.0f s.", self.nombre, error, self.pausa)

    def exito(self) -> None:
        if self._caido:
            with self._cerrojo:
                recuperado, self._caido = self._caido, False
            if recuperado:
                self.registro.warning("%s responde de nuevo.", self.nombre)


class ClienteRedisReutilizado(RedisCacheClient):
    """El cliente de Django crea un `redis.Redis` nuevo en cada operación (`get_client`), y en redis-py 5
    armarlo copia ~170 funciones de respuesta: ~0,3 ms por `get`, más que la ida y vuelta a Redis en
    loopback. Aquí se crea uno por pool y se reutiliza: `redis.Redis` no guarda estado por operación (cada
    comando toma y devuelve una conexión del pool, que es seguro entre hilos)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clientes = {}  # id del pool: (cliente, su script de `incr`)

    def _cliente_y_script(self, write: bool):
        pool = self._get_connection_pool(write)
        par = self._clientes.get(id(pool))
        if par is None or par[0].connection_pool is not pool:
            cliente = self._client(connection_pool=pool)
            # `register_script` no habla con Redis: solo calcula el resumen del script.
            par = self._clientes[id(pool)] = (cliente, cliente.register_script(_INCR_SI_EXISTE))
        return par

    def get_client(self, key=None, *, write=False):
        return self._cliente_y_script(write)[0]

    def incr(self, key, delta):
        """Lo mismo que el de Django (ValueError si la clave no existe), en **una** ida y vuelta y sin
        carrera: Django pregunta `EXISTS` y luego hace `INCRBY`; si la clave vencía entre las dos,
        `INCRBY` la recreaba sin vencimiento (un contador de ventana del limitador de la API que no
        se iba nunca). Aquí un script de Lua hace las dos cosas en Redis, de forma atómica; redis-py
        lo envía por su resumen (`EVALSHA`) y lo carga solo la primera vez."""
        _, script = self._cliente_y_script(write=True)
        resultado = script(keys=[key], args=[delta])
        if resultado is None:
            raise ValueError(f"Key '{key}' not found.")
        return resultado


# Nil si la clave no existe; si existe, INCRBY (conserva su vencimiento).
_INCR_SI_EXISTE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisTolerante(RedisCache):
    """`RedisCache` con tiempos de espera cortos que trata un Redis caído como caché vacía.

    OPCIONES propias (además de las de redis-py): `PAUSA_TRAS_FALLO` (segundos sin intentar tras un
    error, 5 por defecto). Por defecto `socket_connect_timeout` y `socket_timeout` de 0,5 s."""

    def __init__(self, server, params):
        params = dict(params)
        opciones = dict(params.get("OPTIONS") or {})
        pausa = float(opciones.pop("PAUSA_TRAS_FALLO", 5))
        opciones.setdefault("socket_connect_timeout", 0.5)
        opciones.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = opciones
        super().__init__(server, params)
        self._class = ClienteRedisReutilizado  # `RedisCache.__init__` pone el de Django
        self.cortacircuitos = Cortacircuitos(f"Redis de la caché ({server})", pausa)
        self._errores = errores_de_conexion()

    def validate_key(self, key):
        """Sin los avisos de memcached: Redis acepta cualquier clave. Django revisa cada carácter de
        cada clave en Python (unas 5.500 vueltas por página de la API, con 50 filas guardadas); las
        pruebas corren con la caché en memoria, que sí avisa, así que una clave que no sirviera en
        memcached igual se vería allí."""

    def _tolerar(self, operacion, si_falla, *args, **kwargs):
        if self.cortacircuitos.abierto():
            return si_falla
        try:
            resultado = operacion(*args, **kwargs)
        except self._errores as error:
            self.cortacircuitos.fallo(error)
            return si_falla
        self.cortacircuitos.exito()
        return resultado

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerar(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._tolerar(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerar(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerar(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerar(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._tolerar(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._tolerar(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # Sin Redis la clave «no existe»: quien llama ya maneja ValueError (p. ej., la recrea).
        faltante = object()
        resultado = self._tolerar(super().incr, faltante, key, delta, version)
        if resultado is faltante:
            raise ValueError(f"Key '{key}' not found.")
        return resultado

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerar(super().set_many, None, data, timeout, version)
        return []

    def delete_many(self, keys, version=None):
        self._tolerar(super().delete_many, None, keys, version)

    def clear(self):
        return self._tolerar(super().clear, False)
