"""Fuente de cambios para integradores: `actualizado_desde`, lápidas de lo eliminado y webhooks.

Cada app registra desde su `ready()` los modelos que expone en la API (`registrar(...)`): con qué
campo de fecha del servidor se sabe cuándo cambió cada fila y a quién se le puede contar que
cambió (pública para quien lee la lista de ese tipo, o de una entidad). Con eso:

- `FiltroActualizadoDesde` (en los filtros por defecto de DRF) atiende `?actualizado_desde=<ISO
  8601>` en toda lista: devuelve lo modificado **estrictamente después** de la marca, ordenado por
  (fecha de modificación, id), también con la paginación por cursor.
- al borrar una fila de esos modelos (`post_delete`) queda una lápida `Eliminacion` con su alcance;
  `/api/v1/eliminaciones/` las lista y `att.purgar_eliminaciones` borra las de más de
  `ATT_ELIMINACIONES_DIAS` días.
- al crear, cambiar o borrar una fila, cada suscripción activa a ese evento cuyo dueño podía leer el
  objeto recibe una `EntregaWebhook` escrita en la misma transacción y pedida a la bandeja de salida
  (`att.entregar_webhook`). La entrega firma el cuerpo con HMAC-SHA256, espera 5 s como máximo y,
  si falla, se reintenta con la espera creciente de la bandeja (30 s … 1 h) desde
  `att.reintentar_webhooks`; tras `ATT_SALIDA_MAX_INTENTOS` queda fallida. Cada (suscripción, evento)
  se entrega una sola vez aunque la tarea corra dos veces.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from att import permisos
from att.models import Eliminacion, EntregaWebhook, EstadoEntrega, SuscripcionWebhook
from att.validadores import recortar

logger = logging.getLogger("att.cambios")

PARAMETRO = "actualizado_desde"
ACCIONES = ("creado", "actualizado", "eliminado")
ESPERA_ENTREGA_S = 5
CABECERA_FIRMA = "X-ATT-Firma"
CABECERA_TIEMPO = "X-ATT-Marca-Tiempo"
CABECERA_EVENTO = "X-ATT-Evento"


@dataclass(frozen=True)
class Fuente:
    modelo: type
    campo: str
    entidad: object  # ruta «a.b_id», función(objeto) -> id, o None
    publico: object  # bool o función(objeto) -> bool

    @property
    def tipo(self) -> str:
        return self.modelo._meta.label_lower

    def alcance(self, objeto) -> tuple[bool, int | None]:
        publico = self.publico(objeto) if callable(self.publico) else bool(self.publico)
        entidad_id = None
        if callable(self.entidad):
            entidad_id = self.entidad(objeto)
        elif self.entidad:
            valor = objeto
            try:
                for parte in self.entidad.split("."):
                    valor = getattr(valor, parte)
            except Exception:  # noqa: BLE001 - un padre ya borrado en la cascada: sin entidad
                valor = None
            entidad_id = valor if isinstance(valor, int) else None
        return publico, entidad_id


_FUENTES: dict[type, Fuente] = {}


def registrar(modelo, *, campo: str = "actualizado", entidad=None, publico=False) -> None:
    """Expone `modelo` en la fuente de cambios. `campo`: su fecha de modificación (auto_now, con
    índice); `entidad`: ruta de atributos hasta el id de la entidad dueña (p. ej. «plan.entidad_id»);
    `publico`: si cualquiera que lee la lista de ese tipo puede saber que cambió (o una función)."""
    fuente = Fuente(modelo, campo, entidad, publico)
    _FUENTES[modelo] = fuente
    for emisor in [m for m in apps.get_models() if m._meta.concrete_model is modelo]:
        uid = emisor._meta.label_lower
        post_save.connect(_al_guardar, sender=emisor, dispatch_uid=f"att.cambios.guardar.{uid}")
        post_delete.connect(_al_borrar, sender=emisor, dispatch_uid=f"att.cambios.borrar.{uid}")


def fuente_de(modelo) -> Fuente | None:
    if modelo is None:
        return None
    return _FUENTES.get(modelo) or _FUENTES.get(modelo._meta.concrete_model)


def tipos() -> list[str]:
    return sorted(f.tipo for f in _FUENTES.values())


def eventos_validos() -> list[str]:
    return [f"{t}.{a}" for t in tipos() for a in ACCIONES]


def leer_marca(valor: str, parametro: str = PARAMETRO):
    """Fecha y hora ISO 8601 en UTC; sin zona se toma la hora de Colombia (TIME_ZONE)."""
    marca = parse_datetime(valor.strip().replace(" ", "+")) if valor else None
    if marca is None:
        raise ValidationError({parametro: [_("Use una fecha y hora ISO 8601, p. ej. 2026-11-30T15:00:00Z.")]})
    if timezone.is_naive(marca):
        marca = timezone.make_aware(marca)
    return marca.astimezone(UTC)


# ---------------------------------------------------------------- quién puede saber de un cambio

def puede_saber(usuario, publico: bool, entidad_id: int | None) -> bool:
    """Lo público, para todos; lo de una entidad, para quien actúa por ella y para quien lee todo."""
    if publico or permisos.lee_todo(usuario):
        return True
    return entidad_id is not None and permisos.entidades_de(usuario).filter(pk=entidad_id).exists()


# ---------------------------------------------------------------- señales

def _al_guardar(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    fuente = fuente_de(sender)
    emitir(fuente, instance, "creado" if created else "actualizado")


def _al_borrar(sender, instance, **kwargs):
    fuente = fuente_de(sender)
    publico, entidad_id = fuente.alcance(instance)
    Eliminacion.objects.create(tipo=fuente.tipo, objeto_id=str(instance.pk)[:64], publico=publico,
                               entidad_id_alcance=entidad_id)
    emitir(fuente, instance, "eliminado", alcance=(publico, entidad_id))


def emitir(fuente: Fuente, objeto, accion: str, *, alcance=None) -> int:
    """Escribe una entrega por suscripción interesada (misma transacción) y la pide a la bandeja."""
    from att.salida import encolar

    evento = f"{fuente.tipo}.{accion}"
    suscripciones = list(SuscripcionWebhook.objects.filter(activa=True, eventos__contains=[evento])
                         .select_related("usuario"))
    if not suscripciones:
        return 0
    publico, entidad_id = alcance or fuente.alcance(objeto)
    evento_id = uuid.uuid4()
    cuerpo = json.dumps({
        "id": str(evento_id), "evento": evento, "tipo": fuente.tipo, "accion": accion,
        "objeto_id": str(objeto.pk), "ocurrido": timezone.now().astimezone(UTC).isoformat(),
    }, separators=(",", ":"), ensure_ascii=False)
    enviadas = 0
    for suscripcion in suscripciones:
        if not suscripcion.usuario.is_active or not puede_saber(suscripcion.usuario, publico, entidad_id):
            continue
        entrega = EntregaWebhook.objects.create(suscripcion=suscripcion, evento_id=evento_id, cuerpo=cuerpo)
        encolar("att.entregar_webhook", entrega.pk, clave=f"webhook:{entrega.pk}")
        enviadas += 1
    return enviadas


# ---------------------------------------------------------------- suscripciones

def _es_interna(host: str) -> bool:
    try:
        direcciones = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # no resuelve: la entrega fallará y se reintentará
    for direccion in direcciones:
        ip = ipaddress.ip_address(direccion.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return True
    return False


def validar_url(url: str) -> None:
    """HTTPS y hacia internet, salvo en desarrollo (DEBUG), donde se admite http y la red local."""
    partes = urlsplit(url or "")
    if settings.DEBUG:
        if partes.scheme not in ("http", "https") or not partes.hostname:
            raise ValidationError({"url": [_("Indique una URL http o https completa.")]})
        return
    if partes.scheme != "https" or not partes.hostname:
        raise ValidationError({"url": [_("La URL del webhook debe usar https.")]})
    if _es_interna(partes.hostname):
        raise ValidationError({"url": [_("La URL del webhook no puede apuntar a una red interna.")]})


def validar_eventos(eventos) -> list[str]:
    validos = set(eventos_validos())
    if not isinstance(eventos, list | tuple) or not eventos:
        raise ValidationError({"eventos": [_("Elija al menos un evento, p. ej. «oferta.oferta.creado».")]})
    desconocidos = [e for e in eventos if e not in validos]
    if desconocidos:
        raise ValidationError({"eventos": [_("Eventos desconocidos: %(e)s. Use «app.modelo.accion» con accion "
                                             "creado, actualizado o eliminado.") % {"e": ", ".join(map(str, desconocidos))}]})
    return sorted(set(eventos))


def nuevo_secreto() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------- entrega

def firmar(secreto: str, cuerpo: bytes) -> str:
    return "sha256=" + hmac.new(secreto.encode(), cuerpo, hashlib.sha256).hexdigest()


class _SinRedirecciones(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # una redirección cuenta como fallo: la firma se pensó para esa URL


def _enviar(url: str, cuerpo: bytes, cabeceras: dict) -> int:
    partes = urlsplit(url)
    if not settings.DEBUG and (partes.scheme != "https" or _es_interna(partes.hostname or "")):
        raise ValueError("URL no permitida fuera de desarrollo (https hacia internet).")
    solicitud = urllib.request.Request(url, data=cuerpo, headers=cabeceras, method="POST")
    abridor = urllib.request.build_opener(_SinRedirecciones)
    with abridor.open(solicitud, timeout=ESPERA_ENTREGA_S) as respuesta:
        if not 200 <= respuesta.status < 300:
            raise urllib.error.HTTPError(url, respuesta.status, "respuesta no 2xx", respuesta.headers, None)
        return respuesta.status


def entregar(entrega_id: int) -> bool:
    """Un intento de entrega. La fila queda bloqueada durante el envío (≤ 5 s): otra corrida de la
    misma tarea la salta, y una entregada no se vuelve a enviar."""
    from att.salida import _max_intentos, espera_tras

    with transaction.atomic():
        entrega = (EntregaWebhook.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("suscripcion")
                   .filter(pk=entrega_id, estado=EstadoEntrega.PENDIENTE).first())
        if entrega is None:
            return False
        suscripcion = entrega.suscripcion
        cuerpo = entrega.cuerpo.encode()
        cabeceras = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ATT-Webhooks/1",
            CABECERA_FIRMA: firmar(suscripcion.secreto, cuerpo),
            CABECERA_TIEMPO: str(int(time.time())),
            CABECERA_EVENTO: str(entrega.evento_id),
        }
        entrega.intentos += 1
        try:
            if not suscripcion.activa:
                raise ValueError("La suscripción está inactiva.")
            _enviar(suscripcion.url, cuerpo, cabeceras)
        except Exception as error:  # noqa: BLE001 - se anota y se reintenta con espera creciente
            entrega.ultimo_error = recortar(f"{type(error).__name__}: {error}")
            if entrega.intentos >= _max_intentos() or not suscripcion.activa:
                entrega.estado = EstadoEntrega.FALLIDA
                logger.warning("Webhook %s fallido tras %s intentos: %s", entrega.pk, entrega.intentos,
                               entrega.ultimo_error)
            else:
                entrega.proximo_intento = timezone.now() + espera_tras(entrega.intentos)
            entrega.save(update_fields=["intentos", "ultimo_error", "estado", "proximo_intento"])
            return False
        entrega.estado = EstadoEntrega.ENTREGADA
        entrega.entregada_en = timezone.now()
        entrega.ultimo_error = ""
        entrega.save(update_fields=["intentos", "ultimo_error", "estado", "entregada_en"])
        return True


def reintentar_vencidas(*, lote: int = 50) -> dict[str, int]:
    """Reintenta las entregas pendientes cuyo próximo intento ya llegó (beat, cada minuto)."""
    ids = list(EntregaWebhook.objects.filter(estado=EstadoEntrega.PENDIENTE, proximo_intento__lte=timezone.now())
               .order_by("proximo_intento", "pk").values_list("pk", flat=True)[:lote])
    entregadas = sum(1 for pk in ids if entregar(pk))
    return {"intentadas": len(ids), "entregadas": entregadas}


def purgar(*, dias: int | None = None, lote: int = 5000) -> int:
    """Borra las lápidas y las entregas ya hechas de más de `ATT_ELIMINACIONES_DIAS` días, por lotes."""
    dias = dias if dias is not None else settings.ATT_ELIMINACIONES_DIAS
    limite = timezone.now() - timedelta(days=dias)
    borradas = 0
    while True:
        ids = list(Eliminacion.objects.filter(eliminado_en__lt=limite).values_list("pk", flat=True)[:lote])
        if not ids:
            break
        borradas += Eliminacion.objects.filter(pk__in=ids).delete()[0]
    EntregaWebhook.objects.filter(estado=EstadoEntrega.ENTREGADA, entregada_en__lt=limite).delete()
    return borradas
