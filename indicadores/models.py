"""Indicadores con ficha técnica, sus metas anuales, sus mediciones y los periodos cerrados.

Los usan la oferta (diseño del producto), las líneas de los planes, los objetivos de la agenda, el
seguimiento y, más adelante, el plan de acción del CONPES: por eso viven en una app propia, por
debajo de todas ellas (solo depende de `att`). Las tablas conservan el nombre que tenían cuando
estos modelos eran de `seguimiento` (`seguimiento_indicador`, …): la mudanza no copió ninguna fila.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, TEXTO_LARGO, TEXTO_MEDIO, largo_maximo
from indicadores import calculo


class TipoIndicador(models.TextChoices):
    GESTION = "gestion", _("Gestión")
    PRODUCTO = "producto", _("Producto")
    RESULTADO = "resultado", _("Resultado")
    IMPACTO = "impacto", _("Impacto")


class TipoAcumulacion(models.TextChoices):
    FLUJO = calculo.FLUJO, _("Flujo")
    ACUMULADO = calculo.ACUMULADO, _("Acumulado")
    CAPACIDAD = calculo.CAPACIDAD, _("Capacidad (stock)")
    REDUCCION = calculo.REDUCCION, _("Reducción")


class Frecuencia(models.TextChoices):
    MENSUAL = "mensual", _("Mensual")
    TRIMESTRAL = "trimestral", _("Trimestral")
    SEMESTRAL = "semestral", _("Semestral")
    ANUAL = "anual", _("Anual")


class Indicador(models.Model):
    """Ficha técnica de un indicador (001 §5: formato de captura de información)."""

    nombre = models.CharField(_("nombre del indicador"), max_length=255)
    descripcion = models.TextField(_("descripción"), **largo_maximo(TEXTO_LARGO))
    formula = models.TextField(_("fórmula de cálculo"), **largo_maximo(TEXTO_MEDIO))
    variables = models.TextField(_("variables del indicador"), blank=True, **largo_maximo(TEXTO_MEDIO))
    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoIndicador.choices)
    unidad = models.CharField(_("unidad de medida"), max_length=60)
    frecuencia = models.CharField(_("periodicidad de medición"), max_length=12, choices=Frecuencia.choices,
                                  default=Frecuencia.MENSUAL)
    linea_base = models.DecimalField(_("línea base"), max_digits=14, decimal_places=2, default=0)
    meta_cuatrienio = models.DecimalField(_("meta del cuatrienio"), max_digits=14, decimal_places=2)
    tipo_acumulacion = models.CharField(_("tipo de acumulación"), max_length=12, choices=TipoAcumulacion.choices)
    unidad_responsable = models.CharField(_("dependencia responsable"), max_length=200)
    entidad = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, related_name="indicadores_att",
        verbose_name=_("entidad responsable"),
    )
    # Referencia por nombre (sin importar `agenda`): el indicador puede medir una agenda nacional.
    agenda = models.ForeignKey(
        "agenda.AgendaNacional", on_delete=models.PROTECT, null=True, blank=True, related_name="indicadores"
    )
    activo = models.BooleanField(_("activo"), default=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(table_name="seguimiento_historicalindicador")

    class Meta:
        db_table = "seguimiento_indicador"
        indexes = [models.Index(fields=["actualizado", "id"], name="indicador_act")]
        ordering = ["nombre"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")

    def __str__(self):
        return self.nombre

    @property
    def explicacion_acumulacion(self) -> str:
        return calculo.EXPLICACION_ACUMULACION[self.tipo_acumulacion]


class MetaIndicador(models.Model):
    indicador = models.ForeignKey(Indicador, on_delete=models.CASCADE, related_name="metas")
    anio = models.PositiveSmallIntegerField(_("vigencia"))
    valor = models.DecimalField(_("meta"), max_digits=14, decimal_places=2)
    historial = HistoricalRecords(table_name="seguimiento_historicalmetaindicador")

    class Meta:
        db_table = "seguimiento_metaindicador"
        ordering = ["indicador_id", "anio"]
        verbose_name = _("meta anual")
        verbose_name_plural = _("metas anuales")
        constraints = [models.UniqueConstraint(fields=["indicador", "anio"], name="meta_unica_por_anio")]

    def __str__(self):
        return f"{self.anio}: {self.valor}"


class CierrePeriodo(models.Model):
    """Mes cerrado por el equipo de seguimiento del DNP: sus mediciones, los avances con fecha de corte
    en él y su validación quedan bloqueados, y su informe mensual emitido es el registro."""

    periodo = models.DateField(_("periodo (primer día del mes)"), unique=True)
    cerrado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    cerrado_en = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords(table_name="seguimiento_historicalcierreperiodo")

    class Meta:
        db_table = "seguimiento_cierreperiodo"
        ordering = ["-periodo"]
        verbose_name = _("periodo cerrado")
        verbose_name_plural = _("periodos cerrados")
        constraints = [models.CheckConstraint(condition=models.Q(periodo__day=1), name="cierre_primer_dia")]

    def __str__(self):
        return self.periodo.strftime("%Y-%m")


class Medicion(models.Model):
    indicador = models.ForeignKey(Indicador, on_delete=models.CASCADE, related_name="mediciones")
    periodo = models.DateField(_("periodo (primer día del mes)"))
    valor = models.DecimalField(_("valor"), max_digits=14, decimal_places=2)
    observacion = models.TextField(_("observación"), blank=True, **largo_maximo(TEXTO_CORTO))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       null=True, blank=True)
    registrada_en = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords(table_name="seguimiento_historicalmedicion")

    class Meta:
        db_table = "seguimiento_medicion"
        indexes = [models.Index(fields=["registrada_en", "id"], name="medicion_act")]
        ordering = ["indicador_id", "periodo"]
        verbose_name = _("medición")
        verbose_name_plural = _("mediciones")
        constraints = [
            models.UniqueConstraint(fields=["indicador", "periodo"], name="medicion_unica_por_periodo"),
            models.CheckConstraint(condition=models.Q(periodo__day=1), name="medicion_primer_dia"),
        ]

    def __str__(self):
        return f"{self.indicador} · {self.periodo:%Y-%m}: {self.valor}"

    def _verificar_abierto(self, periodo):
        if CierrePeriodo.objects.filter(periodo=periodo).exists():
            raise ValidationError(
                _("El periodo %(p)s está cerrado: sus mediciones no se pueden cambiar."),
                code="periodo_cerrado", params={"p": periodo.strftime("%Y-%m")},
            )

    def save(self, *args, **kwargs):
        # Defensa también para el administrador: ni crear ni mover mediciones en un periodo cerrado.
        self._verificar_abierto(self.periodo)
        if self.pk:
            anterior = Medicion.objects.filter(pk=self.pk).values_list("periodo", flat=True).first()
            if anterior and anterior != self.periodo:
                self._verificar_abierto(anterior)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._verificar_abierto(self.periodo)
        return super().delete(*args, **kwargs)
