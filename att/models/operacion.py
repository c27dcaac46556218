"""Modelos de operación: la bandeja de salida (outbox) y las escrituras idempotentes.

- `Salida`: correos y lanzamientos de tareas que se escriben en la misma transacción que el
  cambio que los origina; un despachador periódico los reclama con `FOR UPDATE SKIP LOCKED`,
  los publica y reintenta con espera creciente. Así un Redis caído no hace fallar la petición
  ni pierde el trabajo.
- `SolicitudIdempotente`: la primera respuesta a un envío con la misma clave (token de
  formulario o cabecera `Idempotency-Key` de la API), para devolverla ante un reenvío en vez de
  escribir dos veces.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from att.validadores import TEXTO_TECNICO, largo_maximo


class EstadoSalida(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    PUBLICADA = "publicada", _("Publicada")
    FALLIDA = "fallida", _("Fallida")


class Salida(models.Model):
    """Una tarea por lanzar, escrita junto con el cambio que la pide (patrón outbox)."""

    tarea = models.CharField(_("tarea"), max_length=120)
    argumentos = models.JSONField(_("argumentos"), default=list, blank=True)
    parametros = models.JSONField(_("parámetros"), default=dict, blank=True)
    clave = models.CharField(
        _("clave"), max_length=200, blank=True,
        help_text=_("Evita lanzar dos veces lo mismo: una sola salida pendiente por clave."),
    )
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoSalida.choices, default=EstadoSalida.PENDIENTE)
    intentos = models.PositiveIntegerField(_("intentos"), default=0)
    proximo_intento = models.DateTimeField(_("próximo intento"), auto_now_add=True)
    creada = models.DateTimeField(_("creada"), auto_now_add=True)
    publicada_en = models.DateTimeField(_("publicada"), null=True, blank=True)
    ultimo_error = models.TextField(_("último error"), blank=True, **largo_maximo(TEXTO_TECNICO))

    class Meta:
        ordering = ["creada"]
        verbose_name = _("salida pendiente")
        verbose_name_plural = _("bandeja de salida")
        indexes = [
            models.Index(
                fields=["proximo_intento"], condition=models.Q(estado="pendiente"), name="salida_pendiente_proxima"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clave"], condition=models.Q(estado="pendiente") & ~models.Q(clave=""),
                name="salida_unica_pendiente_por_clave",
            ),
        ]

    def __str__(self):
        return f"{self.tarea} ({self.get_estado_display()})"


class SolicitudIdempotente(models.Model):
    """Resultado del primer envío con una clave; un reenvío con la misma clave lo recibe tal cual."""

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    clave = models.CharField(_("clave"), max_length=200)
    metodo = models.CharField(max_length=10)
    ruta = models.CharField(max_length=500)
    huella = models.CharField(_("huella del cuerpo"), max_length=64, blank=True)
    completa = models.BooleanField(default=False)
    codigo = models.PositiveSmallIntegerField(null=True, blank=True)
    cabeceras = models.JSONField(default=dict, blank=True)
    cuerpo = models.BinaryField(null=True, blank=True)
    creada = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("solicitud idempotente")
        verbose_name_plural = _("solicitudes idempotentes")
        constraints = [
            models.UniqueConstraint(fields=["usuario", "clave"], name="idempotencia_unica_por_usuario",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.metodo} {self.ruta} · {self.clave}"


class EstadoExportacion(models.TextChoices):
    PENDIENTE = "pendiente", _("En cola")
    GENERANDO = "generando", _("Generándose")
    LISTA = "lista", _("Lista")
    FALLIDA = "fallida", _("Falló")


def ruta_exportacion(instancia, archivo: str) -> str:
    return f"exportaciones/{instancia.creada:%Y/%m}/{instancia.clave}/{archivo}"


class ArchivoExportado(models.Model):
    """Una exportación grande (XLSX por encima de `ATT_EXPORTACION_UMBRAL_FILAS`) que genera una tarea de
    Celery (`att.generar_exportacion`) en vez de un worker web; la página de la `clave` (secreta, en el
    enlace) muestra su estado y da la descarga, como los informes (`respuesta_archivo_generado`)."""

    clave = models.UUIDField(_("clave del enlace"), unique=True, editable=False)
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="exportaciones", verbose_name=_("pedida por"))
    tipo = models.CharField(_("exportación"), max_length=60)
    formato = models.CharField(_("formato"), max_length=4)
    parametros = models.JSONField(_("parámetros"), default=dict, blank=True)
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoExportacion.choices,
                              default=EstadoExportacion.PENDIENTE)
    filas = models.PositiveIntegerField(_("filas"), null=True, blank=True)
    xlsx = models.FileField(upload_to=ruta_exportacion, blank=True, max_length=255)
    csv = models.FileField(upload_to=ruta_exportacion, blank=True, max_length=255)
    nombre = models.CharField(_("nombre del archivo"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True, **largo_maximo(TEXTO_TECNICO))
    creada = models.DateTimeField(_("pedida"), auto_now_add=True)
    terminada = models.DateTimeField(_("terminada"), null=True, blank=True)

    class Meta:
        verbose_name = _("archivo exportado")
        verbose_name_plural = _("archivos exportados")
        indexes = [models.Index(fields=["creada"], name="exportacion_creada")]

    def __str__(self) -> str:
        return f"{self.tipo} ({self.formato}) {self.clave}"
