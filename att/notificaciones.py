"""Alertas a personas: en la plataforma y por correo (inmediato, o en un resumen diario para
quien lo prefiera). Las apps llaman `notificar(...)`; nunca envían correo por su cuenta."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import Notificacion, Usuario


def notificar(*, usuarios: Iterable[Usuario], categoria: str, titulo: str, mensaje: str = "",
              url: str = "", clave: str = "") -> list[Notificacion]:
    """Crea una notificación por persona (sin duplicar la misma `clave`) y agenda el correo
    inmediato para quienes no prefieren el resumen diario, después de confirmar la transacción."""
    nuevas = [
        Notificacion(usuario=u, categoria=categoria, titulo=titulo[:200], mensaje=mensaje, url=url, clave=clave)
        for u in {u.pk: u for u in usuarios}.values()
    ]
    creadas = Notificacion.objects.bulk_create(nuevas, ignore_conflicts=bool(clave))
    inmediatas = [n.usuario_id for n in nuevas if not n.usuario.recibe_resumen_diario]
    if inmediatas:
        from att.tasks import enviar_notificaciones_inmediatas

        transaction.on_commit(lambda: enviar_notificaciones_inmediatas.delay(inmediatas))
    return creadas


def _url_absoluta(url: str) -> str:
    base = getattr(settings, "ATT_URL_BASE", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def enviar_pendientes(*, usuarios_ids: list[int] | None = None, resumen: bool = False) -> int:
    """Envía por correo las notificaciones sin enviar. Con `resumen`, un solo correo por persona."""
    pendientes = Notificacion.objects.filter(correo_enviado_en__isnull=True).select_related("usuario")
    if usuarios_ids is not None:
        pendientes = pendientes.filter(usuario_id__in=usuarios_ids, usuario__recibe_resumen_diario=False)
    elif resumen:
        pendientes = pendientes.filter(usuario__recibe_resumen_diario=True)
    por_usuario: dict[int, list[Notificacion]] = defaultdict(list)
    for n in pendientes.order_by("usuario_id", "creada")[:5000]:
        por_usuario[n.usuario_id].append(n)
    enviados = 0
    for lista in por_usuario.values():
        usuario = lista[0].usuario
        if not usuario.is_active or not usuario.email:
            continue
        if len(lista) == 1:
            asunto = lista[0].titulo
        else:
            asunto = _("ATT: %(n)d alertas nuevas") % {"n": len(lista)}
        cuerpo = "\n\n".join(
            f"• {n.titulo}\n{n.mensaje}\n{_url_absoluta(n.url)}".strip() for n in lista
        )
        send_mail(asunto, cuerpo, settings.DEFAULT_FROM_EMAIL, [usuario.email])
        Notificacion.objects.filter(pk__in=[n.pk for n in lista]).update(correo_enviado_en=timezone.now())
        enviados += 1
    return enviados
