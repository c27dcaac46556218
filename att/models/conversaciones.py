"""Conversación sobre un objeto (una demanda, un plan concertado): mensajes con adjuntos entre la
entidad territorial, los oferentes y el DNP.

Un solo modelo para todos los tipos, con una relación genérica: `att` está debajo de las apps y no
conoce sus modelos; cada app registra su tipo en `att.conversaciones` (quién ve, quién escribe, a
quién se avisa y a qué página lleva el aviso)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from att.validadores import TEXTO_MEDIO, largo_maximo


class Mensaje(models.Model):
    tipo = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    objeto_id = models.PositiveBigIntegerField()
    objeto = GenericForeignKey("tipo", "objeto_id")
    autor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mensajes")
    # La entidad por la que escribió (la muestra la conversación; queda aunque la persona cambie de entidad).
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    texto = models.TextField(_("mensaje"), **largo_maximo(TEXTO_MEDIO))
    creado = models.DateTimeField(_("enviado"), auto_now_add=True)
    # Clave del envío (el token del formulario o la cabecera Idempotency-Key): un reenvío o una tarea
    # reentregada con la misma clave no crea un segundo mensaje.
    clave = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["creado", "pk"]
        verbose_name = _("mensaje de conversación")
        verbose_name_plural = _("mensajes de conversación")
        indexes = [models.Index(fields=["tipo", "objeto_id", "creado"], name="mensaje_objeto")]
        constraints = [
            models.UniqueConstraint(fields=["autor", "clave"], condition=~models.Q(clave=""),
                                    name="mensaje_unico_por_clave"),
        ]

    def __str__(self):
        return f"{self.autor_id} · {self.creado:%Y-%m-%d %H:%M}" if self.creado else str(self.autor_id)


def ruta_adjunto_mensaje(instancia, nombre):
    return f"conversaciones/{instancia.mensaje_id}/{nombre}"


class AdjuntoMensaje(models.Model):
    """Se descarga por `nucleo:adjunto-mensaje`, que verifica que la persona puede ver el objeto."""

    mensaje = models.ForeignKey(Mensaje, on_delete=models.CASCADE, related_name="adjuntos")
    archivo = models.FileField(_("archivo"), upload_to=ruta_adjunto_mensaje, max_length=255)
    nombre = models.CharField(_("nombre"), max_length=255)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"))

    class Meta:
        ordering = ["mensaje_id", "pk"]
        verbose_name = _("adjunto de mensaje")
        verbose_name_plural = _("adjuntos de mensajes")

    def __str__(self):
        return self.nombre
