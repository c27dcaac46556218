"""Informe de empalme de una entidad territorial: lo que recibe una administración nueva (PDF y XLSX)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EstadoEmpalme(models.TextChoices):
    PEDIDO = "pedido", _("Pedido: en cola")
    GENERANDO = "generando", _("Generándose")
    LISTO = "listo", _("Listo")
    FALLIDO = "fallido", _("Falló: se conserva la versión anterior")


def ruta_empalme(instancia, nombre):
    return f"att/empalme/{instancia.entidad_id}/{nombre}"


class InformeEmpalme(models.Model):
    """Uno por entidad territorial: pedirlo otra vez genera una versión nueva que reemplaza la anterior
    (que se sigue descargando mientras tanto). Lo genera la tarea `att.generar_empalme`."""

    entidad = models.OneToOneField("att.Entidad", on_delete=models.CASCADE, related_name="informe_empalme",
                                   verbose_name=_("entidad territorial"))
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoEmpalme.choices, default=EstadoEmpalme.PEDIDO)
    pedido_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("pedido por"))
    pedido_en = models.DateTimeField(_("pedido en"), null=True, blank=True)
    generado_en = models.DateTimeField(_("generado en"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versión"), default=0)
    pdf = models.FileField(upload_to=ruta_empalme, blank=True, max_length=255)
    xlsx = models.FileField(upload_to=ruta_empalme, blank=True, max_length=255)
    error = models.CharField(_("error"), max_length=500, blank=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("informe de empalme")
        verbose_name_plural = _("informes de empalme")

    def __str__(self):
        return f"{_('Empalme')} {self.entidad_id} v{self.version}"

    @property
    def en_curso(self) -> bool:
        return self.estado in (EstadoEmpalme.PEDIDO, EstadoEmpalme.GENERANDO)
