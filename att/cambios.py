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
  objeto (con el alcance del token con que la registró, si la registró con uno, y solo de su
  `entidad` si la tiene) recibe una `EntregaWebhook` escrita en la misma transacción y pedida a la
  bandeja de salida (`att.entregar_webhook`).
- la entrega firma `f"{marca_de_tiempo}.{cuerpo}"` con HMAC-SHA256. Primero **toma** la fila (estado
  «enviando» y `tomada_en`, confirmado), luego envía **fuera de toda transacción** con un plazo total
  de `ATT_WEBHOOK_PLAZO_S` (10 s: conexión, envío y lectura de la respuesta), a la IP que resolvió y
  revisó una sola vez, sin seguir redirecciones, y por último anota el resultado en una transacción
  corta. Si falla se reintenta con la espera creciente de la bandeja (30 s … 1 h) desde
  `att.reintentar_webhooks`; tras `ATT_SALIDA_MAX_INTENTOS` queda fallida. Una toma de más de
  `PLAZO_TOMA` (el proceso murió a mitad) la vuelve a tomar el reintento: la entrega es **al menos una
  vez** (si el proceso muere después de enviar y antes de anotar, el receptor la recibe de nuevo con
  el mismo `X-ATT-Evento`, que debe usar para descartar repetidos).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
PLAZO_TOMA = timedelta(minutes=5)  # una toma más vieja se considera de una corrida muerta
CABECERA_FIRMA = "X-ATT-Firma"
CABECERA_TIEMPO = "X-ATT-Marca-Tiempo"
CABECERA_EVENTO = "X-ATT-Evento"


@dataclass(frozen=True)
class Fuente:
    modelo: type
    campo: str
    entidad: object  # ruta «a.b_id», función(objeto) -> id, o None
    publico: object  # bool o función(objeto) -> bool
    roles: tuple[str, ...] | None = None  # roles en la entidad que leen lo no público (None: todos)

    @property
    def tipo(self) -> str:
        return self.modelo._meta.label_lower

    def alcance(self, objeto) -> tuple[bool, int | None]:
        try:
            publico = bool(self.publico(objeto)) if callable(self.publico) else bool(self.publico)
        except Exception:  # noqa: BLE001 - un padre ya borrado en la cascada: no público (lo más estrecho)
            publico = False
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


def registrar(modelo, *, campo: str = "actualizado", entidad=None, publico=False, roles=None) -> None:
    """Expone `modelo` en la fuente de cambios. `campo`: su fecha de modificación (auto_now, con
    índice); `entidad`: ruta de atributos hasta el id de la entidad dueña (p. ej. «plan.entidad_id»);
    `publico`: si cualquiera que lee la lista de ese tipo puede saber que cambió (o una función, por
    objeto: debe coincidir con lo que muestran sus páginas); `roles`: con qué roles en esa entidad se
    lee lo no público (por defecto, cualquiera; las lápidas no guardan el rol)."""
    fuente = Fuente(modelo, campo, entidad, publico, tuple(roles) if roles else None)
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
    error = ValidationError({parametro: [_("Use una fecha y hora ISO 8601 válida, p. ej. 2026-11-30T15:00:00Z.")]})
    try:
        marca = parse_datetime(valor.strip().replace(" ", "+")) if valor else None
        if marca is None:
            raise error
        return a_utc(marca)
    except (ValueError, OverflowError) as e:  # 30 de febrero, desfase de ±24 h, año 1 o 9999 al pasar a UTC
        raise error from e


def a_utc(marca):
    """La fecha en UTC (sin zona: la de Colombia). Lanza ValueError u OverflowError si no cabe."""
    if timezone.is_naive(marca):
        marca = timezone.make_aware(marca)
    return marca.astimezone(UTC)


# ---------------------------------------------------------------- quién puede saber de un cambio

def puede_saber(usuario, publico: bool, entidad_id: int | None, roles=None) -> bool:
    """Lo público, para todos; lo de una entidad, para quien actúa por ella (con uno de `roles`, si
    se dan) y para quien lee todo. Con un token (`usuario._att_token`) cuentan solo su entidad y su
    rol (att/permisos.py)."""
    if publico or permisos.lee_todo(usuario):
        return True
    return entidad_id is not None and permisos.entidades_de(usuario, roles).filter(pk=entidad_id).exists()


def lector_de(suscripcion):
    """Con qué alcance lee la suscripción: su dueño con el token con que la registró (si lo hubo).
    `None` si no debe recibir nada (dueño inactivo o token revocado)."""
    usuario = suscripcion.usuario
    if not usuario.is_active:
        return None
    if suscripcion.token_id is not None:
        from att.models import Membresia

        token = suscripcion.token
        if token.revocado_en is not None or token.usuario_id != usuario.pk or not Membresia.objects.filter(
                usuario=usuario, entidad_id=token.entidad_id, rol=token.rol, activa=True).exists():
            return None  # como en att/api/autenticacion.py: token revocado o sin la membresía de su rol
        usuario._att_token = token
    return usuario


def suscripcion_sabe(suscripcion, publico: bool, entidad_id: int | None, roles=None) -> bool:
    lector = lector_de(suscripcion)
    if lector is None:
        return False
    if suscripcion.entidad_id is not None and not publico and entidad_id != suscripcion.entidad_id:
        return False  # una suscripción de una entidad recibe lo privado solo de esa entidad
    return puede_saber(lector, publico, entidad_id, roles)


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
                         .select_related("usuario", "token__entidad"))
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
        if not suscripcion_sabe(suscripcion, publico, entidad_id, fuente.roles):
            continue
        entrega = EntregaWebhook.objects.create(suscripcion=suscripcion, evento_id=evento_id, cuerpo=cuerpo)
        encolar("att.entregar_webhook", entrega.pk, clave=f"webhook:{entrega.pk}")
        enviadas += 1
    return enviadas


# ---------------------------------------------------------------- suscripciones

def _ip_permitida(direccion: str) -> bool:
    """Solo direcciones globales de internet: ni privadas, ni locales, ni de NAT de operador
    (100.64.0.0/10), ni reservadas (`is_global`). En desarrollo (DEBUG) también la red local."""
    if settings.DEBUG:
        return True
    return ipaddress.ip_address(direccion.split("%")[0]).is_global


def resolver(host: str, puerto: int) -> str:
    """Resuelve `host` UNA vez y devuelve la IP a la que se conectará: todas las direcciones que
    devuelve el DNS deben ser globales (si no, ValueError), así un segundo DNS no la cambia."""
    infos = socket.getaddrinfo(host, puerto, type=socket.SOCK_STREAM)
    direcciones = [info[4][0] for info in infos]
    if not direcciones:
        raise OSError(f"{host} no resuelve.")
    prohibidas = [d for d in direcciones if not _ip_permitida(d)]
    if prohibidas:
        raise ValueError(f"{host} resuelve a una red interna ({', '.join(prohibidas)}).")
    return direcciones[0]


def _es_interna(host: str) -> bool:
    if settings.DEBUG:
        return False
    try:
        resolver(host, 443)
    except ValueError:
        return True
    except OSError:
        return False  # no resuelve: la entrega fallará y se reintentará
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

def firmar(secreto: str, marca: str, cuerpo: bytes) -> str:
    """HMAC-SHA256 de `f"{marca}.{cuerpo}"`: la marca de tiempo va firmada y el receptor puede
    rechazar una entrega vieja repetida por un tercero."""
    return "sha256=" + hmac.new(secreto.encode(), marca.encode() + b"." + cuerpo, hashlib.sha256).hexdigest()


class _Conexion(http.client.HTTPConnection):
    """Conexión a una IP ya revisada, con el nombre original en `Host` y, en https, en el SNI y la
    verificación del certificado."""

    def __init__(self, host: str, puerto: int, ip: str, plazo: float, contexto: ssl.SSLContext | None):
        super().__init__(host, puerto, timeout=plazo)
        self._ip = ip
        self._contexto = contexto

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._contexto is not None:
            self.sock = self._contexto.wrap_socket(self.sock, server_hostname=self.host)


def _enviar(url: str, cuerpo: bytes, cabeceras: dict) -> int:
    """POST con plazo TOTAL (`ATT_WEBHOOK_PLAZO_S`): un receptor que responde un byte cada pocos
    segundos no retiene la tarea. No sigue redirecciones (un 3xx es un fallo)."""
    limite = time.monotonic() + settings.ATT_WEBHOOK_PLAZO_S

    def restante() -> float:
        queda = limite - time.monotonic()
        if queda <= 0:
            raise TimeoutError("El receptor no respondió dentro del plazo.")
        return queda

    partes = urlsplit(url)
    if partes.scheme not in ("http", "https") or not partes.hostname:
        raise ValueError("URL inválida.")
    if not settings.DEBUG and partes.scheme != "https":
        raise ValueError("URL no permitida fuera de desarrollo (https hacia internet).")
    https = partes.scheme == "https"
    puerto = partes.port or (443 if https else 80)
    ip = resolver(partes.hostname, puerto)
    conexion = _Conexion(partes.hostname, puerto, ip, restante(), ssl.create_default_context() if https else None)
    try:
        ruta = partes.path or "/"
        if partes.query:
            ruta += "?" + partes.query
        conexion.request("POST", ruta, body=cuerpo, headers=cabeceras)
        # Solo interesa la línea de estado: se lee a trozos, con el plazo que queda en cada lectura.
        leido = b""
        while b"\n" not in leido:
            conexion.sock.settimeout(restante())
            trozo = conexion.sock.recv(1024)
            if not trozo:
                break
            leido += trozo
            if len(leido) > 8192:
                raise ValueError("Respuesta sin línea de estado.")
        linea = leido.split(b"\n", 1)[0].decode("latin-1").strip()
        partes_linea = linea.split(" ", 2)
        if len(partes_linea) < 2 or not partes_linea[0].startswith("HTTP/") or not partes_linea[1].isdigit():
            raise ValueError(f"Respuesta HTTP inválida: {linea[:80]!r}")
        estado = int(partes_linea[1])
        if not 200 <= estado < 300:
            raise ValueError(f"HTTP {estado}: respuesta no 2xx")
        return estado
    finally:
        conexion.close()


def _tomar(entrega_id: int):
    """Toma la entrega para enviarla (transacción corta, confirmada): pendiente, o «enviando» con
    una toma vencida. Devuelve la entrega tomada o None."""
    ahora = timezone.now()
    with transaction.atomic():
        entrega = (EntregaWebhook.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("suscripcion__usuario", "suscripcion__token__entidad")
                   .filter(pk=entrega_id)
                   .filter(Q(estado=EstadoEntrega.PENDIENTE)
                           | Q(estado=EstadoEntrega.ENVIANDO, tomada_en__lt=ahora - PLAZO_TOMA))
                   .first())
        if entrega is None:
            return None
        entrega.estado = EstadoEntrega.ENVIANDO
        entrega.tomada_en = ahora
        entrega.intentos += 1
        entrega.save(update_fields=["estado", "tomada_en", "intentos"])
    return entrega


def entregar(entrega_id: int) -> bool:
    """Un intento de entrega: toma la fila, envía sin transacción abierta (plazo total
    `ATT_WEBHOOK_PLAZO_S`) y anota el resultado. Otra corrida a la vez no la toma; una entregada no
    se vuelve a enviar."""
    from att.salida import _max_intentos, espera_tras

    entrega = _tomar(entrega_id)
    if entrega is None:
        return False
    suscripcion = entrega.suscripcion
    cuerpo = entrega.cuerpo.encode()
    marca = str(int(time.time()))
    cabeceras = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ATT-Webhooks/1",
        CABECERA_FIRMA: firmar(suscripcion.secreto, marca, cuerpo),
        CABECERA_TIEMPO: marca,
        CABECERA_EVENTO: str(entrega.evento_id),
    }
    vigente = suscripcion.activa and lector_de(suscripcion) is not None
    error = None
    try:
        if not vigente:
            raise ValueError("La suscripción está inactiva o su token fue revocado.")
        _enviar(suscripcion.url, cuerpo, cabeceras)
    except Exception as e:  # noqa: BLE001 - se anota y se reintenta con espera creciente
        error = e
    with transaction.atomic():
        cambios = {"estado": EstadoEntrega.ENTREGADA, "entregada_en": timezone.now(), "ultimo_error": ""}
        if error is not None:
            cambios = {"ultimo_error": recortar(f"{type(error).__name__}: {error}"),
                       "estado": EstadoEntrega.PENDIENTE,
                       "proximo_intento": timezone.now() + espera_tras(entrega.intentos)}
            if entrega.intentos >= _max_intentos() or not vigente:
                cambios["estado"] = EstadoEntrega.FALLIDA
                logger.warning("Webhook %s fallido tras %s intentos: %s", entrega.pk, entrega.intentos,
                               cambios["ultimo_error"])
        # Solo si sigue siendo nuestra toma (si otra corrida la retomó por vencida, anota ella).
        anotadas = EntregaWebhook.objects.filter(
            pk=entrega.pk, estado=EstadoEntrega.ENVIANDO, tomada_en=entrega.tomada_en).update(**cambios)
    return error is None and anotadas == 1


def reintentar_vencidas(*, lote: int = 50) -> dict[str, int]:
    """Reintenta las entregas pendientes cuyo próximo intento ya llegó y las tomadas por una corrida
    que murió (toma de más de `PLAZO_TOMA`) (beat, cada minuto)."""
    ahora = timezone.now()
    ids = list(EntregaWebhook.objects.filter(
        Q(estado=EstadoEntrega.PENDIENTE, proximo_intento__lte=ahora)
        | Q(estado=EstadoEntrega.ENVIANDO, tomada_en__lt=ahora - PLAZO_TOMA))
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
