"""Lo que un formulario guarda para no perder el trabajo de quien lo llena (issue 15):

- `AdjuntoPendiente`: un archivo que llegó con un envío que no pasó la validación. Se guarda del lado
  del servidor, a nombre de quien lo subió, con un token; el formulario lo vuelve a mostrar
  («Adjuntos conservados») y lo adjunta en el siguiente envío. Vence en un día (tarea periódica).
- `Borrador`: lo escrito en un formulario largo, guardado mientras la persona escribe (sin archivos).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HORAS_ADJUNTO_PENDIENTE = 24
DIAS_BORRADOR = 30


def _token() -> str:
    return secrets.token_urlsafe(24)


def _vence_adjunto():
    return timezone.now() + timedelta(hours=HORAS_ADJUNTO_PENDIENTE)


def ruta_adjunto_pendiente(instancia, nombre: str) -> str:
    # El nombre original se guarda aparte: en el disco solo el token (sin rutas ni nombres de la persona).
    extension = nombre.rsplit(".", 1)[-1].lower()[:10] if "." in nombre else "bin"
    return f"pendientes/{timezone.now():%Y/%m}/{instancia.token}.{extension}"


class AdjuntoPendiente(models.Model):
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("usuario"))
    formulario = models.CharField(_("formulario"), max_length=80)
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    archivo = models.FileField(_("archivo"), upload_to=ruta_adjunto_pendiente, max_length=255)
    nombre = models.CharField(_("nombre"), max_length=255)
    tamano = models.PositiveBigIntegerField(_("tamaño (bytes)"), default=0)
    tipo_contenido = models.CharField(_("tipo de contenido"), max_length=120, blank=True)
    creado = models.DateTimeField(_("creado"), auto_now_add=True)
    vence = models.DateTimeField(_("vence"), default=_vence_adjunto)
    # Usado en un envío exitoso: se guarda hasta que venza para que un reenvío (doble clic) lo encuentre.
    usado = models.DateTimeField(_("usado"), null=True, blank=True)

    class Meta:
        verbose_name = _("adjunto pendiente")
        verbose_name_plural = _("adjuntos pendientes")
        indexes = [models.Index(fields=["vence"], name="adjpend_vence"),
                   models.Index(fields=["usuario", "formulario"], name="adjpend_usuario_form")]

    def __str__(self):
        return self.nombre


class Borrador(models.Model):
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("usuario"))
    formulario = models.CharField(_("formulario"), max_length=80)
    # El objeto que se edita (p. ej. la demanda o la línea); 0 = un formulario nuevo.
    objeto_id = models.PositiveBigIntegerField(_("objeto"), default=0)
    datos = models.JSONField(_("datos"), default=dict)
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("borrador")
        verbose_name_plural = _("borradores")
        constraints = [models.UniqueConstraint(fields=["usuario", "formulario", "objeto_id"], name="borrador_unico")]
        indexes = [models.Index(fields=["actualizado"], name="borrador_actualizado")]

    def __str__(self):
        return f"{self.formulario} ({self.objeto_id})"
