from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TipoEventoSeguridad(models.TextChoices):
    INGRESO_FALLIDO = "ingreso_fallido", _("Ingreso fallido")
    BLOQUEO = "bloqueo", _("Bloqueo por intentos fallidos")
    INGRESO = "ingreso", _("Ingreso")
    SALIDA = "salida", _("Salida")
    PERMISO_DENEGADO = "permiso_denegado", _("Permiso denegado")
    TOKEN_EMITIDO = "token_emitido", _("Token de integración emitido")
    TOKEN_REVOCADO = "token_revocado", _("Token de integración revocado")
    ROL_CAMBIADO = "rol_cambiado", _("Membresía o rol cambiado")
    STAFF_CAMBIADO = "staff_cambiado", _("Acceso de administración cambiado")
    MFA_FALLIDA = "mfa_fallida", _("Segundo factor fallido")


class EventoSeguridad(models.Model):
    """Registro de seguridad (OWASP ASVS L2, cap. 7): quién, desde qué IP, cuándo y qué pasó.

    Solo se agregan filas (`att.bitacora.registrar`): nadie las edita ni las borra desde la
    plataforma; el administrador DNP las consulta en el admin y en /nucleo/seguridad/.
    `usuario` es quien actuó (la persona con sesión o token), si se conoce; `correo` es el que se
    intentó en un ingreso fallido o el de la persona afectada por un cambio de rol, de permisos o
    de token. Retención: se conservan (no hay purga automática); si la política de retención del
    DNP fija un plazo, se borra por fecha (`creado`) con un comando aparte.
    """

    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoEventoSeguridad.choices)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="eventos_seguridad", verbose_name=_("usuario"),
    )
    correo = models.CharField(_("correo"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    ruta = models.CharField(_("ruta"), max_length=500, blank=True)
    metodo = models.CharField(_("método"), max_length=10, blank=True)
    request_id = models.CharField(_("id de la solicitud"), max_length=128, blank=True)
    detalle = models.JSONField(_("detalle"), default=dict, blank=True)
    creado = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-creado"]
        verbose_name = _("evento de seguridad")
        verbose_name_plural = _("registro de seguridad")
        indexes = [models.Index(fields=["tipo", "creado"], name="evento_seg_tipo_creado")]

    def __str__(self):
        return f"{self.get_tipo_display()} · {self.creado:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Solo se agregan filas: un evento ya guardado no se reescribe.
        if not self._state.adding:
            raise ValueError("Un evento de seguridad no se modifica.")
        super().save(*args, **kwargs)
