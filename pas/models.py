"""Plan de Acción y Seguimiento (PAS) del CONPES 4091 (003 §5.3–§5.5, Anexo A).

- Las acciones de las cuatro estrategias (§5.3), cada una con su objetivo específico (OE1–OE4),
  entidad responsable y corresponsables, fechas, peso de importancia, indicadores (`indicadores.Indicador`
  con su ficha, tipo de acumulación y metas anuales `MetaIndicador`) y costo por año y fuente.
- Los nueve cortes semestrales de la Tabla 1 (§5.4), de diciembre de 2022 al informe de cierre.
- El financiamiento indicativo de las Tablas 2 (por entidad) y 3 (por objetivo y año), en millones de pesos.
- El reporte de cada acción en cada corte: borrador → enviado → devuelto con comentarios | aprobado
  por el DNP. Cada envío deja una versión inmutable (`VersionReporte`): un reporte devuelto y
  reenviado conserva ambas. Cerrado el corte (candado de `indicadores.services`), nada cambia.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_LARGO, TEXTO_MEDIO, TEXTO_TECNICO, largo_maximo

MONTO = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class ObjetivoEspecifico(models.Model):
    """OE1–OE4 (003 §5.2) y la estrategia del plan de acción que lo desarrolla (§5.3.1–§5.3.4)."""

    codigo = models.CharField(_("código"), max_length=8, unique=True)
    nombre = models.CharField(_("objetivo específico"), max_length=400)
    estrategia = models.CharField(_("estrategia (eje del plan de acción)"), max_length=400)
    numeral = models.CharField(_("numeral del documento"), max_length=10)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["codigo"]
        verbose_name = _("objetivo específico")
        verbose_name_plural = _("objetivos específicos")

    def __str__(self):
        return f"{self.codigo}. {self.nombre}"


class CorteSemestral(models.Model):
    """Un corte del cronograma de seguimiento (Tabla 1). Cerrado por el DNP, queda bloqueado."""

    numero = models.PositiveSmallIntegerField(_("número"), unique=True)
    nombre = models.CharField(_("corte"), max_length=60)
    fecha_corte = models.DateField(_("fecha de corte"), unique=True)
    plazo_reporte = models.DateField(_("plazo de reporte"),
                                     help_text=_("Hasta este día las entidades envían su reporte del corte."))
    dias_alerta = models.PositiveSmallIntegerField(
        _("días de anticipación de la alerta"), default=10,
        help_text=_("Cuántos días antes del plazo se alerta a las entidades que no han reportado."))
    es_cierre = models.BooleanField(_("informe de cierre"), default=False)
    cerrado_en = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    cerrado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("cerrado por"))
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["numero"]
        indexes = [models.Index(fields=["actualizado", "id"], name="pas_corte_act")]
        verbose_name = _("corte semestral del PAS")
        verbose_name_plural = _("cortes semestrales del PAS")
        constraints = [models.CheckConstraint(condition=models.Q(plazo_reporte__gte=models.F("fecha_corte")),
                                              name="pas_plazo_despues_del_corte")]

    def __str__(self):
        return f"{self.nombre} ({self.fecha_corte:%Y-%m-%d})"

    # Lo que pide el candado de periodos de `indicadores.services` (exigir_periodo_abierto / periodo_cerrar).
    @property
    def clave_periodo(self) -> str:
        return f"pas.corte.{self.numero}"

    @property
    def cerrado(self) -> bool:
        return self.cerrado_en is not None

    def esta_cerrado(self) -> bool:
        """Leído de la base (no de la instancia en memoria, que pudo quedar vieja)."""
        return CorteSemestral.objects.filter(pk=self.pk, cerrado_en__isnull=False).exists()

    def mensaje_cerrado(self) -> str:
        return str(_("El %(c)s del PAS está cerrado: sus reportes ya no se pueden cambiar.") % {"c": self.nombre})

    def registrar_cierre(self, por) -> None:
        from django.utils import timezone

        self.cerrado_en, self.cerrado_por = timezone.now(), por
        self._history_user = por
        self.save(update_fields=["cerrado_en", "cerrado_por", "actualizado"])

    def periodo_terminado(self, hoy) -> bool:
        return self.fecha_corte < hoy


class FinanciamientoEntidad(models.Model):
    """Tabla 2: costo total indicativo de la política por entidad (millones de pesos)."""

    nombre_entidad = models.CharField(_("entidad (como la nombra el documento)"), max_length=200, unique=True)
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("entidad"))
    monto = models.DecimalField(_("costo total (millones de pesos)"), **MONTO)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-monto"]
        verbose_name = _("financiamiento por entidad (Tabla 2)")
        verbose_name_plural = _("financiamiento por entidad (Tabla 2)")

    def __str__(self):
        return f"{self.nombre_entidad}: {self.monto}"


class FinanciamientoObjetivo(models.Model):
    """Tabla 3: costo indicativo por objetivo específico y año (millones de pesos)."""

    objetivo = models.ForeignKey(ObjetivoEspecifico, on_delete=models.PROTECT, related_name="financiamiento")
    anio = models.PositiveSmallIntegerField(_("año"))
    monto = models.DecimalField(_("costo (millones de pesos)"), **MONTO)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["objetivo__codigo", "anio"]
        verbose_name = _("financiamiento por objetivo y año (Tabla 3)")
        verbose_name_plural = _("financiamiento por objetivo y año (Tabla 3)")
        constraints = [models.UniqueConstraint(fields=["objetivo", "anio"], name="pas_financiamiento_oe_anio")]

    def __str__(self):
        return f"{self.objetivo.codigo} {self.anio}: {self.monto}"


class Accion(models.Model):
    """Una acción del PAS (Anexo A): la entidad responsable la reporta cada semestre."""

    codigo = models.CharField(_("código"), max_length=12, unique=True)
    texto = models.TextField(_("acción"), **largo_maximo(TEXTO_MEDIO))
    objetivo = models.ForeignKey(ObjetivoEspecifico, on_delete=models.PROTECT, related_name="acciones",
                                 verbose_name=_("objetivo específico"))
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="acciones_pas",
                                verbose_name=_("entidad responsable"))
    corresponsables = models.ManyToManyField("att.Entidad", blank=True, related_name="acciones_pas_apoyo",
                                             verbose_name=_("entidades corresponsables"))
    fecha_inicio = models.DateField(_("fecha de inicio"))
    fecha_fin = models.DateField(_("fecha de terminación"))
    peso = models.DecimalField(
        _("importancia (%)"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Importancia de la acción para el objetivo general (Anexo A); el avance del plan la pondera."))
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(m2m_fields=[corresponsables])

    class Meta:
        ordering = ["codigo"]
        indexes = [models.Index(fields=["actualizado", "id"], name="pas_accion_act")]
        verbose_name = _("acción del PAS")
        verbose_name_plural = _("acciones del PAS")
        constraints = [models.CheckConstraint(condition=models.Q(fecha_fin__gte=models.F("fecha_inicio")),
                                              name="pas_accion_fechas")]

    def __str__(self):
        return f"{self.codigo} · {self.texto[:80]}"

    def clean(self):
        if self.fecha_inicio and self.fecha_fin and self.fecha_fin < self.fecha_inicio:
            raise ValidationError({"fecha_fin": _("La terminación no puede ser anterior al inicio.")})


class IndicadorAccion(models.Model):
    """Un indicador (gestión, producto o resultado) de una acción; su ficha y metas son las de `Indicador`."""

    accion = models.ForeignKey(Accion, on_delete=models.CASCADE, related_name="indicadores_pas")
    indicador = models.OneToOneField("indicadores.Indicador", on_delete=models.PROTECT, related_name="accion_pas")
    historial = HistoricalRecords()

    class Meta:
        ordering = ["accion_id", "indicador_id"]
        verbose_name = _("indicador de la acción")
        verbose_name_plural = _("indicadores de las acciones")

    def __str__(self):
        return f"{self.accion.codigo}: {self.indicador}"


class FuenteFinanciacion(models.TextChoices):
    INVERSION = "inversion", _("Presupuesto General de la Nación – inversión")
    FUNCIONAMIENTO = "funcionamiento", _("Presupuesto General de la Nación – funcionamiento")
    COOPERACION = "cooperacion", _("Cooperación internacional")
    OTRA = "otra", _("Otra fuente")


class CostoAccion(models.Model):
    """Costo programado de una acción por año y fuente (millones de pesos)."""

    accion = models.ForeignKey(Accion, on_delete=models.CASCADE, related_name="costos")
    anio = models.PositiveSmallIntegerField(_("año"))
    fuente = models.CharField(_("fuente"), max_length=16, choices=FuenteFinanciacion.choices,
                              default=FuenteFinanciacion.INVERSION)
    monto = models.DecimalField(_("costo (millones de pesos)"), **MONTO)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["accion_id", "anio", "fuente"]
        verbose_name = _("costo por año")
        verbose_name_plural = _("costos por año")
        constraints = [models.UniqueConstraint(fields=["accion", "anio", "fuente"], name="pas_costo_unico")]

    def __str__(self):
        return f"{self.accion.codigo} {self.anio} {self.get_fuente_display()}: {self.monto}"


class EstadoReporte(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    ENVIADO = "enviado", _("Enviado al DNP")
    DEVUELTO = "devuelto", _("Devuelto con comentarios")
    APROBADO = "aprobado", _("Aprobado por el DNP")


class ReportePAS(models.Model):
    """Reporte semestral de una acción en un corte (uno por acción y corte)."""

    accion = models.ForeignKey(Accion, on_delete=models.PROTECT, related_name="reportes")
    corte = models.ForeignKey(CorteSemestral, on_delete=models.PROTECT, related_name="reportes")
    estado = models.CharField(_("estado"), max_length=10, choices=EstadoReporte.choices, default=EstadoReporte.BORRADOR)
    avance = models.DecimalField(
        _("avance físico de la acción (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Avance acumulado de la acción al corte, según sus indicadores."))
    comprometido = models.DecimalField(_("presupuesto comprometido (millones de pesos)"), default=0, **MONTO)
    pagado = models.DecimalField(_("presupuesto pagado (millones de pesos)"), default=0, **MONTO)
    nota = models.TextField(_("nota cualitativa"), blank=True, **largo_maximo(TEXTO_LARGO))
    comentario_dnp = models.TextField(_("comentarios del DNP"), blank=True, **largo_maximo(TEXTO_MEDIO))
    version = models.PositiveSmallIntegerField(_("versiones enviadas"), default=0)
    enviado_en = models.DateTimeField(_("enviado el"), null=True, blank=True)
    revisado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True)
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["corte__numero", "accion__codigo"]
        indexes = [models.Index(fields=["actualizado", "id"], name="pas_reporte_act"),
                   models.Index(fields=["corte", "estado"], name="pas_reporte_corte_estado")]
        verbose_name = _("reporte del PAS")
        verbose_name_plural = _("reportes del PAS")
        constraints = [
            models.UniqueConstraint(fields=["accion", "corte"], name="pas_reporte_unico"),
            models.CheckConstraint(condition=models.Q(pagado__lte=models.F("comprometido")),
                                   name="pas_pagado_hasta_comprometido"),
            models.CheckConstraint(condition=models.Q(avance__lte=100), name="pas_avance_100"),
        ]

    def __str__(self):
        return f"{self.accion.codigo} · {self.corte.nombre}"

    def _verificar_abierto(self):
        if CorteSemestral.objects.filter(pk=self.corte_id, cerrado_en__isnull=False).exists():
            raise ValidationError(_("El corte está cerrado: sus reportes ya no se pueden cambiar."),
                                  code="periodo_cerrado")

    def save(self, *args, **kwargs):
        # Defensa también para el administrador y cualquier otro camino: nada cambia en un corte cerrado.
        self._verificar_abierto()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._verificar_abierto()
        return super().delete(*args, **kwargs)


class ValorReporte(models.Model):
    """Valor de un indicador de la acción reportado en el corte."""

    reporte = models.ForeignKey(ReportePAS, on_delete=models.CASCADE, related_name="valores")
    indicador = models.ForeignKey("indicadores.Indicador", on_delete=models.PROTECT, related_name="+")
    valor = models.DecimalField(_("valor"), max_digits=14, decimal_places=2)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["reporte_id", "indicador_id"]
        verbose_name = _("valor reportado")
        verbose_name_plural = _("valores reportados")
        constraints = [models.UniqueConstraint(fields=["reporte", "indicador"], name="pas_valor_unico")]

    def __str__(self):
        return f"{self.indicador}: {self.valor}"


def ruta_evidencia(instancia, nombre):
    return f"pas/evidencias/{instancia.reporte.corte.numero}/{instancia.reporte_id}/{nombre}"


class EvidenciaReporte(models.Model):
    reporte = models.ForeignKey(ReportePAS, on_delete=models.CASCADE, related_name="evidencias")
    archivo = models.FileField(_("archivo"), upload_to=ruta_evidencia, max_length=255)
    nombre = models.CharField(_("nombre"), max_length=200)
    subida_en = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["reporte_id", "pk"]
        verbose_name = _("evidencia del reporte")
        verbose_name_plural = _("evidencias de los reportes")

    def __str__(self):
        return self.nombre


class VersionReporte(models.Model):
    """Lo que se envió al DNP, tal cual (una por envío). Inmutable: no se cambia ni se borra."""

    reporte = models.ForeignKey(ReportePAS, on_delete=models.PROTECT, related_name="versiones")
    numero = models.PositiveSmallIntegerField(_("versión"))
    datos = models.JSONField(_("contenido enviado"))
    enviada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    enviada_en = models.DateTimeField(_("enviada el"), auto_now_add=True)

    class Meta:
        ordering = ["reporte_id", "numero"]
        verbose_name = _("versión enviada del reporte")
        verbose_name_plural = _("versiones enviadas de los reportes")
        constraints = [models.UniqueConstraint(fields=["reporte", "numero"], name="pas_version_unica")]

    def __str__(self):
        return f"{self.reporte} v{self.numero}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Una versión enviada es inmutable."), code="inmutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Una versión enviada es inmutable."), code="inmutable")


class AlertaCorte(models.Model):
    """Constancia de la alerta de plazo enviada a una entidad en un corte: una sola por entidad y corte."""

    corte = models.ForeignKey(CorteSemestral, on_delete=models.CASCADE, related_name="alertas")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="+")
    enviada_en = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alerta de plazo")
        verbose_name_plural = _("alertas de plazo")
        constraints = [models.UniqueConstraint(fields=["corte", "entidad"], name="pas_alerta_unica")]


class EstadoInforme(models.TextChoices):
    PENDIENTE = "pendiente", _("En cola")
    GENERANDO = "generando", _("Generándose")
    LISTO = "listo", _("Listo")
    FALLIDO = "fallido", _("Falló")


def ruta_informe(instancia, nombre):
    return f"pas/informes/{instancia.corte.numero}/{nombre}"


class InformeCorte(models.Model):
    """Informe consolidado de un corte (PDF y XLSX); regenerarlo lo reemplaza hasta que el corte se cierra."""

    corte = models.OneToOneField(CorteSemestral, on_delete=models.CASCADE, related_name="informe")
    estado = models.CharField(_("estado"), max_length=10, choices=EstadoInforme.choices, default=EstadoInforme.PENDIENTE)
    pdf = models.FileField(upload_to=ruta_informe, blank=True, max_length=255)
    xlsx = models.FileField(upload_to=ruta_informe, blank=True, max_length=255)
    resumen = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, **largo_maximo(TEXTO_TECNICO))
    version = models.PositiveIntegerField(_("versión"), default=0)
    generado_en = models.DateTimeField(null=True, blank=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("informe consolidado del corte")
        verbose_name_plural = _("informes consolidados de los cortes")

    def __str__(self):
        return f"{self.corte.nombre} v{self.version}"

