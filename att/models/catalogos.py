"""Catálogos editables por el administrador (CONPES 4091 §5.3.1 y §5.3.4; metodología, actividad 6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_MEDIO, largo_maximo


class Catalogo(models.Model):
    codigo = models.SlugField(_("código"), max_length=60, unique=True)
    nombre = models.CharField(_("nombre"), max_length=150)
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_MEDIO))
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    activo = models.BooleanField(_("activo"), default=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    # Cada catálogo concreto hereda su propia tabla de historial (att_historical<catalogo>).
    historial = HistoricalRecords(inherit=True)

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="%(app_label)s_%(class)s_act")]
        abstract = True
        ordering = ["orden", "nombre"]

    def __str__(self):
        return self.nombre


class TipoDescriptor(models.TextChoices):
    FUNCIONAL = "funcional", _("Funcional")
    SECTORIAL = "sectorial", _("Sectorial")
    POBLACIONAL = "poblacional", _("Poblacional")


class DescriptorTematico(Catalogo):
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoDescriptor.choices)

    class Meta(Catalogo.Meta):
        verbose_name = _("descriptor temático")
        verbose_name_plural = _("descriptores temáticos")


class Tema(Catalogo):
    """Tema o sector; los subtemas (p. ej. de planeación) cuelgan de un tema padre."""

    padre = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtemas",
        verbose_name=_("tema padre"),
    )
    descriptor = models.ForeignKey(
        DescriptorTematico, on_delete=models.PROTECT, null=True, blank=True, related_name="temas",
        verbose_name=_("descriptor"),
    )

    class Meta(Catalogo.Meta):
        verbose_name = _("tema")
        verbose_name_plural = _("temas")


class NivelCapacidad(Catalogo):
    class Meta(Catalogo.Meta):
        verbose_name = _("nivel de capacidad")
        verbose_name_plural = _("niveles de capacidad")


class TipoCapacidad(Catalogo):
    class Meta(Catalogo.Meta):
        verbose_name = _("tipo de capacidad")
        verbose_name_plural = _("tipos de capacidad")


class Capacidad(Catalogo):
    """Capacidad que una oferta fortalece (planeación, gestión, ejecución, organizacional, técnica)."""

    class Meta(Catalogo.Meta):
        verbose_name = _("capacidad")
        verbose_name_plural = _("capacidades")


class EtapaCiclo(Catalogo):
    """Etapa del ciclo de la gestión pública territorial."""

    class Meta(Catalogo.Meta):
        verbose_name = _("etapa del ciclo de gestión")
        verbose_name_plural = _("etapas del ciclo de gestión")


class Modalidad(Catalogo):
    class Meta(Catalogo.Meta):
        verbose_name = _("modalidad")
        verbose_name_plural = _("modalidades")


class Canal(Catalogo):
    class Meta(Catalogo.Meta):
        verbose_name = _("canal")
        verbose_name_plural = _("canales")


class Estructura(models.TextChoices):
    CENTRALIZADA = "centralizada", _("Centralizada")
    DESCONCENTRADA = "desconcentrada", _("Desconcentrada")
