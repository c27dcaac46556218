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
- `GZipMiddleware`: el de Django (mismas reglas, mismo relleno al azar contra BREACH) con el deflate
  de zlib-ng en lugar del zlib del sistema, a nivel 3 (ver `_NIVEL_GZIP`); las descargas en flujo, a 6.
La Content-Security-Policy la pone django-csp (`csp.middleware.CSPMiddleware`, ajustes en settings).
"""

from __future__ import annotations

import gzip
import json
import re
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.middleware.gzip import GZipMiddleware as GZipMiddlewareDjango
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

# zlib-ng (https://github.com/zlib-ng/zlib-ng, enlazado por python-zlib-ng): el deflate de zlib con las
# rutas vectorizadas de los procesadores actuales. Mismo formato (RFC 1950–1952) y mismos niveles; a nivel
# 6, sobre una página de 50 ofertas de la API (87 KB de JSON), 7.174 bytes en 0,42 ms contra 7.208 bytes en
# 0,95 ms de zlib; sobre una página del portal (29 KB), 0,18 contra 0,35 ms.
from zlib_ng import zlib_ng as zlib

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
    if _ACEPTA_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        respuesta = HttpResponse(comprimida)
        respuesta["Content-Encoding"] = "gzip"
    else:
        respuesta = HttpResponse(gzip.decompress(comprimida))
    patch_vary_headers(respuesta, ("Accept-Encoding",))
    return respuesta


# --- Páginas con una parte ya comprimida ----------------------------------------------------------
# El cuerpo del tablero del DNP (130 KB de tablas y gráficos) es el mismo para todos y se guarda en la
# caché; el encabezado (nombre, alertas sin leer, token CSRF) es de cada persona. Antes `GZipMiddleware`
# comprimía la página entera en cada visita (~2 ms de CPU, más que todo lo demás del tablero caliente).
# Ahora el cuerpo se guarda ya comprimido como un tramo de deflate crudo que termina en un vaciado de
# sincronización (alineado a byte, sin bloque final ni referencias hacia atrás fuera de sí mismo), y en
# cada visita solo se comprime lo de la persona y se pegan los tramos: un flujo deflate válido (RFC 1951)
# dentro de un gzip (RFC 1952) cuyo CRC-32 se combina con el del cuerpo sin volver a leerlo.
_POLINOMIO_CRC = 0xEDB88320  # CRC-32 de gzip, en la representación reflejada (la de zlib)
_MAX_BYTES_AL_AZAR = 100  # relleno del encabezado contra BREACH, como `GZipMiddleware.max_random_bytes`


def _multiplicar_mod_crc(a: int, b: int) -> int:
    """a(x)·b(x) módulo el polinomio del CRC-32, en representación reflejada (el bit 31 es x⁰)."""
    producto, bit = 0, 1 << 31
    while bit:
        if a & bit:
            producto ^= b
        b = (b >> 1) ^ _POLINOMIO_CRC if b & 1 else b >> 1
        bit >>= 1
    return producto


def _x_a_la(n: int) -> int:
    """xⁿ módulo el polinomio del CRC-32 (cuadrados sucesivos)."""
    resultado, base = 1 << 31, 1 << 30  # x⁰ y x¹
    while n:
        if n & 1:
            resultado = _multiplicar_mod_crc(resultado, base)
        base = _multiplicar_mod_crc(base, base)
        n >>= 1
    return resultado


def combinar_crc32(crc_a: int, crc_b: int, operador_b: int) -> int:
    """CRC-32 de A seguido de B, conocidos el de A, el de B y `operador_b` = x^(8·len(B)) (ver `Tramo`)."""
    return _multiplicar_mod_crc(operador_b, crc_a) ^ crc_b


@dataclass(frozen=True)
class Tramo:
    """Un texto comprimido una vez para pegarlo dentro de muchas respuestas gzip (`respuesta_con_tramo`)."""

    deflate: bytes  # deflate crudo que termina en Z_SYNC_FLUSH (sin bloque final)
    crc: int
    largo: int  # bytes sin comprimir (UTF-8)
    operador: int  # x^(8·largo) módulo el polinomio: combina el CRC sin recorrer el texto

    @classmethod
    def de_texto(cls, texto: str, nivel: int = 9) -> Tramo:
        crudo = texto.encode()
        compresor = zlib.compressobj(nivel, zlib.DEFLATED, -15)
        deflate = compresor.compress(crudo) + compresor.flush(zlib.Z_SYNC_FLUSH)
        return cls(deflate, zlib.crc32(crudo), len(crudo), _x_a_la(8 * len(crudo)))

    def texto(self) -> str:
        return zlib.decompressobj(-15).decompress(self.deflate).decode()


def _encabezado_gzip() -> bytes:
    """Encabezado gzip sin fecha y con un nombre de archivo de 1 a 100 bytes al azar (lo que hace
    `GZipMiddleware` desde Django 4.2 contra BREACH: el largo de la respuesta deja de delatar el token CSRF)."""
    nombre = secrets.token_bytes(secrets.randbelow(_MAX_BYTES_AL_AZAR) + 1).replace(b"\x00", b"") + b"\x00"
    return b"\x1f\x8b\x08" + bytes([gzip.FNAME]) + b"\x00\x00\x00\x00\x00\xff" + nombre


def gzip_con_tramo(antes: str, tramo: Tramo, despues: str) -> bytes:
    """gzip de `antes + tramo + despues`: solo se comprimen `antes` y `despues`."""
    crudo_antes, crudo_despues = antes.encode(), despues.encode()
    primero = zlib.compressobj(_NIVEL_GZIP, zlib.DEFLATED, -15)  # lo de cada visita, como GZipMiddleware
    ultimo = zlib.compressobj(_NIVEL_GZIP, zlib.DEFLATED, -15)
    crc = zlib.crc32(crudo_despues, combinar_crc32(zlib.crc32(crudo_antes), tramo.crc, tramo.operador))
    largo = len(crudo_antes) + tramo.largo + len(crudo_despues)
    return b"".join((
        _encabezado_gzip(),
        primero.compress(crudo_antes), primero.flush(zlib.Z_SYNC_FLUSH),
        tramo.deflate,
        ultimo.compress(crudo_despues), ultimo.flush(zlib.Z_FINISH),
        struct.pack("<II", crc, largo & 0xFFFFFFFF),
    ))


MARCA_TRAMO = "<!--att:tramo:" + secrets.token_hex(8) + "-->"


def respuesta_con_tramo(request, pagina: str, tramo: Tramo) -> HttpResponse:
    """La página `pagina` (ya pintada con `MARCA_TRAMO` donde va el tramo) con el tramo dentro: gzip pegado
    a quien acepta gzip, texto entero a quien no. `GZipMiddleware` no la vuelve a comprimir (ya trae
    `Content-Encoding`)."""
    antes, _marca, despues = pagina.partition(MARCA_TRAMO)
    if not _marca:
        raise ValueError("La página no tiene la marca del tramo.")
    if _ACEPTA_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        respuesta = HttpResponse(gzip_con_tramo(antes, tramo, despues))
        respuesta["Content-Encoding"] = "gzip"
    else:
        respuesta = HttpResponse(antes + tramo.texto() + despues)
    patch_vary_headers(respuesta, ("Accept-Encoding",))
    return respuesta


# --- gzip de cada respuesta --------------------------------------------------------------------------
# Nivel de lo que se comprime entero en cada solicitud: 3, no el 6 de Django (`compress_string`). Con zlib-ng,
# sobre la página de 50 ofertas de la API (87 KB de JSON) el 6 da 7.127 bytes en 0,27 ms y el 3, 8.491 bytes en
# 0,17 ms; sobre una página del portal (27 KB), 4.638 bytes en 0,11 ms contra 4.834 en 0,08 ms (+4 %: unos 200
# bytes en un enlace lento). A 8 conexiones la API sirvió ~8 % más solicitudes por segundo con el 3 (mediana de
# 5 corridas, 547 → 591 req/s, 3 de diciembre). Los niveles 1 y 2 ahorran poco más CPU con 13–69 % más bytes.
_NIVEL_GZIP = 3
# Las descargas en flujo (exportaciones: CSV de megas que se bajan una vez) siguen en 6: ahí pesan los bytes.
_NIVEL_FLUJO = 6


def _cola_gzip(crc: int, largo: int) -> bytes:
    return struct.pack("<II", crc, largo & 0xFFFFFFFF)


def comprimir_gzip(datos: bytes) -> bytes:
    """gzip de `datos` como `django.utils.text.compress_string` (sin fecha, nombre de archivo al azar en el
    encabezado contra BREACH), con el deflate de zlib-ng y a nivel `_NIVEL_GZIP` (3, no 6)."""
    compresor = zlib.compressobj(_NIVEL_GZIP, zlib.DEFLATED, -15)
    return b"".join((_encabezado_gzip(), compresor.compress(datos), compresor.flush(zlib.Z_FINISH),
                     _cola_gzip(zlib.crc32(datos), len(datos))))


def comprimir_flujo(partes: Iterable[bytes]) -> Iterator[bytes]:
    """gzip de un cuerpo en flujo, parte por parte, como `django.utils.text.compress_sequence`: el
    encabezado sale enseguida (primer byte sin esperar al cuerpo) y cada parte sale comprimida en cuanto
    el compresor la suelta (sin vaciarlo en cada parte, que agrandaría el archivo)."""
    yield _encabezado_gzip()
    compresor = zlib.compressobj(_NIVEL_FLUJO, zlib.DEFLATED, -15)
    crc = largo = 0
    for parte in partes:
        crc = zlib.crc32(parte, crc)
        largo += len(parte)
        salida = compresor.compress(parte)
        if salida:
            yield salida
    yield compresor.flush(zlib.Z_FINISH) + _cola_gzip(crc, largo)


class GZipMiddleware(GZipMiddlewareDjango):
    """`django.middleware.gzip.GZipMiddleware` con el deflate de zlib-ng (ver `comprimir_gzip`): las mismas
    reglas (no comprime lo corto, lo ya codificado ni a quien no acepta gzip; solo si sale más corto;
    `Vary: Accept-Encoding`; ETag débil) y el mismo relleno al azar del encabezado. Las respuestas en flujo
    asíncronas (la plataforma no las da) siguen con el de Django."""

    def process_response(self, request, response):
        if response.streaming and response.is_async:
            return super().process_response(request, response)
        if not response.streaming and len(response.content) < 200:
            return response
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not _ACEPTA_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        if response.streaming:
            response.streaming_content = comprimir_flujo(response.streaming_content)
            del response.headers["Content-Length"]
        else:
            comprimido = comprimir_gzip(response.content)
            if len(comprimido) >= len(response.content):
                return response
            response.content = comprimido
            response.headers["Content-Length"] = str(len(comprimido))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
