"""Escrituras idempotentes: un reenvío con la misma clave recibe la primera respuesta, no un segundo registro.

Un solo mecanismo para páginas y API, en un middleware:

- La clave viene de la cabecera `Idempotency-Key` (API, integradores) o del campo oculto
  `_token_envio` que `{% token_envio %}` pone en cada formulario que crea algo. Sin clave, o sin
  usuario autenticado, la petición pasa como siempre (el ingreso, por ejemplo).
- El primer envío inserta su fila en `SolicitudIdempotente` (incompleta) antes de llegar a la vista.
  La restricción única (usuario, clave) hace chocar a los envíos simultáneos: los demás esperan a
  que el primero termine y reciben su respuesta guardada (código, `Location` y cuerpo).
- Solo se guardan los resultados buenos: en la API los 2xx y 3xx; en las páginas solo las
  redirecciones (un 200 de una página suele ser el formulario con errores, que se puede corregir y
  reenviar). Un error (4xx, 5xx, excepción) borra la fila: el usuario puede volver a intentar.
- En la API, la misma clave con otro cuerpo, otro método u otra ruta es un 422: la clave ya se usó
  para otra cosa.
- Los tokens de la API se autentican en la vista (DRF), no en el middleware; por eso aquí se
  resuelve el usuario con la misma clase `TokenIntegracionAuthentication` cuando la sesión no da uno.
  Así vale para todos los viewsets sin tocarlos.
- Una vista puede pedir que se guarde otro cuerpo que el enviado poniendo en la respuesta el atributo
  `CUERPO_A_GUARDAR` (bytes): el registro de un webhook devuelve su secreto una sola vez y guarda,
  para los reenvíos, el mismo cuerpo con el secreto cambiado por un aviso.
- Las filas de más de 24 horas se borran en la tarea periódica `att.purgar_solicitudes_idempotentes`
  y, si se encuentran antes, al chocar con ellas.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import SolicitudIdempotente

log = logging.getLogger(__name__)

CABECERA = "Idempotency-Key"
CAMPO_FORMULARIO = "_token_envio"
METODOS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LARGO_MAXIMO_CLAVE = 200
# Cuánto vive una clave, cuánto espera un reenvío a que termine el primero y desde cuándo se da por
# abandonado un primer envío que nunca terminó (un proceso que murió a mitad de la petición).
VIGENCIA = timedelta(hours=24)
CABECERAS_GUARDADAS = ("Content-Type", "Location")
# Atributo de la respuesta con el cuerpo (bytes) que se guarda en lugar del enviado: lo que no debe
# quedar en la base de datos (un secreto que se muestra una vez) no se guarda.
CUERPO_A_GUARDAR = "att_cuerpo_idempotente"


def _ajuste(nombre: str, defecto: float) -> float:
    return float(getattr(settings, nombre, defecto))


class IdempotenciaMiddleware:
    """Devuelve la primera respuesta a un reenvío con la misma clave (ver el docstring del módulo)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in METODOS:
            return self.get_response(request)
        clave, de_api = _clave(request)
        if not clave:
            return self.get_response(request)
        usuario = _usuario(request)
        if usuario is None:
            return self.get_response(request)
        rechazo = _verificar_csrf(request)
        if rechazo is not None:
            return rechazo
        if len(clave) > LARGO_MAXIMO_CLAVE:
            return _error(request, de_api, 400, _("La clave de idempotencia no puede pasar de %(n)s caracteres.")
                          % {"n": LARGO_MAXIMO_CLAVE})
        huella = _huella(request) if de_api else ""
        fila, respuesta = _reclamar(request, usuario=usuario, clave=clave, huella=huella, de_api=de_api)
        if respuesta is not None:
            return respuesta
        try:
            respuesta = self.get_response(request)
        except BaseException:
            _soltar(fila)
            raise
        _terminar(fila, respuesta, de_api, con_error=_hubo_mensaje_de_error(request))
        return respuesta


def _clave(request) -> tuple[str, bool]:
    """(clave, viene de la API). La cabecera manda; si no, el campo oculto de un formulario HTML."""
    cabecera = request.headers.get(CABECERA, "").strip()
    if cabecera:
        return cabecera, True
    # El campo del formulario solo se busca si hay sesión: sin ella no hay idempotencia y el cuerpo
    # queda intacto para la vista (el ingreso, por ejemplo).
    usuario = getattr(request, "user", None)
    if (request.method == "POST" and usuario is not None and usuario.is_authenticated
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            return request.POST.get(CAMPO_FORMULARIO, "").strip(), False
        except RequestDataTooBig:
            return "", False
    return "", False


def _verificar_csrf(request):
    """Con sesión, el CSRF se verifica antes de repetir nada: una respuesta guardada tampoco se da a
    un envío de otro sitio. Los tokens de la API no usan cookies y no lo necesitan."""
    usuario = getattr(request, "user", None)
    if usuario is None or not usuario.is_authenticated:
        return None
    from django.middleware.csrf import CsrfViewMiddleware
    from django.urls import Resolver404, resolve

    try:
        vista = resolve(request.path_info).func
    except Resolver404:
        return None
    # Las vistas de DRF se marcan exentas porque SessionAuthentication verifica el CSRF por su cuenta,
    # pero esa verificación llega después de una repetición: aquí se exige igual.
    return CsrfViewMiddleware(lambda r: None).process_view(request, None if hasattr(vista, "cls") else vista, (), {})


def _usuario(request):
    usuario = getattr(request, "user", None)
    if usuario is not None and usuario.is_authenticated:
        return usuario
    if not request.headers.get("Authorization"):
        return None
    from rest_framework.exceptions import AuthenticationFailed

    from att.api.autenticacion import TokenIntegracionAuthentication

    try:
        resultado = TokenIntegracionAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None  # la vista responderá el 401 de siempre
    return resultado[0] if resultado else None


def _huella(request) -> str:
    """Resumen del cuerpo: JSON canónico (sin depender del orden de las llaves) o campos y archivos."""
    resumen = hashlib.sha256()
    if request.content_type == "multipart/form-data":
        # El límite aleatorio del multipart cambia en cada reintento: se resumen los campos y archivos.
        for nombre in sorted(request.POST):
            resumen.update(json.dumps([nombre, request.POST.getlist(nombre)], ensure_ascii=False).encode())
        for nombre in sorted(request.FILES):
            for archivo in request.FILES.getlist(nombre):
                resumen.update(f"\x1e{nombre}\x1f{archivo.name}\x1f{archivo.size}\x1f".encode())
                for trozo in archivo.chunks():
                    resumen.update(trozo)
                archivo.seek(0)
        return resumen.hexdigest()
    try:
        cuerpo = request.body
    except RequestDataTooBig:
        return ""
    if request.content_type == "application/json":
        try:
            cuerpo = json.dumps(json.loads(cuerpo), sort_keys=True, ensure_ascii=False).encode()
        except ValueError:
            pass
    resumen.update(cuerpo)
    return resumen.hexdigest()


def _reclamar(request, *, usuario, clave: str, huella: str, de_api: bool):
    """(fila reclamada, None) si este es el primer envío; (None, respuesta) si hay que responder ya."""
    metodo, ruta = request.method, request.get_full_path()[:500]
    espera = _ajuste("ATT_IDEMPOTENCIA_ESPERA", 15)
    abandono = timedelta(seconds=_ajuste("ATT_IDEMPOTENCIA_ABANDONO", 120))
    limite = time.monotonic() + espera
    pausa = 0.02
    while True:
        try:
            with transaction.atomic():
                fila = SolicitudIdempotente.objects.create(
                    usuario=usuario, clave=clave, metodo=metodo, ruta=ruta, huella=huella,
                )
            return fila, None
        except IntegrityError:
            pass
        previa = SolicitudIdempotente.objects.filter(usuario=usuario, clave=clave).first()
        if previa is None:
            if time.monotonic() > limite:
                return None, _en_proceso(request, de_api)
            continue  # el primer envío falló y soltó la clave: este la toma
        ahora = timezone.now()
        if previa.creada < ahora - VIGENCIA or (not previa.completa and previa.creada < ahora - abandono):
            SolicitudIdempotente.objects.filter(pk=previa.pk, creada=previa.creada).delete()
            continue
        if de_api and (previa.metodo != metodo or previa.ruta != ruta or previa.huella != huella):
            return None, _error(request, True, 422, _(
                "Esta clave de idempotencia ya se usó con otra petición. Use una clave nueva para cada "
                "operación distinta."
            ))
        if previa.completa:
            return None, _repetir(request, previa, de_api)
        if time.monotonic() > limite:
            return None, _en_proceso(request, de_api)
        time.sleep(pausa)
        pausa = min(pausa * 1.5, 0.25)


def _hubo_mensaje_de_error(request) -> bool:
    """Algunas vistas avisan un error con `messages.error` y redirigen: esa redirección no es un
    resultado que repetir (el usuario corrige y reenvía con el mismo token)."""
    almacen = getattr(request, "_messages", None)
    pendientes = getattr(almacen, "_queued_messages", None) or []
    return any(m.level >= messages.ERROR for m in pendientes)


def _terminar(fila: SolicitudIdempotente, respuesta, de_api: bool, *, con_error: bool = False) -> None:
    """Guarda la respuesta si se puede repetir; si no, suelta la clave para que se pueda reintentar."""
    codigo = respuesta.status_code
    cuerpo = b""
    if de_api:
        guardable = 200 <= codigo < 400 and not respuesta.streaming
        limite = int(_ajuste("ATT_IDEMPOTENCIA_CUERPO_MAXIMO", 1_000_000))
        if guardable:
            otro = getattr(respuesta, CUERPO_A_GUARDAR, None)
            cuerpo = bytes(otro) if otro is not None else bytes(respuesta.content)
        if guardable and len(cuerpo) > limite:
            guardable = False
    else:
        guardable = codigo in (301, 302, 303, 307, 308) and respuesta.has_header("Location") and not con_error
    if not guardable:
        _soltar(fila)
        return
    try:
        SolicitudIdempotente.objects.filter(pk=fila.pk).update(
            completa=True, codigo=codigo,
            cabeceras={c: respuesta[c] for c in CABECERAS_GUARDADAS if respuesta.has_header(c)},
            cuerpo=cuerpo,
        )
    except DatabaseError:
        log.exception("No se pudo guardar la respuesta idempotente %s", fila.pk)
        _soltar(fila)


def _soltar(fila: SolicitudIdempotente) -> None:
    try:
        SolicitudIdempotente.objects.filter(pk=fila.pk).delete()
    except DatabaseError:
        log.exception("No se pudo soltar la clave idempotente %s", fila.pk)


def _repetir(request, previa: SolicitudIdempotente, de_api: bool) -> HttpResponse:
    cabeceras = previa.cabeceras or {}
    if "Location" in cabeceras:
        respuesta = HttpResponseRedirect(cabeceras["Location"], bytes(previa.cuerpo or b""))
        respuesta.status_code = previa.codigo
    else:
        respuesta = HttpResponse(bytes(previa.cuerpo or b""), status=previa.codigo)
    for nombre, valor in cabeceras.items():
        respuesta[nombre] = valor
    respuesta["Idempotent-Replayed"] = "true"
    if not de_api and hasattr(request, "_messages"):
        messages.info(request, _("Este formulario ya se había enviado: no se registró dos veces."))
    return respuesta


def _en_proceso(request, de_api: bool) -> HttpResponse:
    return _error(request, de_api, 409, _(
        "Su envío anterior todavía se está procesando. Espere un momento y recargue la página "
        "antes de volver a enviar."
    ))


def _error(request, de_api: bool, codigo: int, mensaje: str) -> HttpResponse:
    if de_api:
        return JsonResponse({"detail": mensaje}, status=codigo)
    return render(request, "att/envio_repetido.html", {"mensaje": mensaje}, status=codigo)


def purgar(antes_de=None) -> int:
    """Borra las claves vencidas (más de 24 horas)."""
    antes_de = antes_de or timezone.now() - VIGENCIA
    borradas, _detalle = SolicitudIdempotente.objects.filter(creada__lt=antes_de).delete()
    return borradas
