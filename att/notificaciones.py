"""Alertas a personas: en la plataforma y por correo (inmediato, o en un resumen diario para
quien lo prefiera). Las apps llaman `notificar(...)`; nunca envían correo por su cuenta.

La notificación misma es la fila de la bandeja de salida del correo: `correo_enviado_en` vacío
quiere decir «por enviar». Quien envía reclama las filas con `FOR UPDATE SKIP LOCKED`, envía y
marca en la misma transacción, así dos envíos simultáneos nunca mandan dos veces la misma alerta;
si el correo falla, las filas siguen sin enviar y el despachador de cada minuto las retoma."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import Notificacion, Usuario
from att.salida import encolar
from att.validadores import recortar

logger = logging.getLogger("att.notificaciones")

# Un correo inmediato que no salió (broker o servidor de correo caídos) lo retoma el despachador
# de cada minuto pasado este margen, y hasta esta antigüedad (después, solo queda en la plataforma).
MARGEN_INMEDIATAS = timedelta(minutes=1)
VENTANA_ATRASADAS = timedelta(days=3)
MAXIMO_POR_CORREO = 200
# Lo que otros escriben en una alerta (un comentario, un motivo) se recorta con «…» al largo del campo.
LARGO_TITULO = Notificacion._meta.get_field("titulo").max_length
LARGO_MENSAJE = Notificacion._meta.get_field("mensaje").max_length


def notificar(*, usuarios: Iterable[Usuario], categoria: str, titulo: str, mensaje: str = "",
              url: str = "", clave: str = "") -> list[Notificacion]:
    """Crea una notificación por persona (sin duplicar la misma `clave`) y agenda el correo
    inmediato para quienes no prefieren el resumen diario, después de confirmar la transacción."""
    nuevas = [
        Notificacion(usuario=u, categoria=categoria, titulo=recortar(titulo, LARGO_TITULO),
                     mensaje=recortar(mensaje, LARGO_MENSAJE), url=url, clave=clave)
        for u in {u.pk: u for u in usuarios}.values()
    ]
    creadas = Notificacion.objects.bulk_create(nuevas, ignore_conflicts=bool(clave))
    inmediatas = [n.usuario_id for n in nuevas if not n.usuario.recibe_resumen_diario]
    if inmediatas:
        encolar("att.enviar_notificaciones_inmediatas", inmediatas)
    return creadas


def _url_absoluta(url: str) -> str:
    base = getattr(settings, "ATT_URL_BASE", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def enviar_pendientes(*, usuarios_ids: list[int] | None = None, resumen: bool = False,
                      creadas_entre: tuple[datetime, datetime] | None = None) -> int:
    """Envía por correo las notificaciones sin enviar; devuelve cuántos correos salieron.

    Con `usuarios_ids`, las inmediatas de esas personas; con `resumen`, las de quienes prefieren el
    resumen diario (un solo correo por persona); con `creadas_entre`, las inmediatas atrasadas de
    ese intervalo. Cada persona se atiende en su propia transacción: se bloquean sus filas (las que
    otro envío ya tiene bloqueadas se saltan), se envía y se marca. Si un correo falla, sus filas
    quedan sin enviar y, al final, se relanza el último error (la tarea reintenta)."""
    # Las filas de personas inactivas o sin correo no se envían ni se marcan: se excluyen aquí para
    # que no ocupen los cupos del lote (ordenado por usuario) y dejen sin correo a las demás.
    pendientes = Notificacion.objects.filter(correo_enviado_en__isnull=True, usuario__is_active=True).exclude(
        usuario__email="")
    if usuarios_ids is not None:
        pendientes = pendientes.filter(usuario_id__in=usuarios_ids, usuario__recibe_resumen_diario=False)
    elif resumen:
        pendientes = pendientes.filter(usuario__recibe_resumen_diario=True)
    if creadas_entre is not None:
        pendientes = pendientes.filter(creada__range=creadas_entre, usuario__recibe_resumen_diario=False)
    personas = list(pendientes.order_by("usuario_id").values_list("usuario_id", flat=True).distinct()[:5000])
    enviados, ultimo_error = 0, None
    for usuario_id in personas:
        try:
            enviados += _enviar_a(pendientes.filter(usuario_id=usuario_id))
        except Exception as error:  # noqa: BLE001 - las filas quedan sin enviar para la próxima vuelta
            ultimo_error = error
            logger.warning("No se pudo enviar el correo de alertas al usuario %s: %s", usuario_id, error)
    if ultimo_error is not None:
        raise ultimo_error
    return enviados


@transaction.atomic
def _enviar_a(pendientes) -> int:
    lista = list(
        pendientes.select_for_update(skip_locked=True, of=("self",)).select_related("usuario")
        .order_by("creada", "pk")[:MAXIMO_POR_CORREO]
    )
    if not lista:
        return 0  # ya enviadas, o las tiene otro envío en este momento
    usuario = lista[0].usuario
    if not usuario.is_active or not usuario.email:
        return 0
    if len(lista) == 1:
        asunto = lista[0].titulo
    else:
        asunto = _("ATT: %(n)d alertas nuevas") % {"n": len(lista)}
    cuerpo = "\n\n".join(
        f"• {n.titulo}\n{n.mensaje}\n{_url_absoluta(n.url)}".strip() for n in lista
    )
    send_mail(asunto, cuerpo, settings.DEFAULT_FROM_EMAIL, [usuario.email])
    Notificacion.objects.filter(pk__in=[n.pk for n in lista]).update(correo_enviado_en=timezone.now())
    return 1


def enviar_atrasadas() -> int:
    """Correos inmediatos que no salieron a tiempo (p. ej., Redis caído cuando se crearon)."""
    ahora = timezone.now()
    return enviar_pendientes(creadas_entre=(ahora - VENTANA_ATRASADAS, ahora - MARGEN_INMEDIATAS))
