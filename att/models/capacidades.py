"""Periodos de gobierno, diagnósticos de capacidad (línea base y seguimiento) y egresos.

Viven en `att` porque todas las apps los leen: la demanda y el seguimiento dejan de alertar a una
entidad territorial egresada de una capacidad (`att.selectors.egresada`), las listas filtran por
periodo (`att.selectors.filtrar_por_periodo`) y la ruta de asistencia (app `rutas`, capa superior)
enlaza el diagnóstico y termina en un egreso. Metodología CONPES 4091, actividad 1: «revise
mediciones e indicadores disponibles que den cuenta del estado inicial … orienta la línea base».
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, TEXTO_MEDIO, largo_maximo

from .territorio import GrupoMDM


class PeriodoGobierno(models.Model):
    """Periodo constitucional de cuatro años de alcaldes y gobernadores (dato de referencia)."""

    codigo = models.SlugField(_("código"), max_length=9, unique=True)  # «2024-2027»
    nombre = models.CharField(_("nombre"), max_length=60)
    inicio = models.DateField(_("inicio"))
    fin = models.DateField(_("fin"))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["inicio"]
        verbose_name = _("periodo de gobierno")
        verbose_name_plural = _("periodos de gobierno")
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gt=models.F("inicio")), name="periodo_fin_tras_inicio"),
            models.UniqueConstraint(fields=["inicio"], name="periodo_inicio_unico"),
        ]

    def __str__(self):
        return self.nombre

    def contiene(self, fecha) -> bool:
        return self.inicio <= fecha <= self.fin


class FuenteDiagnostico(models.TextChoices):
    """De dónde sale la valoración (metodología, actividad 1, medidas 4 y 5)."""

    MDM = "mdm", _("Medición del Desempeño Municipal")
    IDF = "idf", _("Índice de desempeño fiscal")
    PROPIO = "propio", _("Diagnóstico propio")
    ENCUESTA = "encuesta", _("Encuesta o entrevista")


class DiagnosticoCapacidad(models.Model):
    """Diagnóstico de capacidades de una entidad territorial en una fecha.

    El primero de la entidad es su línea base; los siguientes muestran el cambio frente a ella
    (`att.selectors.ganancia_capacidad`). La evidencia cuantitativa (puntaje y grupo MDM, índice de
    desempeño fiscal) se copia al registrarlo: un historial MDM que se reimporte no cambia lo que se
    vio ese día.
    """

    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="diagnosticos_capacidad",
                                verbose_name=_("entidad territorial"))
    fecha = models.DateField(_("fecha del diagnóstico"))
    realizado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="diagnosticos_realizados", verbose_name=_("realizado por"))
    entidad_que_diagnostica = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="diagnosticos_hechos",
        verbose_name=_("entidad que diagnostica"),
        help_text=_("Oferente, equipo departamental o la propia entidad territorial."),
    )
    objetivo = models.TextField(_("objetivo de capacidad acordado"), blank=True, **largo_maximo(TEXTO_MEDIO))
    # Evidencia cuantitativa a la fecha (copiada del historial importado).
    anio_mdm = models.PositiveSmallIntegerField(_("año de la MDM"), null=True, blank=True)
    puntaje_mdm = models.DecimalField(_("puntaje MDM"), max_digits=5, decimal_places=2, null=True, blank=True)
    grupo_mdm = models.CharField(_("grupo MDM"), max_length=2, choices=GrupoMDM.choices, blank=True)
    indice_desempeno_fiscal = models.DecimalField(
        _("índice de desempeño fiscal"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("De los departamentos, cuando se importe."),
    )
    diagnostico_propio = models.TextField(_("diagnóstico propio"), blank=True, **largo_maximo(TEXTO_MEDIO))
    encuesta = models.TextField(_("resultado de encuesta o entrevistas"), blank=True, **largo_maximo(TEXTO_MEDIO))
    creado = models.DateTimeField(_("creado"), auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["entidad_id", "fecha", "pk"]
        verbose_name = _("diagnóstico de capacidades")
        verbose_name_plural = _("diagnósticos de capacidades")
        indexes = [models.Index(fields=["entidad", "fecha"], name="diagnostico_entidad_fecha"),
                   models.Index(fields=["actualizado", "id"], name="diagnostico_act")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(puntaje_mdm__isnull=True) | models.Q(puntaje_mdm__gte=0, puntaje_mdm__lte=100),
                name="diagnostico_mdm_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(indice_desempeno_fiscal__isnull=True)
                | models.Q(indice_desempeno_fiscal__gte=0, indice_desempeno_fiscal__lte=100),
                name="diagnostico_idf_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.entidad} · {self.fecha:%Y-%m-%d}"


class ValoracionCapacidad(models.Model):
    """Una capacidad del catálogo valorada de 1 (incipiente) a 5 (consolidada) en un diagnóstico,
    con su nivel y tipo, la fuente usada y, si se acordó, el valor objetivo."""

    diagnostico = models.ForeignKey(DiagnosticoCapacidad, on_delete=models.CASCADE, related_name="valoraciones",
                                    verbose_name=_("diagnóstico"))
    capacidad = models.ForeignKey("att.Capacidad", on_delete=models.PROTECT, related_name="valoraciones",
                                  verbose_name=_("capacidad"))
    nivel = models.ForeignKey("att.NivelCapacidad", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="valoraciones", verbose_name=_("nivel"))
    tipo = models.ForeignKey("att.TipoCapacidad", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="valoraciones", verbose_name=_("tipo"))
    valor = models.PositiveSmallIntegerField(_("valoración (1 a 5)"))
    objetivo = models.PositiveSmallIntegerField(
        _("objetivo acordado (1 a 5)"), null=True, blank=True,
        help_text=_("Valor que la entidad debe alcanzar para egresar de la asistencia en esta capacidad."),
    )
    fuente = models.CharField(_("fuente"), max_length=10, choices=FuenteDiagnostico.choices,
                              default=FuenteDiagnostico.PROPIO)
    evidencia = models.TextField(_("evidencia"), blank=True, **largo_maximo(TEXTO_CORTO))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["diagnostico_id", "capacidad__orden", "pk"]
        verbose_name = _("valoración de capacidad")
        verbose_name_plural = _("valoraciones de capacidad")
        constraints = [
            models.UniqueConstraint(fields=["diagnostico", "capacidad"], name="valoracion_una_por_capacidad"),
            models.CheckConstraint(condition=models.Q(valor__gte=1, valor__lte=5), name="valoracion_1_a_5"),
            models.CheckConstraint(
                condition=models.Q(objetivo__isnull=True) | models.Q(objetivo__gte=1, objetivo__lte=5),
                name="valoracion_objetivo_1_a_5",
            ),
        ]

    def __str__(self):
        return f"{self.capacidad}: {self.valor}"


class MotivoEgreso(models.TextChoices):
    CUMPLIDO = "cumplido", _("Objetivo de capacidad cumplido")
    CERRADO = "cerrado", _("Cerrado con motivo")


class EgresoCapacidad(models.Model):
    """Salida de una entidad territorial de la asistencia en una capacidad.

    Con motivo «cumplido» el diagnóstico que lo prueba está por encima (o en) el objetivo acordado:
    la entidad queda egresada de esa capacidad y las apps dejan de alertarla por ella
    (`att.selectors.egresada`). «Cerrado» termina la ruta sin graduar la capacidad (la necesidad
    sigue, así que las alertas siguen). `clave` hace idempotente el registro (p. ej. «ruta:12»).
    """

    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="egresos_capacidad",
                                verbose_name=_("entidad territorial"))
    capacidad = models.ForeignKey("att.Capacidad", on_delete=models.PROTECT, related_name="egresos",
                                  verbose_name=_("capacidad"))
    motivo = models.CharField(_("motivo"), max_length=10, choices=MotivoEgreso.choices)
    detalle = models.TextField(_("detalle del motivo"), blank=True, **largo_maximo(TEXTO_CORTO))
    diagnostico = models.ForeignKey(DiagnosticoCapacidad, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="egresos", verbose_name=_("diagnóstico que lo prueba"))
    fecha = models.DateField(_("fecha del egreso"))
    registrado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       related_name="egresos_registrados", verbose_name=_("registrado por"))
    clave = models.CharField(_("clave"), max_length=80, unique=True)
    creado = models.DateTimeField(_("creado"), auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-fecha", "-pk"]
        verbose_name = _("egreso de capacidad")
        verbose_name_plural = _("egresos de capacidad")
        indexes = [models.Index(fields=["entidad", "capacidad", "motivo"], name="egreso_entidad_capacidad")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(motivo="cumplido") | models.Q(diagnostico__isnull=False),
                name="egreso_cumplido_con_diagnostico",
            ),
            models.CheckConstraint(
                condition=~models.Q(motivo="cerrado") | ~models.Q(detalle=""), name="egreso_cerrado_con_detalle",
            ),
        ]

    def __str__(self):
        return f"{self.entidad} · {self.capacidad} · {self.get_motivo_display()}"
