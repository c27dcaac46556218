"""Alertas a personas: en la plataforma y por correo (inmediato, o en un resumen diario para
quien lo prefiera). Las apps llaman `notificar(...)`; nunca envían correo por su cuenta.

La notificación misma es la fila de la bandeja de salida del correo: `correo_enviado_en` vacío
quiere decir «por enviar». Quien envía reclama las filas con `FOR UPDATE SKIP LOCKED`, envía y
marca en la misma transacción, así dos envíos simultáneos nunca mandan dos veces la misma alerta;
si el correo falla, las filas siguen sin enviar y el despachador de cada minuto las retoma.

Cada persona elige por tipo de alerta (`categoria`) si quiere el correo al momento, en el resumen
diario o ninguno (`PreferenciaAlerta`; página /cuenta/alertas/). La preferencia se lee al enviar,
así una baja vale también para lo que estaba por salir. Con «ninguno» (o tras darse de baja con el
enlace del correo) la alerta se sigue creando en la plataforma —la persona la ve en «Mis alertas»—,
pero no sale por correo: la baja detiene el correo de ese tipo, no el registro del hecho.

El correo lleva una parte HTML y una de texto (plantillas `templates/correo/`), enlaces absolutos
sobre `ATT_URL_BASE`, un `Message-ID` del dominio del sitio, un enlace de baja firmado por persona y
tipo y las cabeceras `List-Unsubscribe`/`List-Unsubscribe-Post` (baja con un clic, RFC 8058).

Quién recibe una alerta sobre un objeto lo decide el mismo predicado que decide quién puede abrir
su página: quien llama pasa `puede_ver` y `notificar` descarta a quien no podría abrir el enlace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import CategoriaAlerta, FrecuenciaAlerta, Notificacion, PreferenciaAlerta, Usuario
from att.models.notificaciones import TODAS_LAS_DEMAS
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
              url: str = "", clave: str = "", puede_ver: Callable[[Usuario], bool] | None = None
              ) -> list[Notificacion]:
    """Crea una notificación por persona (sin duplicar la misma `clave`) y agenda el correo
    inmediato para quienes lo prefieren así en esta categoría, después de confirmar la transacción.

    `puede_ver(usuario)` es el predicado de la página enlazada (el mismo que usa su vista): quien
    no la podría abrir no recibe la alerta, así todo enlace abre para quien lo recibe."""
    personas = [u for u in {u.pk: u for u in usuarios}.values() if puede_ver is None or puede_ver(u)]
    nuevas = [
        Notificacion(usuario=u, categoria=categoria, titulo=recortar(titulo, LARGO_TITULO),
                     mensaje=recortar(mensaje, LARGO_MENSAJE), url=url, clave=clave)
        for u in personas
    ]
    if not nuevas:
        return []
    creadas = Notificacion.objects.bulk_create(nuevas, ignore_conflicts=bool(clave))
    elegidas = frecuencias(personas, categoria)
    inmediatas = [u.pk for u in personas if elegidas[u.pk] == FrecuenciaAlerta.INMEDIATA]
    if inmediatas:
        encolar("att.enviar_notificaciones_inmediatas", inmediatas)
    return creadas


def frecuencias(usuarios: Iterable[Usuario], categoria: str) -> dict[int, str]:
    """La frecuencia de correo de cada persona para `categoria` (una consulta): su fila del tipo,
    si no la de «todas las demás», si no la preferencia global del usuario."""
    usuarios = list(usuarios)
    filas = {
        (u, c): f for u, c, f in PreferenciaAlerta.objects.filter(
            usuario_id__in=[u.pk for u in usuarios], categoria__in=[categoria, TODAS_LAS_DEMAS]
        ).values_list("usuario_id", "categoria", "frecuencia")
    }
    return {
        u.pk: filas.get((u.pk, categoria)) or filas.get((u.pk, TODAS_LAS_DEMAS))
        or (FrecuenciaAlerta.RESUMEN if u.recibe_resumen_diario else FrecuenciaAlerta.INMEDIATA)
        for u in usuarios
    }


def _frecuencia_sql():
    """La misma regla que `frecuencias`, como expresión sobre `Notificacion` (para filtrar al enviar)."""
    propia = PreferenciaAlerta.objects.filter(usuario_id=OuterRef("usuario_id"), categoria=OuterRef("categoria"))
    demas = PreferenciaAlerta.objects.filter(usuario_id=OuterRef("usuario_id"), categoria=TODAS_LAS_DEMAS)
    return Coalesce(
        Subquery(propia.values("frecuencia")[:1]), Subquery(demas.values("frecuencia")[:1]),
        Case(When(usuario__recibe_resumen_diario=True, then=Value(FrecuenciaAlerta.RESUMEN.value)),
             default=Value(FrecuenciaAlerta.INMEDIATA.value)),
    )


# --- Baja con un enlace firmado (sin ingresar) ---------------------------------------------------
SAL_BAJA = "att.alertas.baja"


def token_baja(usuario_id: int, categoria: str) -> str:
    """Token firmado (SECRET_KEY) con la persona y el tipo de alerta; no caduca, como pide RFC 8058
    para el enlace de `List-Unsubscribe`. `TODAS_LAS_DEMAS` = todos los tipos."""
    return signing.dumps([usuario_id, categoria], salt=SAL_BAJA, compress=True)


def leer_token_baja(token: str) -> tuple[int, str]:
    """(usuario_id, categoria) del token; `signing.BadSignature` si fue alterado."""
    usuario_id, categoria = signing.loads(token, salt=SAL_BAJA)
    return int(usuario_id), str(categoria)


def nombre_categoria(categoria: str) -> str:
    if categoria == TODAS_LAS_DEMAS:
        return _("todas las alertas")
    try:
        return str(CategoriaAlerta(categoria).label)
    except ValueError:
        return categoria


def _url_absoluta(url: str) -> str:
    """`ATT_URL_BASE` es obligatoria sin DEBUG (att/settings.py): nunca se cae a 127.0.0.1."""
    return f"{settings.ATT_URL_BASE.rstrip('/')}{url}" if url.startswith("/") else url


def _dominio() -> str:
    return urlsplit(settings.ATT_URL_BASE).hostname or "localhost"


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
    # La frecuencia (por tipo) se lee aquí y no al crear: una baja vale para lo que estaba por salir.
    pendientes = Notificacion.objects.filter(correo_enviado_en__isnull=True, usuario__is_active=True).exclude(
        usuario__email="").alias(frecuencia=_frecuencia_sql())
    if usuarios_ids is not None:
        pendientes = pendientes.filter(usuario_id__in=usuarios_ids, frecuencia=FrecuenciaAlerta.INMEDIATA)
    elif resumen:
        pendientes = pendientes.filter(frecuencia=FrecuenciaAlerta.RESUMEN)
    if creadas_entre is not None:
        pendientes = pendientes.filter(creada__range=creadas_entre, frecuencia=FrecuenciaAlerta.INMEDIATA)
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
    correo_de_alertas(usuario, lista).send()
    Notificacion.objects.filter(pk__in=[n.pk for n in lista]).update(correo_enviado_en=timezone.now())
    return 1


def correo_de_alertas(usuario: Usuario, lista: list[Notificacion]) -> EmailMultiAlternatives:
    """Un correo (texto y HTML) con una o varias alertas de la persona; en un resumen, un solo
    correo con todas. La baja de la cabecera es la del tipo, o la de todos si el resumen mezcla tipos."""
    if len(lista) == 1:
        asunto = lista[0].titulo
    else:
        asunto = _("ATT: %(n)d alertas nuevas") % {"n": len(lista)}
    categorias = {n.categoria for n in lista}
    baja_cabecera = _url_absoluta(reverse(
        "baja-alertas", args=[token_baja(usuario.pk, categorias.pop() if len(categorias) == 1 else TODAS_LAS_DEMAS)]
    ))
    contexto = {
        "usuario": usuario,
        "asunto": asunto,
        "alertas": [
            {"titulo": n.titulo, "mensaje": n.mensaje, "enlace": _url_absoluta(n.url) if n.url else "",
             "tipo": nombre_categoria(n.categoria),
             "baja": _url_absoluta(reverse("baja-alertas", args=[token_baja(usuario.pk, n.categoria)]))}
            for n in lista
        ],
        "preferencias": _url_absoluta(reverse("preferencias-alertas")),
        "todas": _url_absoluta(reverse("nucleo:alertas")),
        "baja_todas": _url_absoluta(reverse("baja-alertas", args=[token_baja(usuario.pk, TODAS_LAS_DEMAS)])),
        "sitio": _url_absoluta("/"),
    }
    correo = EmailMultiAlternatives(
        subject=asunto, body=render_to_string("correo/alertas.txt", contexto),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[usuario.email],
        headers={
            "Message-ID": make_msgid(domain=_dominio()),
            "List-Unsubscribe": f"<{baja_cabecera}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    correo.attach_alternative(render_to_string("correo/alertas.html", contexto), "text/html")
    return correo


def enviar_atrasadas() -> int:
    """Correos inmediatos que no salieron a tiempo (p. ej., Redis caído cuando se crearon)."""
    ahora = timezone.now()
    return enviar_pendientes(creadas_entre=(ahora - VENTANA_ATRASADAS, ahora - MARGEN_INMEDIATAS))


def correo_de_cuenta(para: str, contexto: dict) -> EmailMultiAlternatives:
    """El correo (texto y HTML) de un trámite de cuenta o de datos personales (`att.cuentas`): aquí, con
    las demás plantillas de `templates/correo/`, que ninguna página sirve."""
    correo = EmailMultiAlternatives(
        subject=contexto["asunto"], body=render_to_string("correo/cuenta.txt", contexto),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[para], headers={"Auto-Submitted": "auto-generated"},
    )
    correo.attach_alternative(render_to_string("correo/cuenta.html", contexto), "text/html")
    return correo
