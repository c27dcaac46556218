"""Agenda nacional de ATT, planes de trabajo anuales y planes concertados con cada ET (DOMAIN §6).

Núcleo estable del que depende `seguimiento` (hitos sobre `LineaPlan`); el resto del modelo de la
agenda (versiones, mesas de trabajo, compromisos…) crece en esta app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EstadoAgenda(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    CONCERTADA = "concertada", _("Concertada")
    VIGENTE = "vigente", _("Vigente")
    CERRADA = "cerrada", _("Cerrada")


class AgendaNacional(models.Model):
    nombre = models.CharField(_("nombre"), max_length=255)
    anio_inicio = models.PositiveSmallIntegerField(_("año de inicio"))
    anio_fin = models.PositiveSmallIntegerField(_("año de fin"))
    descripcion = models.TextField(_("descripción"), blank=True)
    alineacion_pnd = models.TextField(_("alineación con el PND"), blank=True)
    alineacion_ods = models.TextField(_("alineación con los ODS"), blank=True)
    alineacion_mipg = models.TextField(_("alineación con políticas MIPG"), blank=True)
    participantes = models.ManyToManyField(
        "att.Entidad", blank=True, related_name="agendas", verbose_name=_("entidades participantes")
    )
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoAgenda.choices, default=EstadoAgenda.BORRADOR)
    creada = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-anio_inicio"]
        verbose_name = _("agenda nacional de ATT")
        verbose_name_plural = _("agendas nacionales de ATT")
        constraints = [
            models.CheckConstraint(condition=models.Q(anio_fin__gte=models.F("anio_inicio")), name="agenda_anios_ordenados"),
        ]

    def __str__(self):
        return self.nombre


class EstadoPlan(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    ENVIADO = "enviado", _("Enviado a revisión")
    DEVUELTO = "devuelto", _("Devuelto para ajuste")
    APROBADO = "aprobado", _("Aprobado")


class PlanDeTrabajo(models.Model):
    """Programación anual (vigencia) de una entidad participante bajo la agenda."""

    agenda = models.ForeignKey(AgendaNacional, on_delete=models.PROTECT, related_name="planes")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="planes_de_trabajo")
    vigencia = models.PositiveSmallIntegerField(_("vigencia (año)"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoPlan.choices, default=EstadoPlan.BORRADOR)
    version = models.PositiveSmallIntegerField(_("versión"), default=1)
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-vigencia", "entidad__nombre"]
        verbose_name = _("plan de trabajo")
        verbose_name_plural = _("planes de trabajo")
        constraints = [
            models.UniqueConstraint(fields=["agenda", "entidad", "vigencia"], name="plan_unico_por_entidad_vigencia"),
        ]

    def __str__(self):
        return f"{self.entidad} · {self.vigencia}"


class LineaPlan(models.Model):
    """Línea de un plan de trabajo: una oferta llevada a territorios focalizados."""

    plan = models.ForeignKey(PlanDeTrabajo, on_delete=models.CASCADE, related_name="lineas")
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.PROTECT, related_name="lineas_plan")
    objetivo = models.TextField(_("objetivo"))
    territorios = models.ManyToManyField(
        "att.Entidad", related_name="lineas_plan_focalizadas", verbose_name=_("entidades territoriales focalizadas")
    )
    etapa = models.ForeignKey("att.EtapaCiclo", on_delete=models.PROTECT, related_name="lineas_plan")
    temas = models.ManyToManyField("att.Tema", blank=True, related_name="lineas_plan")
    secuencia = models.PositiveSmallIntegerField(_("orden en la secuencia"), default=1)
    fecha_inicio = models.DateField(_("fecha de inicio"))
    fecha_fin = models.DateField(_("fecha de fin"))
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lineas_plan_a_cargo",
        verbose_name=_("responsable"),
    )
    inversion = models.DecimalField(_("inversión (COP)"), max_digits=16, decimal_places=0, default=0)
    fuente_financiacion = models.CharField(_("fuente de financiación"), max_length=150, blank=True)
    demandas = models.ManyToManyField(
        "demanda.Demanda", blank=True, related_name="lineas_plan", verbose_name=_("demandas que atiende")
    )
    peso = models.DecimalField(
        _("peso en el plan"), max_digits=6, decimal_places=2, default=1,
        help_text=_("Peso con que el avance de la línea suma al avance del plan."),
    )
    historial = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "secuencia", "pk"]
        verbose_name = _("línea del plan")
        verbose_name_plural = _("líneas del plan")
        constraints = [
            models.CheckConstraint(condition=models.Q(fecha_fin__gte=models.F("fecha_inicio")), name="linea_fechas_ordenadas"),
            models.CheckConstraint(condition=models.Q(inversion__gte=0), name="linea_inversion_no_negativa"),
            models.CheckConstraint(condition=models.Q(peso__gt=0), name="linea_peso_positivo"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.oferta}"
