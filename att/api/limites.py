"""Límites de peticiones de la API que fallan abiertos: si la caché (Redis) no responde, la
petición pasa y queda una línea en el registro; nunca un 500 por el limitador.

Cuentan por ventana fija: un contador por (quién, ventana) que sube con `incr`. El limitador de DRF
(`SimpleRateThrottle`) guarda la lista de las horas de cada petición de la última ventana y la lee y
reescribe entera en cada petición: con 1.200/min, un integrador activo movía hasta 1.200 números de ida
y otros tantos de vuelta por petición, y el costo crecía con el límite. La ventana fija deja pasar hasta
el doble del límite en el borde entre dos ventanas (lo habitual en este tipo de limitador).

Con límites altos, cada proceso junta sus peticiones y las suma al contador de Redis de a varias
(`lote_de`: una centésima del límite, hasta `LOTE_MAXIMO`): entre dos sumas decide con el último total
que leyó más lo que lleva sin enviar. Así la API de un integrador no paga una ida a Redis en cada petición
(~5 % de una página de 50 ofertas); a cambio, cada proceso puede dejar pasar hasta `lote - 1` peticiones de
más (con 1.200/min y 2 workers, ≤ 22: un 1,8 % del límite) y lo que no alcanzó a enviar al cambiar la
ventana no cuenta. Con límites de menos de 200 por ventana (el anónimo: 120/min) el lote es 1: cada
petición se cuenta en Redis, como antes."""

from __future__ import annotations

import logging
import threading
import time

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from att.cache import errores_de_conexion
from att.memoria import MemoriaAcotada

logger = logging.getLogger("att.api.limites")

# Un aviso por proceso cada tantos segundos mientras dure el corte (no uno por petición).
SEGUNDOS_ENTRE_AVISOS = 60.0
_ultimo_aviso = [0.0]

LOTE_MAXIMO = 16
# {clave del contador (quién y ventana): [total leído de Redis, peticiones sin enviar]}; una sola ventana por
# quién importa, así que al llenarse se vacía entera (se pierden a lo sumo `lote - 1` por entrada).
_local = MemoriaAcotada(10_000)
_candado = threading.Lock()


def lote_de(num_requests: int) -> int:
    """Cuántas peticiones junta un proceso antes de sumarlas en Redis: 1 (todas) si el límite es menor de 200."""
    return max(1, min(LOTE_MAXIMO, num_requests // 100))


def olvidar_cuentas_locales() -> None:
    """Vacía las cuentas sin enviar de este proceso (pruebas)."""
    with _candado:
        _local.vaciar()


class _VentanaFija:
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        ventana = int(self.now // self.duration)
        self.fin_ventana = (ventana + 1) * self.duration
        clave = f"{self.key}:v{ventana}"
        lote = lote_de(self.num_requests)
        if lote > 1:
            with _candado:
                cuenta = _local.get(clave)
                if cuenta is not None and cuenta[1] + 1 < lote:
                    cuenta[1] += 1
                    return cuenta[0] + cuenta[1] <= self.num_requests
                delta = 1 + (cuenta[1] if cuenta is not None else 0)
                if cuenta is not None:
                    cuenta[1] = 0  # en camino: si Redis falla, se pierden (la petición pasa igual)
        else:
            delta = 1
        total = self._sumar(clave, delta)
        if total is None:  # la caché no guarda nada (caída, tolerante): se deja pasar
            return True
        if lote > 1:
            with _candado:
                cuenta = _local.get(clave) or _local.guardar(clave, [0, 0])
                cuenta[0] = max(cuenta[0], total)
        return total <= self.num_requests

    def _sumar(self, clave: str, delta: int) -> int | None:
        """Suma `delta` al contador de la ventana en la caché y da el total (None si la caché no guarda)."""
        try:
            return self.cache.incr(clave, delta)
        except ValueError:  # la primera de la ventana (o la caché la perdió)
            if self.cache.add(clave, delta, timeout=int(self.duration) + 1):
                return delta
            try:
                return self.cache.incr(clave, delta)
            except ValueError:
                return None

    def wait(self):
        """Segundos hasta la próxima ventana (la cabecera Retry-After del 429)."""
        return max(0.0, self.fin_ventana - self.timer())


class _FallaAbierta(_VentanaFija):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except errores_de_conexion() as error:
            ahora = time.monotonic()
            if ahora - _ultimo_aviso[0] >= SEGUNDOS_ENTRE_AVISOS:
                _ultimo_aviso[0] = ahora
                logger.warning("Límite de peticiones sin caché (%s): se deja pasar la petición.", error)
            return True


class LimiteAnonimo(_FallaAbierta, AnonRateThrottle):
    """`AnonRateThrottle` que deja pasar la petición si la caché no responde."""


class LimiteUsuario(_FallaAbierta, UserRateThrottle):
    """`UserRateThrottle` que deja pasar la petición si la caché no responde."""
