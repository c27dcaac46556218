from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from att.validadores import TEXTO_MEDIO, largo_maximo


class Notificacion(models.Model):
    """Alerta dentro de la plataforma; se envía también por correo (inmediato o resumen diario)."""

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notificaciones"
    )
    categoria = models.CharField(_("categoría"), max_length=40)
    titulo = models.CharField(_("título"), max_length=200)
    mensaje = models.TextField(_("mensaje"), blank=True, **largo_maximo(TEXTO_MEDIO))
    url = models.CharField(_("enlace"), max_length=300, blank=True)
    creada = models.DateTimeField(_("creada"), auto_now_add=True)
    leida_en = models.DateTimeField(_("leída"), null=True, blank=True)
    correo_enviado_en = models.DateTimeField(_("correo enviado"), null=True, blank=True)
    clave = models.CharField(
        max_length=120, blank=True,
        help_text=_("Evita duplicados: una sola notificación por usuario y clave."),
    )

    class Meta:
        ordering = ["-creada"]
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        indexes = [models.Index(fields=["usuario", "leida_en"]), models.Index(fields=["correo_enviado_en"])]
        constraints = [
            models.UniqueConstraint(
                fields=["usuario", "clave"], condition=~models.Q(clave=""), name="notificacion_unica_por_clave"
            )
        ]

    def __str__(self):
        return self.titulo
