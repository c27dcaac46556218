"""Salud del proceso para los orquestadores (docker compose, balanceadores).

- `/salud/vivo`: el proceso atiende (pasa por toda la pila de middleware) y no toca la base:
  un PostgreSQL caído no debe hacer que reinicien todos los web a la vez.
- `/salud/listo`: puede atender de verdad: la base responde `SELECT 1` (si no, 503). Redis (caché
  y broker, si están configurados) se comprueba con PING y se informa, pero su caída deja el
  servicio «degradado» con 200: las páginas se calculan desde la base y las tareas esperan en la
  bandeja de salida, así que sacar de servicio a todos los web por un Redis caído haría más daño.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
ESPERA_REDIS_S = 1.0
ESQUEMAS_REDIS = ("redis://", "rediss://", "unix://")


def _base_de_datos() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _urls_redis() -> dict[str, str]:
    """Las URL de Redis configuradas, por nombre de comprobación."""
    urls = {}
    ubicacion = settings.CACHES.get("default", {}).get("LOCATION") or ""
    ubicacion = ubicacion[0] if isinstance(ubicacion, list | tuple) else ubicacion
    if ubicacion.startswith(ESQUEMAS_REDIS):
        urls["cache"] = ubicacion
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker.startswith(ESQUEMAS_REDIS):
        urls["broker"] = broker
    return urls


def _redis(url: str) -> None:
    import redis

    cliente = redis.Redis.from_url(url, socket_timeout=ESPERA_REDIS_S, socket_connect_timeout=ESPERA_REDIS_S)
    try:
        if not cliente.ping():
            raise RuntimeError("PING sin respuesta")
    finally:
        cliente.close()


def comprobaciones() -> dict[str, dict]:
    """Cada dependencia con su estado ("ok" o "falla"), el error breve y lo que tardó en ms."""
    pendientes = {"base_de_datos": _base_de_datos}
    for nombre, url in _urls_redis().items():
        pendientes[nombre] = lambda url=url: _redis(url)
    resultado = {}
    for nombre, comprobar in pendientes.items():
        inicio = time.monotonic()
        try:
            comprobar()
        except Exception as error:  # noqa: BLE001 - cualquier falla se informa
            logger.warning("Salud: %s no responde: %s", nombre, error)
            resultado[nombre] = {"estado": "falla", "error": type(error).__name__}
        else:
            resultado[nombre] = {"estado": "ok"}
        resultado[nombre]["ms"] = round((time.monotonic() - inicio) * 1000, 1)
    return resultado


@never_cache
@require_GET
def vivo(request):
    return JsonResponse({"estado": "ok"})


@never_cache
@require_GET
def listo(request):
    resultado = comprobaciones()
    if resultado["base_de_datos"]["estado"] != "ok":
        return JsonResponse({"estado": "falla", "comprobaciones": resultado}, status=503)
    bien = all(c["estado"] == "ok" for c in resultado.values())
    return JsonResponse({"estado": "ok" if bien else "degradado", "comprobaciones": resultado})
