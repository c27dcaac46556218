"""Cabeceras de seguridad y límite de tamaño de la solicitud (OWASP ASVS L2).

- `LimiteSolicitudMiddleware` responde 413 a una solicitud cuyo `Content-Length` supera
  `ATT_SOLICITUD_MAX_BYTES` antes de leer el cuerpo. Una solicitud sin `Content-Length` (p. ej.
  `Transfer-Encoding: chunked`) no llega a leerse: Django trata su cuerpo como vacío. Los campos
  que no son archivos quedan además acotados por `DATA_UPLOAD_MAX_MEMORY_SIZE`, y los archivos se
  copian por partes a un temporal (no a memoria) y los valida `ATT_ADJUNTO_MAX_BYTES`.
- `PermissionsPolicyMiddleware` pone `Permissions-Policy` en toda respuesta: la plataforma no usa
  cámara, micrófono, ubicación, pagos ni USB.
- `SinCacheMiddleware` marca `Cache-Control: private, no-store` toda respuesta a una persona
  autenticada y toda descarga de archivo; las páginas públicas para anónimos conservan su caché.
- `publica_para_anonimos(segundos)` marca `Cache-Control: public, max-age` las páginas públicas que son
  iguales para todo anónimo (portada, repositorio): un proxy o el navegador las reutilizan un momento.
- `comprimir_pagina` / `respuesta_comprimida`: una página ya pintada para los anónimos se guarda
  comprimida con gzip una vez; al que acepta gzip (todo navegador) se le da tal cual, sin que
  `GZipMiddleware` la vuelva a comprimir en cada visita (comprimir 36 KB costaba más que servirla).
La Content-Security-Policy la pone django-csp (`csp.middleware.CSPMiddleware`, ajustes en settings).
"""

from __future__ import annotations

import gzip
import json
import re

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

PERMISSIONS_POLICY = ", ".join(
    f"{funcion}=()" for funcion in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "hid", "interest-cohort", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "sync-xhr", "usb", "xr-spatial-tracking",
    )
)


def _longitud(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None


class LimiteSolicitudMiddleware:
    """413 a una solicitud más grande que `ATT_SOLICITUD_MAX_BYTES`, sin leer su cuerpo."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limite = settings.ATT_SOLICITUD_MAX_BYTES
        longitud = _longitud(request)
        if limite and longitud is not None and longitud > limite:
            return self.demasiado_grande(request, limite)
        return self.get_response(request)

    @staticmethod
    def demasiado_grande(request, limite: int) -> HttpResponse:
        mensaje = _("La solicitud es demasiado grande: el máximo es %(mb)s MB. "
                    "Los archivos adjuntos no pueden superar %(adjunto)s MB.") % {
            "mb": limite // (1024 * 1024), "adjunto": settings.ATT_ADJUNTO_MAX_BYTES // (1024 * 1024),
        }
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            respuesta = HttpResponse(json.dumps({"detail": mensaje}, ensure_ascii=False), status=413,
                                     content_type="application/json; charset=utf-8")
        else:
            respuesta = HttpResponse(mensaje, status=413, content_type="text/plain; charset=utf-8")
        return respuesta


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        respuesta.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return respuesta


def es_descarga(respuesta) -> bool:
    return isinstance(respuesta, FileResponse) or respuesta.get(
        "Content-Disposition", "").lower().startswith("attachment")


class SinCacheMiddleware:
    """`Cache-Control: private, no-store` a lo privado: personas autenticadas y descargas.

    Va después de AuthenticationMiddleware (y de WhiteNoise): los estáticos no pasan por aquí y
    conservan su caché larga. Con la API, DRF deja en `request.user` a quien se autenticó por token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        usuario = getattr(request, "user", None)
        if es_descarga(respuesta) or (usuario is not None and usuario.is_authenticated):
            respuesta["Cache-Control"] = "private, no-store"
            del respuesta["Expires"]
        return respuesta


def _propio_de_la_persona(request) -> bool:
    """¿La respuesta puede llevar algo de esta persona? Sesión iniciada, avisos pendientes (p. ej. «cerró su
    sesión»), un token CSRF pedido o una sesión que cambió."""
    from django.contrib import messages

    usuario = getattr(request, "user", None)
    avisos = messages.get_messages(request)
    return bool(
        (usuario is not None and usuario.is_authenticated)
        or getattr(avisos, "_loaded_data", None) or getattr(avisos, "_queued_messages", None)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(getattr(request, "session", None), "modified", False)
    )


def igual_para_todo_anonimo(request) -> bool:
    """¿La página que recibe es la misma que la de cualquier otro anónimo? Sin sesión iniciada ni avisos;
    los parámetros, si los hay, van en la clave de quien la guarde (el enlace «Ingresar» lleva la dirección)."""
    return not _propio_de_la_persona(request)


def publica_para_anonimos(segundos: int):
    """Decorador de vista: a un anónimo, `Cache-Control: public, max-age=<segundos>` y `Vary: Cookie` (quien
    tiene sesión nunca recibe la copia de un anónimo). No se marca si la respuesta lleva algo de esa persona
    (`_propio_de_la_persona`) ni lo que no es un 200. A una persona autenticada, `SinCacheMiddleware` le
    pone de todos modos `private, no-store`."""
    from functools import wraps

    from django.utils.cache import patch_cache_control, patch_vary_headers

    def decorador(vista):
        @wraps(vista)
        def envoltura(request, *args, **kwargs):
            respuesta = vista(request, *args, **kwargs)
            if respuesta.status_code == 200 and not _propio_de_la_persona(request):
                patch_cache_control(respuesta, public=True, max_age=segundos)
            patch_vary_headers(respuesta, ("Cookie",))
            return respuesta

        return envoltura

    return decorador


_ACEPTA_GZIP = re.compile(r"\bgzip\b")


def comprimir_pagina(html: str) -> bytes:
    """La página como se guarda en la caché: gzip (nivel 9, sin fecha: la misma página da los mismos bytes)."""
    return gzip.compress(html.encode(), compresslevel=9, mtime=0)


def respuesta_comprimida(request, comprimida: bytes) -> HttpResponse:
    """La página guardada por `comprimir_pagina`: tal cual, con `Content-Encoding: gzip`, a quien acepta
    gzip; descomprimida a quien no. `Vary: Accept-Encoding` en ambos casos (un proxy no las cruza)."""
    from django.utils.cache import patch_vary_headers

    if _ACEPTA_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        respuesta = HttpResponse(comprimida)
        respuesta["Content-Encoding"] = "gzip"
    else:
        respuesta = HttpResponse(gzip.decompress(comprimida))
    patch_vary_headers(respuesta, ("Accept-Encoding",))
    return respuesta
