"""Límites de peticiones de la API que fallan abiertos: si la caché (Redis) no responde, la
petición pasa y queda una línea en el registro; nunca un 500 por el limitador.

Cuentan por ventana fija: un contador por (quién, ventana) que sube con `incr`. El limitador de DRF
(`SimpleRateThrottle`) guarda la lista de las horas de cada petición de la última ventana y la lee y
reescribe entera en cada petición: con 1.200/min, un integrador activo movía hasta 1.200 números de ida
y otros tantos de vuelta por petición, y el costo crecía con el límite. La ventana fija deja pasar hasta
el doble del límite en el borde entre dos ventanas (lo habitual en este tipo de limitador)."""

from __future__ import annotations

import logging
import time

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from att.cache import errores_de_conexion

logger = logging.getLogger("att.api.limites")

# Un aviso por proceso cada tantos segundos mientras dure el corte (no uno por petición).
SEGUNDOS_ENTRE_AVISOS = 60.0
_ultimo_aviso = [0.0]


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
        try:
            cuenta = self.cache.incr(clave)
        except ValueError:  # la primera de la ventana (o la caché la perdió)
            if self.cache.add(clave, 1, timeout=int(self.duration) + 1):
                cuenta = 1
            else:
                try:
                    cuenta = self.cache.incr(clave)
                except ValueError:  # la caché no guarda nada (caída, tolerante): se deja pasar
                    return True
        return cuenta <= self.num_requests

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
