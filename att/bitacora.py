"""Registro de seguridad en la base (OWASP ASVS L2, cap. 7): `registrar(tipo, ...)` y lo que lo llama.

Qué se registra y desde dónde:
- Ingresos fallidos, bloqueos, ingresos y salidas: señales de Django (`user_login_failed`,
  `user_logged_in`, `user_logged_out`) y de django-axes (`user_locked_out`).
- Permisos denegados: `BitacoraMiddleware` anota una fila por cada respuesta 403, venga de un
  `PermissionDenied` en una página, del admin, de DRF o del CSRF; y los 401 de la API con una
  cabecera `Authorization` (token inválido o revocado) como ingreso fallido.
- Tokens de integración: `att.services.token_emitir` / `token_revocar`, con quien los emitió.
- Membresías (rol, entidad, activa) y los permisos de administración de una persona (`is_staff`,
  `is_superuser`, `is_active`): señales `pre_save`/`post_save` que comparan con lo que había en la
  base, así vale igual para el admin, un servicio o la consola. Quien actuó sale de la solicitud
  en curso (la guarda el middleware).

Transacciones: un evento de una acción (token, rol, permisos) se escribe en la transacción en curso,
así una acción que se revierte no deja fila. Los eventos de ataque (`PERSISTENTES`: permiso denegado,
ingreso fallido, bloqueo, segundo factor fallido) deben quedar aunque la acción se revierta: si se
registran dentro de un `transaction.atomic` propio de la aplicación, se escriben por una conexión
aparte que confirma de inmediato. Las solicitudes no son atómicas (sin ATOMIC_REQUESTS) y el
middleware escribe el 403 cuando la vista ya terminó, fuera de toda transacción.

`registrar` nunca lanza: si no puede escribir, deja una línea de error en el registro de la
aplicación y la solicitud sigue.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.db.models.sql import InsertQuery
from django.dispatch import receiver

from att import observabilidad
from att.autenticacion import ip_cliente, usuario_intento
from att.models import EventoSeguridad, Membresia, TipoEventoSeguridad, Usuario

log = logging.getLogger(__name__)

Tipo = TipoEventoSeguridad
PERSISTENTES = frozenset({Tipo.PERMISO_DENEGADO, Tipo.INGRESO_FALLIDO, Tipo.BLOQUEO, Tipo.MFA_FALLIDA})
CAMPOS_STAFF = ("is_staff", "is_superuser", "is_active")
CAMPOS_MEMBRESIA = ("usuario_id", "entidad_id", "rol", "activa", "hasta", "administra")

# La solicitud en curso, para las señales que no la reciben (cambios de rol y de permisos).
_solicitud: contextvars.ContextVar = contextvars.ContextVar("att_bitacora_solicitud", default=None)


class _Codificador(DjangoJSONEncoder):
    """Lo que JSON no sabe escribir va como texto: un detalle raro no impide el registro."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def registrar(tipo: str, *, request=None, usuario=None, correo: str = "", **detalle) -> EventoSeguridad | None:
    """Agrega un evento al registro de seguridad; devuelve la fila o None si no se pudo escribir.

    `usuario` es quien actuó; si no se da, la persona con sesión (o token) de la solicitud.
    `correo` es el intentado (ingreso fallido) o el de la persona afectada. Lo demás va a `detalle`.
    """
    try:
        evento = _armar(tipo, request=request, usuario=usuario, correo=correo, detalle=detalle)
        if tipo in ANONIMOS_CON_TOPE:
            n = _cuenta_del_minuto(tipo, evento.ip)
            if n > settings.ATT_BITACORA_TOPE_POR_MINUTO:
                return None
            if n == settings.ATT_BITACORA_TOPE_POR_MINUTO:
                evento.detalle = {**evento.detalle, "tope_alcanzado": True}
        _guardar(evento)
        return evento
    except Exception:
        log.exception("No se pudo escribir el evento de seguridad «%s».", tipo)
        return None


# Denegaciones e ingresos fallidos los puede provocar cualquiera en bucle (un token inventado): por
# IP y tipo se guardan hasta ATT_BITACORA_TOPE_POR_MINUTO filas por minuto; la última lleva
# `tope_alcanzado` y las siguientes de ese minuto no se escriben (el bloqueo de axes y los límites de
# la API siguen actuando). Si la caché no responde, se escribe todo.
ANONIMOS_CON_TOPE = frozenset({Tipo.PERMISO_DENEGADO, Tipo.INGRESO_FALLIDO})


def _cuenta_del_minuto(tipo: str, ip: str | None) -> int:
    from django.utils import timezone

    clave = f"att:bitacora:{tipo}:{ip or '-'}:{timezone.now():%Y%m%d%H%M}"
    try:
        if cache.add(clave, 1, 120):
            return 1
        return int(cache.incr(clave))
    except Exception:  # noqa: BLE001 - sin caché no hay tope: mejor de más que de menos
        return 1


def _armar(tipo, *, request, usuario, correo, detalle) -> EventoSeguridad:
    if tipo not in Tipo.values:
        raise ValueError(f"Tipo de evento de seguridad desconocido: {tipo!r}")
    request = request if request is not None else _solicitud.get()
    if usuario is None and request is not None:
        usuario = getattr(request, "user", None)
    evento = EventoSeguridad(
        tipo=tipo,
        correo=_texto(correo, 254),
        detalle=json.loads(json.dumps(detalle, cls=_Codificador).replace("\\u0000", "")),
        request_id=_texto(observabilidad.id_solicitud.get() or getattr(request, "id_solicitud", ""), 128),
    )
    if usuario is not None and getattr(usuario, "is_authenticated", False) and usuario.pk is not None:
        evento.usuario_id = usuario.pk
    if request is not None:
        evento.ip = _ip(ip_cliente(request))
        evento.ruta = _texto(request.path, 500)
        evento.metodo = _texto(request.method, 10)
    return evento


def _texto(valor, largo: int) -> str:
    return str(valor or "").replace("\x00", "")[:largo]


def _ip(valor) -> str | None:
    try:
        return str(ipaddress.ip_address(valor)) if valor else None
    except ValueError:
        return None


def _guardar(evento: EventoSeguridad) -> None:
    if evento.tipo in PERSISTENTES and _en_transaccion_de_la_aplicacion():
        try:
            _guardar_aparte(evento)
            return
        except Exception:
            log.exception("El evento de seguridad «%s» no se pudo escribir aparte; va en la transacción.", evento.tipo)
    if connection.in_atomic_block:
        # Un punto de guardado: si la escritura falla, la transacción de quien llamó sigue sana.
        with transaction.atomic():
            evento.save()
    else:
        evento.save()


def _en_transaccion_de_la_aplicacion() -> bool:
    """¿Hay un `atomic` abierto que no sea el que envuelve cada prueba (TestCase/pytest-django)?"""
    return any(not getattr(bloque, "_from_testcase", False) for bloque in connection.atomic_blocks)


def _guardar_aparte(evento: EventoSeguridad) -> None:
    """Escribe por una conexión nueva, en autocommit: no la arrastra el rollback de la solicitud."""
    otra = connection.copy()
    try:
        with otra.cursor() as cursor:
            # Si la fila apuntara a algo que la transacción abierta aún no confirma, la espera sería
            # eterna (la misma solicitud retiene el candado): mejor fallar y escribir en la transacción.
            cursor.execute("SET lock_timeout = '2s'")
        campos = [f for f in EventoSeguridad._meta.concrete_fields if not f.primary_key]
        consulta = InsertQuery(EventoSeguridad)
        consulta.insert_values(campos, [evento])
        consulta.get_compiler(connection=otra).execute_sql(returning_fields=None)
    finally:
        otra.close()


# --- Permisos denegados: un 403 por solicitud -------------------------------------------------------

class BitacoraMiddleware:
    """Guarda la solicitud en curso (para las señales) y anota cada 403 (y cada 401 con token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marca = _solicitud.set(request)
        try:
            response = self.get_response(request)
        finally:
            _solicitud.reset(marca)
        if response.status_code == 403:
            registrar(Tipo.PERMISO_DENEGADO, request=request, estado=403, **_motivo(request, response))
        elif response.status_code == 401 and request.headers.get("Authorization"):
            registrar(Tipo.INGRESO_FALLIDO, request=request, medio="token", estado=401, **_motivo(request, response))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied) and str(exception):
            request._att_motivo_denegacion = str(exception)


def _motivo(request, response) -> dict:
    motivo = getattr(request, "_att_motivo_denegacion", "")
    datos = getattr(response, "data", None)  # DRF: {"detail": "..."}
    if not motivo and isinstance(datos, dict) and datos.get("detail"):
        motivo = str(datos["detail"])
    if not motivo and not response.streaming and b"CSRF" in response.content[:2000]:
        motivo = "CSRF"
    return {"motivo": motivo[:500]} if motivo else {}


# --- Ingreso, salida y bloqueo ------------------------------------------------------------------------

@receiver(user_login_failed, dispatch_uid="att_bitacora_ingreso_fallido")
def _ingreso_fallido(sender, credentials=None, request=None, **kwargs):
    correo = usuario_intento(request, credentials) if request is not None else (credentials or {}).get("username")
    registrar(Tipo.INGRESO_FALLIDO, request=request, correo=correo or "",
              bloqueado=bool(getattr(request, "axes_locked_out", False)))


@receiver(user_locked_out, dispatch_uid="att_bitacora_bloqueo")
def _bloqueo(sender, request=None, username=None, ip_address=None, **kwargs):
    registrar(Tipo.BLOQUEO, request=request, correo=username or "")


@receiver(user_logged_in, dispatch_uid="att_bitacora_ingreso")
def _ingreso(sender, request=None, user=None, **kwargs):
    registrar(Tipo.INGRESO, request=request, usuario=user, correo=getattr(user, "email", ""))


@receiver(user_logged_out, dispatch_uid="att_bitacora_salida")
def _salida(sender, request=None, user=None, **kwargs):
    registrar(Tipo.SALIDA, request=request, usuario=user, correo=getattr(user, "email", "") if user else "")


# --- Cambios de rol y de permisos de administración ------------------------------------------------------

def _actor():
    request = _solicitud.get()
    usuario = getattr(request, "user", None) if request is not None else None
    return usuario if usuario is not None and usuario.is_authenticated else None


def _anteriores(modelo, instancia, campos, update_fields) -> dict | None:
    if instancia._state.adding or instancia.pk is None:
        return None
    vigilados = {c.removesuffix("_id") for c in campos} | set(campos)
    if update_fields is not None and not set(update_fields) & vigilados:
        return None
    return modelo.objects.filter(pk=instancia.pk).values(*campos).first()


@receiver(pre_save, sender=Usuario, dispatch_uid="att_bitacora_usuario_antes")
def _usuario_antes(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    try:
        instance._att_bitacora_antes = _anteriores(Usuario, instance, CAMPOS_STAFF, update_fields)
    except Exception:
        log.exception("No se pudieron leer los permisos anteriores del usuario %s.", instance.pk)
        instance._att_bitacora_antes = None


@receiver(post_save, sender=Usuario, dispatch_uid="att_bitacora_usuario_despues")
def _usuario_despues(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    antes = getattr(instance, "_att_bitacora_antes", None)
    instance._att_bitacora_antes = None
    if created:
        antes = {"is_staff": False, "is_superuser": False, "is_active": True}
    elif antes is None:
        return
    cambios = {c: [antes[c], getattr(instance, c)] for c in CAMPOS_STAFF if antes[c] != getattr(instance, c)}
    if cambios:
        registrar(Tipo.STAFF_CAMBIADO, usuario=_actor(), correo=instance.email, afectado=instance.pk,
                  accion="creado" if created else "modificado", cambios=cambios)


@receiver(pre_save, sender=Membresia, dispatch_uid="att_bitacora_membresia_antes")
def _membresia_antes(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    try:
        instance._att_bitacora_antes = _anteriores(Membresia, instance, CAMPOS_MEMBRESIA, update_fields)
    except Exception:
        log.exception("No se pudo leer la membresía anterior %s.", instance.pk)
        instance._att_bitacora_antes = None


@receiver(post_save, sender=Membresia, dispatch_uid="att_bitacora_membresia_despues")
def _membresia_despues(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    antes = getattr(instance, "_att_bitacora_antes", None)
    instance._att_bitacora_antes = None
    if created:
        _registrar_membresia(instance, "creada", {})
        return
    if antes is None:
        return
    cambios = {c.removesuffix("_id"): [antes[c], getattr(instance, c)]
               for c in CAMPOS_MEMBRESIA if antes[c] != getattr(instance, c)}
    if not cambios:
        return
    if set(cambios) == {"activa"}:
        accion = "reactivada" if instance.activa else "desactivada"
    else:
        accion = "modificada"
    _registrar_membresia(instance, accion, cambios)


@receiver(post_delete, sender=Membresia, dispatch_uid="att_bitacora_membresia_borrada")
def _membresia_borrada(sender, instance, **kwargs):
    _registrar_membresia(instance, "eliminada", {})


def _registrar_membresia(membresia: Membresia, accion: str, cambios: dict) -> None:
    try:
        correo = Usuario.objects.filter(pk=membresia.usuario_id).values_list("email", flat=True).first() \
            if "usuario" not in membresia._state.fields_cache else membresia.usuario.email
    except Exception:
        log.exception("No se pudo leer el correo de la persona de la membresía %s.", membresia.pk)
        correo = ""
    registrar(Tipo.ROL_CAMBIADO, usuario=_actor(), correo=correo or "", accion=accion, membresia=membresia.pk,
              afectado=membresia.usuario_id, entidad=membresia.entidad_id, rol=membresia.rol,
              activa=membresia.activa, cambios=cambios)
