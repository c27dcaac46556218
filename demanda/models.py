"""Demanda territorial de asistencia técnica (DOMAIN §5; CONPES 4091 §5.3.1; metodología 004, 1.A)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, TEXTO_LARGO, TEXTO_MEDIO, largo_maximo


class _Unidos(models.Func):
    """`(a || b || …)`: operador inmutable (CONCAT() no lo es y no sirve en un índice)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = models.TextField()


class _Minusculas(models.Func):
    function = "lower"
    output_field = models.TextField()


class _SinTildes(models.Func):
    """`att_unaccent` (att 0002): `unaccent` con diccionario fijo, IMMUTABLE, usable en índices."""

    function = "att_unaccent"
    output_field = models.TextField()


def texto_buscable():
    """`att_unaccent(lower(titulo || ' ' || descripcion))`: la expresión del índice de trigramas
    `demanda_texto_trgm`; el filtro de texto de la lista usa exactamente esta para que PostgreSQL
    la resuelva por el índice (sin tildes ni mayúsculas)."""
    return _SinTildes(_Minusculas(_Unidos(models.F("titulo"), models.Value(" "), models.F("descripcion"))))


class EstadoDemanda(models.TextChoices):
    REGISTRADA = "registrada", _("Registrada")
    EN_ANALISIS = "en_analisis", _("En análisis")
    REMITIDA = "remitida", _("Remitida a la entidad competente")
    VINCULADA = "vinculada", _("Vinculada a una oferta")
    EN_ATENCION = "en_atencion", _("En atención")
    ATENDIDA = "atendida", _("Atendida")
    CERRADA = "cerrada", _("Cerrada")
    NO_PERTINENTE = "no_pertinente", _("No pertinente")


# Una demanda vinculada o en atención ocupa un cupo de su oferta (índice parcial abajo, cruce y vínculo).
ESTADOS_OCUPAN_CUPO = (EstadoDemanda.VINCULADA, EstadoDemanda.EN_ATENCION)


class FuenteNecesidad(models.TextChoices):
    DIALOGOS = "dialogos_vinculantes", _("Diálogos regionales vinculantes")
    SENTENCIA = "sentencia", _("Sentencia o fallo judicial")
    PETICION = "peticion_social", _("Petición social o comunitaria")
    INDICADORES = "indicadores", _("Indicadores de desempeño")
    METAS_PDT = "metas_pdt", _("Metas del plan de desarrollo territorial")
    DIAGNOSTICO = "diagnostico_propio", _("Diagnóstico propio")
    OTRA = "otra", _("Otra")


class Demanda(models.Model):
    """Necesidad de asistencia técnica registrada por (o para) una entidad territorial."""

    entidad = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, related_name="demandas", verbose_name=_("entidad solicitante")
    )
    registrada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demandas_registradas",
        verbose_name=_("registrada por"),
    )
    titulo = models.CharField(_("título de la necesidad"), max_length=255)
    descripcion = models.TextField(_("descripción"), **largo_maximo(TEXTO_LARGO))
    descriptores = models.ManyToManyField("att.DescriptorTematico", related_name="demandas", verbose_name=_("descriptores"))
    temas = models.ManyToManyField("att.Tema", related_name="demandas", verbose_name=_("temas"))
    capacidad = models.ForeignKey(
        "att.Capacidad", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas",
        verbose_name=_("capacidad a fortalecer"),
    )
    etapa = models.ForeignKey(
        "att.EtapaCiclo", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas",
        verbose_name=_("etapa del ciclo de gestión"),
    )
    fecha_deseada = models.DateField(_("fecha deseada"), null=True, blank=True)
    modalidad = models.ForeignKey(
        "att.Modalidad", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas",
        verbose_name=_("modalidad preferida"),
    )
    canal = models.ForeignKey(
        "att.Canal", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas",
        verbose_name=_("canal preferido"),
    )
    fuente = models.CharField(_("origen de la necesidad"), max_length=30, choices=FuenteNecesidad.choices)
    oferta = models.ForeignKey(
        "oferta.Oferta", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas",
        verbose_name=_("oferta vinculada"),
    )
    entidad_competente = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="demandas_remitidas",
        verbose_name=_("entidad competente"),
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoDemanda.choices, default=EstadoDemanda.REGISTRADA
    )
    motivo_no_pertinente = models.TextField(_("motivo de no pertinencia"), blank=True, **largo_maximo(TEXTO_CORTO))
    calificacion = models.PositiveSmallIntegerField(_("calificación de la ET (1–5)"), null=True, blank=True)
    comentario_cierre = models.TextField(_("comentario de cierre"), blank=True, **largo_maximo(TEXTO_CORTO))
    creada = models.DateTimeField(_("registrada"), auto_now_add=True)
    actualizada = models.DateTimeField(_("actualizada"), auto_now=True)
    # Relevancia de la mejor oferta candidata la última vez que se cruzó (0–1; `demanda.matching`): es
    # brecha si no alcanza `matching.UMBRAL_BRECHA`. Vacía: aún no cruzada (vale la regla de temas).
    relevancia_cruce = models.FloatField(_("relevancia de la mejor oferta"), null=True, blank=True, editable=False)
    # La oferta que dio esa relevancia: si deja de estar publicada y vigente, la demanda vuelve a ser
    # brecha (`selectors.demandas_en_brecha`) hasta el siguiente cruce.
    oferta_cruce = models.ForeignKey(
        "oferta.Oferta", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("mejor oferta del cruce"), db_index=False,  # índice parcial en Meta (CONCURRENTLY)
    )
    historial = HistoricalRecords(excluded_fields=["relevancia_cruce", "oferta_cruce"])

    class Meta:
        ordering = ["-creada"]
        verbose_name = _("demanda")
        verbose_name_plural = _("demandas")
        indexes = [models.Index(fields=["actualizada", "id"], name="demanda_act"), 
            models.Index(fields=["entidad", "estado"], name="demanda_entidad_estado"),
            models.Index(fields=["estado", "-creada"], name="demanda_estado_creada"),
            models.Index(fields=["oferta"], name="demanda_oferta"),
            # Demandas de las que una oferta archivada era la mejor (`services.recruzar_de_oferta`).
            models.Index(fields=["oferta_cruce"], condition=models.Q(oferta_cruce__isnull=False),
                         name="demanda_oferta_cruce"),
            models.Index(fields=["-creada", "-id"], name="demanda_creada_id"),
            # Las demandas de una entidad, las más recientes primero (perfil `/territorio/<código>/`).
            models.Index(fields=["entidad", "-creada", "-id"], name="demanda_entidad_creada"),
            # Cupos ocupados de una oferta (cruce oferta-demanda): conteo solo sobre el índice.
            models.Index(
                fields=["oferta"], condition=models.Q(estado__in=["vinculada", "en_atencion"]),
                name="demanda_oferta_ocupa_cupo",
            ),
            # Búsqueda por texto de la lista (`selectors.demandas_lista`): LIKE '%…%' por trigramas.
            GinIndex(OpClass(texto_buscable(), name="gin_trgm_ops"), name="demanda_texto_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(calificacion__isnull=True) | models.Q(calificacion__gte=1, calificacion__lte=5),
                name="demanda_calificacion_1_5",
            ),
        ]

    def __str__(self):
        return self.titulo


class EventoDemanda(models.Model):
    """Línea de tiempo de la demanda: cada paso con quién, cuándo y por qué."""

    demanda = models.ForeignKey(Demanda, on_delete=models.CASCADE, related_name="eventos")
    de_estado = models.CharField(max_length=20, choices=EstadoDemanda.choices, blank=True)
    a_estado = models.CharField(max_length=20, choices=EstadoDemanda.choices)
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(auto_now_add=True)
    motivo = models.TextField(_("motivo"), blank=True, **largo_maximo(TEXTO_MEDIO))

    class Meta:
        ordering = ["cuando", "pk"]
        verbose_name = _("evento de demanda")
        verbose_name_plural = _("eventos de demanda")


def ruta_adjunto(instancia, nombre):
    return f"demandas/{instancia.demanda_id}/{nombre}"


class AdjuntoDemanda(models.Model):
    demanda = models.ForeignKey(Demanda, on_delete=models.CASCADE, related_name="adjuntos")
    archivo = models.FileField(_("archivo"), upload_to=ruta_adjunto)
    nombre = models.CharField(_("nombre"), max_length=255)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"))
    subido_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subido = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("adjunto de demanda")
        verbose_name_plural = _("adjuntos de demanda")


class TipoDecision(models.TextChoices):
    """Lo que una persona decidió sobre una oferta propuesta para una demanda (aprende el cruce)."""

    VINCULADA = "vinculada", _("El DNP la vinculó")
    REMITIDA = "remitida", _("El DNP remitió la demanda a otra parte")
    SOLICITADA = "solicitada", _("La entidad territorial la pidió")
    DESCARTADA = "descartada", _("La entidad territorial la descartó")


class DecisionCruce(models.Model):
    """Una decisión sobre el par (demanda, oferta). El cruce la usa para demandas parecidas (`demanda.matching`):
    sube lo vinculado o pedido, baja lo descartado o remitido. Una por (demanda, oferta, tipo): repetirla
    no la duplica. Guarda los temas y las palabras de la demanda al decidir (la semejanza se calcula sobre
    ellos, sin releer demandas)."""

    demanda = models.ForeignKey(Demanda, on_delete=models.CASCADE, related_name="decisiones")
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.CASCADE, related_name="decisiones")
    tipo = models.CharField(_("decisión"), max_length=20, choices=TipoDecision.choices)
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(_("cuándo"), auto_now=True)
    motivo = models.TextField(_("motivo"), blank=True, **largo_maximo(TEXTO_CORTO))
    temas = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    terminos = ArrayField(models.CharField(max_length=100), default=list, blank=True, editable=False)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-cuando", "-pk"]
        verbose_name = _("decisión sobre una oferta propuesta")
        verbose_name_plural = _("decisiones sobre ofertas propuestas")
        constraints = [
            models.UniqueConstraint(fields=["demanda", "oferta", "tipo"], name="decision_cruce_unica"),
        ]
        indexes = [
            GinIndex(fields=["temas"], name="decision_cruce_temas_gin"),
            GinIndex(fields=["terminos"], name="decision_cruce_terminos_gin"),
            models.Index(fields=["oferta"], name="decision_cruce_oferta"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()}: {self.oferta_id} para {self.demanda_id}"
