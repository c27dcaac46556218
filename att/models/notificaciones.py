from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_MEDIO, largo_maximo


class CategoriaAlerta(models.TextChoices):
    """Los tipos de alerta (`categoria` de `notificar`), con el nombre que ve la persona en sus
    preferencias. Una categoría que no esté aquí sigue la preferencia «todas las demás»."""

    DEMANDA_COINCIDE = "demanda_coincide", _("Demandas que coinciden con su oferta")
    DEMANDA_REMITIDA = "demanda_remitida", _("Demandas remitidas a su entidad")
    DEMANDA_VINCULADA = "demanda_vinculada", _("Demandas vinculadas a su oferta")
    DEMANDA_ESTADO = "demanda_estado", _("Cambios de estado de sus demandas")
    DEMANDA_SIN_OFERTA = "demanda_sin_oferta", _("Demandas sin oferta que las atienda (brechas)")
    DEMANDA_SOLICITADA = "demanda_solicitada", _("Ofertas que una entidad territorial solicita para su demanda")
    OFERTA = "oferta", _("Revisión y publicación de ofertas")
    AGENDA = "agenda", _("Planes de trabajo y compromisos")
    SEGUIMIENTO = "seguimiento", _("Seguimiento: hitos, percepción e informes")
    CONOCIMIENTO = "conocimiento", _("Repositorio de conocimiento")
    COMUNIDAD = "comunidad", _("Comunidad de práctica")
    FORMACION = "formacion", _("Formación")
    CONVERSACION = "conversacion", _("Mensajes en las conversaciones de demandas y planes concertados")
    CUENTAS = "cuentas", _("Solicitudes de cuenta por aprobar")


# La fila de preferencia con esta categoría vale para todo tipo sin fila propia (y para los tipos
# que no están en `CategoriaAlerta`).
TODAS_LAS_DEMAS = "*"


class FrecuenciaAlerta(models.TextChoices):
    INMEDIATA = "inmediata", _("Un correo por alerta, en el momento")
    RESUMEN = "resumen", _("Un resumen diario")
    NINGUNA = "ninguna", _("No enviar correo (solo en la plataforma)")


class PreferenciaAlerta(models.Model):
    """Cómo quiere recibir una persona cada tipo de alerta. Sin fila para un tipo, vale la fila
    `TODAS_LAS_DEMAS`; sin esa, la preferencia global `Usuario.recibe_resumen_diario`."""

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferencias_alerta"
    )
    categoria = models.CharField(_("tipo de alerta"), max_length=40)
    frecuencia = models.CharField(_("correo"), max_length=12, choices=FrecuenciaAlerta.choices)
    actualizada = models.DateTimeField(_("actualizada"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("preferencia de alertas")
        verbose_name_plural = _("preferencias de alertas")
        constraints = [
            models.UniqueConstraint(fields=["usuario", "categoria"], name="preferencia_alerta_unica"),
        ]

    def __str__(self):
        return f"{self.usuario_id} · {self.categoria}: {self.frecuencia}"


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
