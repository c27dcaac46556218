"""La ruta de asistencia de una entidad territorial con uno o varios oferentes (metodología CONPES
4091, documento 004): los seis protocolos mínimos como pasos, probados por los registros que ya
crean las demás apps, y el egreso.

El estado de cada paso NO se guarda: lo deriva `rutas.selectors` de los registros reales (el
diagnóstico y las demandas, las líneas con objetivo de agenda, el plan concertado y sus mesas, los
hitos y avances validados, la práctica o lección sistematizada, las asesorías y eventos). Así un
paso se completa cuando el servicio de otra app crea su registro, sin que esa app (capa inferior)
conozca las rutas, y nunca queda desfasado de lo que prueba. Lo único que se guarda a mano es «no
aplica» con su motivo (`PasoNoAplica`) y el cierre de la ruta (egreso).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, largo_maximo


class Protocolo(models.IntegerChoices):
    IDENTIFICACION = 1, _("Identificación de la demanda y la oferta")
    AGENDAMIENTO = 2, _("Agendamiento de las apuestas de desarrollo")
    PLAN_CONCERTADO = 3, _("Plan de trabajo concertado")
    SEGUIMIENTO = 4, _("Monitoreo, seguimiento y evaluación")
    CONOCIMIENTO = 5, _("Sistematización y gestión del conocimiento")
    LLEGADA = 6, _("Operación de la llegada a territorio")


class EstadoPaso(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_CURSO = "en_curso", _("En curso")
    HECHO = "hecho", _("Hecho")
    NO_APLICA = "no_aplica", _("No aplica")


class EstadoRuta(models.TextChoices):
    ABIERTA = "abierta", _("Abierta")
    EGRESADA = "egresada", _("Egresada: objetivo cumplido")
    CERRADA = "cerrada", _("Cerrada con motivo")


class Ruta(models.Model):
    """Ruta de asistencia de una entidad territorial en una capacidad, con uno o varios oferentes
    (varios: plan articulado). Termina con un egreso (`att.EgresoCapacidad`)."""

    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="rutas_asistencia",
                                verbose_name=_("entidad territorial"))
    oferentes = models.ManyToManyField("att.Entidad", related_name="rutas_como_oferente",
                                       verbose_name=_("entidades oferentes"))
    capacidad = models.ForeignKey("att.Capacidad", on_delete=models.PROTECT, related_name="rutas",
                                  verbose_name=_("capacidad a fortalecer"))
    inicio = models.DateField(_("inicio de la ruta"))
    estado = models.CharField(_("estado"), max_length=10, choices=EstadoRuta.choices, default=EstadoRuta.ABIERTA)
    egreso = models.OneToOneField("att.EgresoCapacidad", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="ruta", verbose_name=_("egreso"))
    # Entidad, capacidad y oferentes ordenados («12:3:40,41»): una ruta abierta por combinación; crearla
    # de nuevo (doble clic, reintento) devuelve la misma.
    clave = models.CharField(max_length=200, editable=False)
    creada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("creada por"))
    creada = models.DateTimeField(_("creada"), auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(m2m_fields=["oferentes"])

    class Meta:
        ordering = ["-inicio", "-pk"]
        verbose_name = _("ruta de asistencia")
        verbose_name_plural = _("rutas de asistencia")
        indexes = [
            models.Index(fields=["actualizado", "id"], name="ruta_act"),
            models.Index(fields=["entidad", "estado"], name="ruta_entidad_estado"),
            models.Index(fields=["-inicio", "-id"], name="ruta_inicio_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["clave"], condition=models.Q(estado="abierta"),
                                    name="ruta_abierta_unica"),
            models.CheckConstraint(condition=models.Q(estado="abierta") | models.Q(egreso__isnull=False),
                                   name="ruta_cerrada_con_egreso"),
        ]

    def __str__(self):
        return f"{self.entidad} · {self.capacidad}"


class PasoNoAplica(models.Model):
    """Un protocolo que no aplica a esta ruta, con el motivo (lo único de los pasos que se marca a mano)."""

    ruta = models.ForeignKey(Ruta, on_delete=models.CASCADE, related_name="no_aplica")
    protocolo = models.PositiveSmallIntegerField(_("protocolo"), choices=Protocolo.choices)
    motivo = models.TextField(_("motivo"), **largo_maximo(TEXTO_CORTO))
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(_("cuándo"), auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["ruta_id", "protocolo"]
        verbose_name = _("paso que no aplica")
        verbose_name_plural = _("pasos que no aplican")
        constraints = [
            models.UniqueConstraint(fields=["ruta", "protocolo"], name="paso_no_aplica_unico"),
            models.CheckConstraint(condition=~models.Q(motivo=""), name="paso_no_aplica_con_motivo"),
        ]

    def __str__(self):
        return f"{self.ruta} · {self.get_protocolo_display()}"
