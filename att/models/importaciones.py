"""Una importación de archivo (de cualquier tipo: demandas, líneas de plan, atributos, MDM): ensayo,
confirmación reclamada una sola vez, escritura de todo o nada, avance visible aunque se recargue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EstadoImportacionArchivo(models.TextChoices):
    VALIDANDO = "validando", _("Validando (ensayo)")
    CON_ERRORES = "con_errores", _("Con errores: no se escribió nada")
    VALIDADA = "validada", _("Validada: espera confirmación")
    IMPORTANDO = "importando", _("Importando")
    TERMINADA = "terminada", _("Terminada")
    FALLIDA = "fallida", _("Fallida: no se escribió nada")


class Importacion(models.Model):
    tipo = models.CharField(_("tipo"), max_length=40)
    ambito = models.PositiveBigIntegerField(_("ámbito (p. ej. el plan)"), null=True, blank=True)
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archivo = models.FileField(_("archivo"), upload_to="importaciones/archivos/", max_length=255)
    nombre_archivo = models.CharField(_("nombre del archivo"), max_length=255)
    opciones = models.JSONField(_("opciones"), default=dict, blank=True)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoImportacionArchivo.choices,
                              default=EstadoImportacionArchivo.VALIDANDO)
    total = models.PositiveIntegerField(_("filas"), default=0)
    procesadas = models.PositiveIntegerField(_("filas procesadas"), default=0)
    validas = models.PositiveIntegerField(_("filas válidas"), default=0)
    escritas = models.PositiveIntegerField(_("filas escritas"), default=0)
    errores = models.JSONField(_("errores por fila"), default=list, blank=True)
    avisos = models.JSONField(_("avisos"), default=list, blank=True)
    creada = models.DateTimeField(auto_now_add=True)
    actualizada = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-creada"]
        verbose_name = _("importación de archivo")
        verbose_name_plural = _("importaciones de archivos")
        indexes = [models.Index(fields=["estado", "actualizada"], name="importacion_estado_act")]

    def __str__(self):
        return f"{self.tipo}: {self.nombre_archivo}"

    @property
    def porcentaje(self) -> int:
        return int(100 * self.procesadas / self.total) if self.total else 0

    @property
    def en_curso(self) -> bool:
        return self.estado in (EstadoImportacionArchivo.VALIDANDO, EstadoImportacionArchivo.IMPORTANDO)
