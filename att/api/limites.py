"""Límites de peticiones de la API que fallan abiertos: si la caché (Redis) no responde, la
petición pasa y queda una línea en el registro; nunca un 500 por el limitador."""

from __future__ import annotations

import logging
import time

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from att.cache import errores_de_conexion

logger = logging.getLogger("att.api.limites")

# Un aviso por proceso cada tantos segundos mientras dure el corte (no uno por petición).
SEGUNDOS_ENTRE_AVISOS = 60.0
_ultimo_aviso = [0.0]


class _FallaAbierta:
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
