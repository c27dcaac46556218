"""Verificación en dos pasos (TOTP) para quien administra (OWASP ASVS L2, V2.7 y V2.8).

Quién debe usarla (`requiere_mfa`): toda cuenta que llega al administrador de Django (`is_staff`
o `is_superuser`) y todo administrador DNP (membresía activa con `Rol.ADMIN_DNP`). Un token de
integración no es una sesión: la API autenticada por token no pasa por aquí.

Dispositivos (django-otp): una aplicación de autenticación (`TOTPDevice`, con el freno de
intentos de django-otp, `OTP_TOTP_THROTTLE_FACTOR`) y diez códigos de respaldo de un solo uso
(`StaticDevice`), que se muestran una sola vez al activar.

`MFAObligatorioMiddleware`: una sesión de quien debe usarla y aún no verificó su código solo
llega a activar, verificar, salir, los estáticos y la salud; el resto redirige a verificar (o a
activar si no tiene dispositivo) con `?next=`, y la API con sesión responde 403.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from att import permisos
from att.models import Rol

log = logging.getLogger(__name__)

NOMBRE_APLICACION = "Aplicación de autenticación"
NOMBRE_RESPALDO = "Códigos de respaldo"
CODIGOS_RESPALDO = 10


# --- Quién debe usarla ------------------------------------------------------------------------

def requiere_mfa(usuario) -> bool:
    """Cuentas del administrador de Django y administradores DNP; nunca un cliente con token."""
    if usuario is None or not usuario.is_authenticated or getattr(usuario, "_att_token", None) is not None:
        return False
    return bool(usuario.is_staff or usuario.is_superuser or permisos.tiene_rol(usuario, Rol.ADMIN_DNP))


def sesion_verificada(request) -> bool:
    usuario = getattr(request, "user", None)
    verificado = getattr(usuario, "is_verified", None)
    return bool(verificado and verificado())


def tiene_dispositivo(usuario) -> bool:
    return user_has_device(usuario, confirmed=True)


# --- Escrituras ---------------------------------------------------------------------------------

@transaction.atomic
def mfa_dispositivo_pendiente(*, usuario) -> TOTPDevice:
    """La aplicación por confirmar de la persona (la misma en cada recarga, para que el código QR
    no cambie mientras la escanea); la crea si no hay."""
    dispositivo = TOTPDevice.objects.filter(user=usuario, confirmed=False).order_by("pk").first()
    if dispositivo is None:
        dispositivo = TOTPDevice.objects.create(user=usuario, name=NOMBRE_APLICACION, confirmed=False)
    return dispositivo


def mfa_confirmar(*, usuario, dispositivo: TOTPDevice, codigo: str) -> list[str]:
    """Confirma la aplicación con su primer código y crea los códigos de respaldo (que devuelve en
    claro, para mostrarlos una sola vez). Un código errado es un `ValidationError` en español.

    El error se lanza fuera de la transacción: el intento fallido que cuenta el freno de django-otp
    queda guardado."""
    codigo = normalizar(codigo)
    codigos: list[str] = []
    with transaction.atomic():
        dispositivo = (TOTPDevice.objects.select_for_update()
                       .filter(pk=dispositivo.pk, user=usuario, confirmed=False).first())
        if dispositivo is None:
            raise ValidationError(
                _("Esta activación ya se completó o se reemplazó. Recargue la página."), code="sin_pendiente"
            )
        permitido, _datos = dispositivo.verify_is_allowed()
        aceptado = permitido and dispositivo.verify_token(codigo)
        if aceptado:
            dispositivo.confirmed = True
            dispositivo.save(update_fields=["confirmed"])
            # Una sola aplicación y un solo juego de respaldo vigentes.
            TOTPDevice.objects.filter(user=usuario).exclude(pk=dispositivo.pk).delete()
            codigos = _nuevos_codigos_respaldo(usuario)
    if not permitido:
        raise ValidationError(_mensaje_freno(), code="frenado")
    if not aceptado:
        log.warning("mfa: código errado al activar (usuario %s)", usuario.pk)
        raise ValidationError(
            _("El código no coincide. Escriba los 6 dígitos que muestra ahora su aplicación."),
            code="codigo_errado",
        )
    return codigos


def _nuevos_codigos_respaldo(usuario) -> list[str]:
    StaticDevice.objects.filter(user=usuario).delete()
    respaldo = StaticDevice.objects.create(user=usuario, name=NOMBRE_RESPALDO, confirmed=True)
    codigos = []
    while len(codigos) < CODIGOS_RESPALDO:
        codigo = StaticToken.random_token()
        if codigo not in codigos:
            codigos.append(codigo)
    StaticToken.objects.bulk_create([StaticToken(device=respaldo, token=c) for c in codigos])
    return codigos


def mfa_verificar(*, usuario, codigo: str):
    """El dispositivo que acepta el código (de la aplicación: 6 dígitos; o uno de respaldo, que
    se gasta). Código errado o intentos frenados: `ValidationError` en español."""
    codigo = normalizar(codigo)
    de_aplicacion = codigo.isdigit() and len(codigo) == 6
    modelo = TOTPDevice if de_aplicacion else StaticDevice
    frenado = False
    for dispositivo in modelo.objects.devices_for_user(usuario, confirmed=True):
        permitido, _datos = dispositivo.verify_is_allowed()
        if not permitido:
            frenado = True
            continue
        aceptado = verify_token(usuario, dispositivo.persistent_id, codigo)
        if aceptado is not None:
            return aceptado
    log.warning("mfa: código errado al verificar (usuario %s)", usuario.pk)
    if frenado:
        raise ValidationError(_mensaje_freno(), code="frenado")
    raise ValidationError(
        _("El código no es correcto. Escriba los 6 dígitos que muestra ahora su aplicación o uno de "
          "sus códigos de respaldo sin usar."),
        code="codigo_errado",
    )


def _mensaje_freno() -> str:
    return _("Hubo varios códigos errados seguidos. Espere unos segundos y escriba el código que "
             "muestre entonces su aplicación.")


def normalizar(codigo: str) -> str:
    """Sin espacios ni guiones y en minúsculas: así se escriben cómodos los códigos agrupados."""
    return "".join(str(codigo or "").split()).replace("-", "").lower()


def secreto_agrupado(dispositivo: TOTPDevice) -> str:
    """El secreto en base32, en grupos de cuatro letras, para escribirlo a mano en la aplicación."""
    secreto = b32encode(dispositivo.bin_key).decode().rstrip("=")
    return " ".join(secreto[i:i + 4] for i in range(0, len(secreto), 4))


def codigo_respaldo_legible(codigo: str) -> str:
    mitad = len(codigo) // 2
    return f"{codigo[:mitad]}-{codigo[mitad:]}"


# --- El paso obligatorio ------------------------------------------------------------------------

_RUTAS_LIBRES: dict[tuple, tuple[str, ...]] = {}


def _rutas_libres() -> tuple[str, ...]:
    """Las direcciones que no piden el segundo factor, armadas una vez por urlconf, prefijo y STATIC_URL
    (cuatro `reverse` en cada petición con sesión costaban más que el resto de este middleware)."""
    clave = (get_urlconf(), get_script_prefix(), settings.STATIC_URL)
    rutas = _RUTAS_LIBRES.get(clave)
    if rutas is None:
        rutas = _RUTAS_LIBRES[clave] = (
            reverse("mfa-activar"), reverse("mfa-verificar"), reverse("mfa-qr"), reverse("logout"),
            settings.STATIC_URL, "/salud/",
        )
    return rutas


@receiver(setting_changed)
def _olvidar_rutas_libres(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "STATIC_URL"}:
        _RUTAS_LIBRES.clear()


def _con_token_de_integracion(request) -> bool:
    """`Authorization: Token …`: DRF autentica por el token (TokenIntegracionAuthentication va
    primero y, si el token no vale, responde 401 sin mirar la sesión). Se lee la cabecera en bytes
    y se parte como lo hace DRF: `str.split()` también corta en espacios Unicode (U+00A0, U+0085) que
    DRF no ve, y `Token\xa0x` pasaba aquí como token y en DRF caía en la sesión sin segundo factor."""
    from rest_framework.authentication import get_authorization_header

    partes = get_authorization_header(request).split()
    return bool(partes) and partes[0].lower() == b"token"


class MFAObligatorioMiddleware:
    """Retiene a quien debe verificar su segundo factor y no lo ha hecho (ver el docstring del módulo).

    Va después de AuthenticationMiddleware, OTPMiddleware y del cierre por inactividad, y antes de
    la idempotencia: una escritura retenida no deja rastro."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        usuario = getattr(request, "user", None)
        if usuario is None or not usuario.is_authenticated:
            return self.get_response(request)
        ruta = request.path_info
        if ruta.startswith(_rutas_libres()):
            return self.get_response(request)
        if ruta.startswith("/api/") and _con_token_de_integracion(request):
            return self.get_response(request)
        if not requiere_mfa(usuario) or sesion_verificada(request):
            return self.get_response(request)
        if ruta.startswith("/api/"):
            return JsonResponse({"detail": _(
                "Su cuenta debe verificar su segundo factor (código de su aplicación de autenticación) "
                "antes de usar la API con la sesión. Ingrese en la plataforma y verifique el código."
            )}, status=403)
        destino = reverse("mfa-verificar" if tiene_dispositivo(usuario) else "mfa-activar")
        siguiente = request.get_full_path() if request.method == "GET" else ""
        if siguiente and siguiente != "/":
            destino = f"{destino}?{urlencode({'next': siguiente})}"
        return HttpResponseRedirect(destino)

