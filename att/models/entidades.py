from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .avisos import QuerySetQueAvisa


class TipoEntidad(models.TextChoices):
    MINISTERIO = "ministerio", _("Ministerio")
    DEPARTAMENTO_ADMINISTRATIVO = "departamento_administrativo", _("Departamento administrativo")
    AGENCIA = "agencia", _("Agencia")
    SUPERINTENDENCIA = "superintendencia", _("Superintendencia")
    UAE = "unidad_administrativa_especial", _("Unidad administrativa especial")
    INSTITUTO = "instituto", _("Instituto")
    ESTABLECIMIENTO_PUBLICO = "establecimiento_publico", _("Establecimiento público")
    EMPRESA_ESTADO = "empresa_estado", _("Empresa del Estado o sociedad de economía mixta")
    OTRA_NACIONAL = "otra_nacional", _("Otra entidad nacional")
    GOBERNACION = "gobernacion", _("Gobernación")
    ALCALDIA = "alcaldia", _("Alcaldía")
    COOPERACION = "cooperacion_internacional", _("Cooperación internacional")
    ASOCIACION = "asociacion_gremio", _("Asociación o gremio")
    ACADEMIA = "academia", _("Academia")
    ESQUEMA_ASOCIATIVO = "esquema_asociativo", _("Esquema asociativo territorial")
    OTRA = "otra", _("Otra")

    @classmethod
    def nacionales(cls):
        return [
            cls.MINISTERIO, cls.DEPARTAMENTO_ADMINISTRATIVO, cls.AGENCIA, cls.SUPERINTENDENCIA,
            cls.UAE, cls.INSTITUTO, cls.ESTABLECIMIENTO_PUBLICO, cls.EMPRESA_ESTADO, cls.OTRA_NACIONAL,
        ]

    @classmethod
    def territoriales(cls):
        return [cls.GOBERNACION, cls.ALCALDIA]


class Entidad(models.Model):
    """Toda organización que ofrece o recibe asistencia técnica."""

    nombre = models.CharField(_("nombre"), max_length=255)
    sigla = models.CharField(_("sigla"), max_length=50, blank=True)
    tipo = models.CharField(_("tipo"), max_length=40, choices=TipoEntidad.choices)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    departamento = models.ForeignKey(
        "att.Departamento", on_delete=models.PROTECT, null=True, blank=True,
        related_name="entidades", verbose_name=_("departamento"),
    )
    municipio = models.ForeignKey(
        "att.Municipio", on_delete=models.PROTECT, null=True, blank=True,
        related_name="entidades", verbose_name=_("municipio"),
    )
    en_encuesta_2021 = models.BooleanField(_("respondió la encuesta 2021"), default=False)
    activa = models.BooleanField(_("activa"), default=True)
    creada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    objects = QuerySetQueAvisa.as_manager()

    class Meta:
        ordering = ["nombre"]
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        constraints = [
            models.UniqueConstraint(
                fields=["municipio"], condition=models.Q(tipo="alcaldia"), name="una_alcaldia_por_municipio"
            ),
            models.UniqueConstraint(
                fields=["departamento"], condition=models.Q(tipo="gobernacion"),
                name="una_gobernacion_por_departamento",
            ),
            models.CheckConstraint(
                condition=~models.Q(tipo="alcaldia") | models.Q(municipio__isnull=False),
                name="alcaldia_con_municipio",
            ),
            models.CheckConstraint(
                condition=~models.Q(tipo="gobernacion") | models.Q(departamento__isnull=False),
                name="gobernacion_con_departamento",
            ),
            models.UniqueConstraint(fields=["nombre", "tipo"], name="entidad_nombre_tipo_unicos"),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="entidad_act"), models.Index(fields=["tipo"])]

    def __str__(self):
        return self.sigla or self.nombre

    @property
    def es_territorial(self) -> bool:
        return self.tipo in TipoEntidad.territoriales()

    @property
    def es_nacional(self) -> bool:
        return self.tipo in TipoEntidad.nacionales()


class Dependencia(models.Model):
    """Unidad interna de una entidad oferente (dirección, subdirección, grupo) que ejecuta líneas y ofertas.

    Catálogo por entidad, no texto libre: el corte «por dependencia» del seguimiento (SETA) agrupa por él.
    """

    entidad = models.ForeignKey(Entidad, on_delete=models.CASCADE, related_name="dependencias",
                                verbose_name=_("entidad"))
    nombre = models.CharField(_("nombre"), max_length=200)
    activa = models.BooleanField(_("activa"), default=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["entidad_id", "nombre"]
        verbose_name = _("dependencia")
        verbose_name_plural = _("dependencias")
        constraints = [models.UniqueConstraint(fields=["entidad", "nombre"], name="dependencia_nombre_unico")]

    def __str__(self):
        return self.nombre
