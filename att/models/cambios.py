"""Fuente de cambios para integradores: lápidas de lo eliminado y webhooks firmados.

- `Eliminacion`: una lápida por objeto borrado de un tipo expuesto en la API (`att/cambios.py` los
  registra); la lista `/api/v1/eliminaciones/` las muestra a quien pudo leer el objeto y la tarea
  `att.purgar_eliminaciones` borra las de más de `ATT_ELIMINACIONES_DIAS` días.
- `SuscripcionWebhook`: una URL que recibe los eventos (creado, actualizado, eliminado) de los tipos
  elegidos, firmados con HMAC-SHA256 con su secreto.
- `EntregaWebhook`: una entrega por (suscripción, evento): el estado de sus intentos y la marca que
  impide entregar dos veces el mismo evento.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_TECNICO, largo_maximo


class Eliminacion(models.Model):
    """Lápida de un objeto eliminado (sin sus datos: solo tipo, identificador y alcance)."""

    tipo = models.CharField(_("tipo"), max_length=100, help_text=_("«app.modelo», p. ej. «oferta.oferta»."))
    objeto_id = models.CharField(_("identificador"), max_length=64)
    eliminado_en = models.DateTimeField(_("eliminado en"), default=timezone.now)
    # Alcance de lectura al momento de borrar: pública para quien lee la lista de ese tipo, o solo
    # para la entidad dueña (y quien lee todo). Entero sin llave foránea: la lápida sobrevive a la
    # entidad y el borrado en cascada de esta no choca con la restricción.
    publico = models.BooleanField(_("pública"), default=False)
    entidad_id_alcance = models.BigIntegerField(_("entidad dueña"), null=True, blank=True)

    class Meta:
        ordering = ["eliminado_en", "pk"]
        verbose_name = _("eliminación")
        verbose_name_plural = _("eliminaciones")
        indexes = [
            models.Index(fields=["eliminado_en", "id"], name="eliminacion_en"),
            models.Index(fields=["tipo", "eliminado_en"], name="eliminacion_tipo_en"),
        ]

    def __str__(self):
        return f"{self.tipo} {self.objeto_id}"


class SuscripcionWebhook(models.Model):
    """Una URL registrada que recibe eventos firmados. El secreto se muestra una sola vez al crearla."""

    url = models.URLField(_("URL"), max_length=500)
    secreto = models.CharField(_("secreto"), max_length=128, editable=False)
    eventos = models.JSONField(
        _("eventos"), default=list, blank=True,
        help_text=_("Lista de «app.modelo.accion» (accion: creado, actualizado o eliminado)."),
    )
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="suscripciones_webhook", verbose_name=_("entidad"))
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="suscripciones_webhook", verbose_name=_("dueño"))
    # Registrada con un token de integración: los eventos se filtran con la entidad y el rol de ese
    # token (no con todas las membresías de la persona); revocado el token, no se entrega nada.
    token = models.ForeignKey("att.TokenIntegracion", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="suscripciones_webhook", verbose_name=_("token de integración"))
    activa = models.BooleanField(_("activa"), default=True)
    creada = models.DateTimeField(_("creada"), auto_now_add=True)
    # El secreto no va al historial: una copia en otra tabla sería otra fuga posible.
    historial = HistoricalRecords(excluded_fields=["secreto"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("suscripción a webhooks")
        verbose_name_plural = _("suscripciones a webhooks")

    def __str__(self):
        return self.url


class EstadoEntrega(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ENVIANDO = "enviando", _("Enviando")
    ENTREGADA = "entregada", _("Entregada")
    FALLIDA = "fallida", _("Fallida")


class EntregaWebhook(models.Model):
    """Un evento por entregar a una suscripción; única por (suscripción, evento)."""

    suscripcion = models.ForeignKey(SuscripcionWebhook, on_delete=models.CASCADE, related_name="entregas")
    evento_id = models.UUIDField(_("evento"), default=uuid.uuid4)
    cuerpo = models.TextField(_("cuerpo"), **largo_maximo(TEXTO_TECNICO))
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoEntrega.choices,
                              default=EstadoEntrega.PENDIENTE)
    intentos = models.PositiveIntegerField(_("intentos"), default=0)
    proximo_intento = models.DateTimeField(_("próximo intento"), default=timezone.now)
    entregada_en = models.DateTimeField(_("entregada"), null=True, blank=True)
    # Cuándo la tomó una corrida para enviarla (estado «enviando»): pasado el plazo de
    # `att.cambios.PLAZO_TOMA` otra corrida la puede volver a tomar (la primera murió a mitad).
    tomada_en = models.DateTimeField(_("tomada en"), null=True, blank=True)
    ultimo_error = models.TextField(_("último error"), blank=True, **largo_maximo(TEXTO_TECNICO))
    creada = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entrega de webhook")
        verbose_name_plural = _("entregas de webhooks")
        constraints = [
            models.UniqueConstraint(fields=["suscripcion", "evento_id"], name="entrega_unica_por_evento"),
        ]
        indexes = [
            models.Index(fields=["proximo_intento"], condition=models.Q(estado="pendiente"),
                         name="entrega_pendiente_proxima"),
        ]

    def __str__(self):
        return f"{self.evento_id} → {self.suscripcion_id} ({self.get_estado_display()})"
