import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .avisos import QuerySetQueAvisa
from .usuarios import Rol


class TokenIntegracionQuerySet(QuerySetQueAvisa):
    campos_sin_aviso = frozenset({"ultimo_uso"})

    def vigentes(self):
        return self.filter(revocado_en__isnull=True)


class TokenIntegracion(models.Model):
    """Token de un integrador, emitido por un administrador DNP, ligado a una entidad y un rol.

    Solo se guarda el resumen SHA-256 de la clave: la clave se muestra una vez al emitirla.
    """

    nombre = models.CharField(_("nombre del cliente"), max_length=150)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens",
        verbose_name=_("usuario integrador"),
    )
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="tokens")
    rol = models.CharField(_("rol"), max_length=30, choices=Rol.choices, default=Rol.INTEGRADOR)
    prefijo = models.CharField(_("prefijo"), max_length=8, editable=False)
    resumen = models.CharField(max_length=64, unique=True, editable=False)
    emitido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tokens_emitidos",
        verbose_name=_("emitido por"),
    )
    creado = models.DateTimeField(_("emitido"), default=timezone.now)
    ultimo_uso = models.DateTimeField(_("último uso"), null=True, blank=True)
    revocado_en = models.DateTimeField(_("revocado"), null=True, blank=True)
    revocado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="tokens_revocados",
        verbose_name=_("revocado por"),
    )

    objects = TokenIntegracionQuerySet.as_manager()
    # El resumen de la clave no se copia; el último uso es técnico (se escribe en cada solicitud).
    historial = HistoricalRecords(excluded_fields=["resumen", "ultimo_uso"])

    class Meta:
        ordering = ["-creado"]
        verbose_name = _("token de integración")
        verbose_name_plural = _("tokens de integración")

    def __str__(self):
        return f"{self.nombre} ({self.prefijo}…)"

    @staticmethod
    def resumir(clave: str) -> str:
        return hashlib.sha256(clave.encode()).hexdigest()

    @staticmethod
    def nueva_clave() -> str:
        return secrets.token_urlsafe(32)

    @property
    def vigente(self) -> bool:
        return self.revocado_en is None
