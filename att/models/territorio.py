from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.TextChoices):
    CARIBE = "caribe", _("Caribe")
    PACIFICO = "pacifico", _("Pacífico")
    EJE_CAFETERO = "eje_cafetero", _("Eje Cafetero y Antioquia")
    CENTRO_ORIENTE = "centro_oriente", _("Centro Oriente")
    LLANOS = "llanos", _("Llanos – Orinoquía")
    CENTRO_SUR = "centro_sur", _("Centro Sur – Amazonía")
    SEAFLOWER = "seaflower", _("Seaflower (San Andrés)")


class CategoriaLey617(models.TextChoices):
    ESPECIAL = "E", _("Especial")
    PRIMERA = "1", _("Primera")
    SEGUNDA = "2", _("Segunda")
    TERCERA = "3", _("Tercera")
    CUARTA = "4", _("Cuarta")
    QUINTA = "5", _("Quinta")
    SEXTA = "6", _("Sexta")


class GrupoMDM(models.TextChoices):
    """Grupos de capacidades iniciales de la Medición del Desempeño Municipal (G5 = menor)."""

    C = "C", _("Ciudades capitales")
    G1 = "G1", _("G1 – nivel alto")
    G2 = "G2", _("G2 – nivel medio alto")
    G3 = "G3", _("G3 – nivel medio")
    G4 = "G4", _("G4 – nivel medio bajo")
    G5 = "G5", _("G5 – nivel bajo")


class Departamento(models.Model):
    codigo = models.CharField(_("código DIVIPOLA"), max_length=2, primary_key=True)
    nombre = models.CharField(_("nombre"), max_length=100)
    region = models.CharField(_("región"), max_length=20, choices=Region.choices, blank=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "codigo"], name="departamento_act")]
        ordering = ["nombre"]
        verbose_name = _("departamento")
        verbose_name_plural = _("departamentos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(codigo__regex=r"^[0-9]{2}$"), name="departamento_codigo_2_digitos"
            )
        ]

    def __str__(self):
        return self.nombre


class Municipio(models.Model):
    codigo = models.CharField(_("código DIVIPOLA"), max_length=5, primary_key=True)
    nombre = models.CharField(_("nombre"), max_length=100)
    departamento = models.ForeignKey(
        Departamento, on_delete=models.PROTECT, related_name="municipios", verbose_name=_("departamento")
    )
    categoria = models.CharField(
        _("categoría (Ley 617)"), max_length=1, choices=CategoriaLey617.choices, blank=True
    )
    grupo_mdm = models.CharField(_("grupo MDM"), max_length=2, choices=GrupoMDM.choices, blank=True)
    pdet = models.BooleanField(_("PDET"), default=False)
    zomac = models.BooleanField(_("ZOMAC"), default=False)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["departamento__nombre", "nombre"]
        verbose_name = _("municipio")
        verbose_name_plural = _("municipios")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(codigo__regex=r"^[0-9]{5}$"), name="municipio_codigo_5_digitos"
            )
        ]
        indexes = [models.Index(fields=["actualizado", "codigo"], name="municipio_act"), models.Index(fields=["grupo_mdm"]), models.Index(fields=["categoria"])]

    def __str__(self):
        return f"{self.nombre} ({self.departamento_id})"


class PuntajeMDM(models.Model):
    """Puntaje de la Medición del Desempeño Municipal de un municipio en un año."""

    municipio = models.ForeignKey(Municipio, on_delete=models.CASCADE, related_name="puntajes_mdm")
    anio = models.PositiveSmallIntegerField(_("año"))
    puntaje = models.DecimalField(_("puntaje MDM"), max_digits=5, decimal_places=2)
    grupo = models.CharField(_("grupo MDM"), max_length=2, choices=GrupoMDM.choices, blank=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["municipio_id", "anio"]
        verbose_name = _("puntaje MDM")
        verbose_name_plural = _("puntajes MDM")
        constraints = [
            models.UniqueConstraint(fields=["municipio", "anio"], name="mdm_unico_por_municipio_anio"),
            models.CheckConstraint(
                condition=models.Q(puntaje__gte=0, puntaje__lte=100), name="mdm_puntaje_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.municipio_id} {self.anio}: {self.puntaje}"
