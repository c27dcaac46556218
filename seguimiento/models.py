"""Seguimiento y monitoreo al estilo SETA (DOMAIN §7; CONPES 4091 §5.3.3 y §5.4).

Hitos y sub-hitos sobre las líneas de los planes, avances validados por el equipo de seguimiento
del DNP, indicadores con ficha técnica y mediciones, percepción de calidad, asesorías y eventos
masivos, e informes mensuales y semestrales.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, TEXTO_LARGO, TEXTO_MEDIO, TEXTO_TECNICO, largo_maximo
from seguimiento import calculo


class Semaforo(models.TextChoices):
    AL_DIA = calculo.AL_DIA, _("Al día")
    EN_RIESGO = calculo.EN_RIESGO, _("En riesgo")
    ATRASADO = calculo.ATRASADO, _("Atrasado")


class ConfiguracionSeguimiento(models.Model):
    """Parámetros del seguimiento editables en el administrador (una sola fila)."""

    umbral_riesgo = models.DecimalField(
        _("brecha para «en riesgo» (puntos)"), max_digits=5, decimal_places=2, default=Decimal(10),
        help_text=_("Si el avance esperado supera al real en al menos estos puntos, la línea está en riesgo."),
    )
    umbral_atraso = models.DecimalField(
        _("brecha para «atrasado» (puntos)"), max_digits=5, decimal_places=2, default=Decimal(25),
        help_text=_("Si el avance esperado supera al real en al menos estos puntos, la línea está atrasada."),
    )
    umbral_percepcion = models.DecimalField(
        _("calificación mínima satisfactoria"), max_digits=3, decimal_places=2, default=Decimal("3.5"),
        help_text=_("Un promedio de percepción por debajo de este valor genera una alerta."),
    )
    tamano_muestra = models.PositiveSmallIntegerField(
        _("entidades por muestra mensual de percepción"), default=52,
    )
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("configuración del seguimiento")
        verbose_name_plural = _("configuración del seguimiento")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(umbral_atraso__gt=models.F("umbral_riesgo"), umbral_riesgo__gte=0),
                name="seguimiento_umbrales_ordenados",
            ),
        ]

    def __str__(self):
        return str(_("Configuración del seguimiento"))

    @classmethod
    def obtener(cls) -> "ConfiguracionSeguimiento":
        conf = cls.objects.order_by("pk").first()
        return conf or cls.objects.create()

    @property
    def umbrales(self) -> calculo.Umbrales:
        return calculo.Umbrales(riesgo=self.umbral_riesgo, atraso=self.umbral_atraso)


porcentaje = [MinValueValidator(0), MaxValueValidator(100)]


class Hito(models.Model):
    """Hito (o sub-hito, si tiene padre) de una línea del plan, con peso y fecha planeada."""

    linea = models.ForeignKey("agenda.LineaPlan", on_delete=models.CASCADE, related_name="hitos")
    padre = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subhitos",
        verbose_name=_("hito padre"), help_text=_("Vacío para un hito; el hito al que pertenece un sub-hito."),
    )
    nombre = models.CharField(_("nombre"), max_length=255)
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_LARGO))
    peso = models.DecimalField(
        _("peso"), max_digits=6, decimal_places=2, default=1,
        help_text=_("Peso con que el avance del hito suma al de su línea (o al de su hito padre)."),
    )
    fecha_planeada = models.DateField(_("fecha planeada"))
    avance = models.DecimalField(
        _("avance validado (%)"), max_digits=5, decimal_places=2, default=0, validators=porcentaje,
        help_text=_("Calculado: último avance validado, o el consolidado de sus sub-hitos."),
    )
    cumplido_en = models.DateField(_("cumplido el"), null=True, blank=True)
    vencimiento_alertado = models.BooleanField(_("vencimiento ya alertado"), default=False, editable=False)
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["linea_id", "fecha_planeada", "pk"]
        verbose_name = _("hito")
        verbose_name_plural = _("hitos")
        constraints = [
            models.CheckConstraint(condition=models.Q(peso__gt=0), name="hito_peso_positivo"),
            models.CheckConstraint(condition=models.Q(avance__gte=0, avance__lte=100), name="hito_avance_0_100"),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="hito_act"), models.Index(fields=["fecha_planeada", "avance"], name="hito_fecha_avance")]

    def __str__(self):
        return self.nombre

    def clean(self):
        if self.padre_id and self.padre.linea_id != self.linea_id:
            raise ValidationError(_("El sub-hito debe pertenecer a la misma línea que su hito padre."))
        if self.padre_id and self.padre.padre_id:
            raise ValidationError(_("Solo hay dos niveles: hitos y sub-hitos."))


class EstadoAvance(models.TextChoices):
    REPORTADO = "reportado", _("Reportado, por validar")
    VALIDADO = "validado", _("Validado")
    DEVUELTO = "devuelto", _("Devuelto para ajuste")


class Avance(models.Model):
    """Reporte de avance de un hito por el oferente; cuenta cuando el equipo DNP lo valida."""

    hito = models.ForeignKey(Hito, on_delete=models.CASCADE, related_name="avances")
    porcentaje = models.DecimalField(
        _("avance acumulado del hito (%)"), max_digits=5, decimal_places=2, validators=porcentaje
    )
    fecha_corte = models.DateField(_("fecha de corte"))
    narrativa = models.TextField(_("qué se hizo"), **largo_maximo(TEXTO_LARGO))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoAvance.choices, default=EstadoAvance.REPORTADO)
    entidades = models.ManyToManyField(
        "att.Entidad", blank=True, related_name="avances_recibidos", verbose_name=_("entidades territoriales"),
        help_text=_("Entidades de la línea a las que llegó lo reportado (una, o varias en un evento masivo o un "
                    "taller regional). Vacío: todas las de la línea."),
    )
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="avances_registrados"
    )
    registrado_en = models.DateTimeField(auto_now_add=True)
    revisado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="avances_revisados"
    )
    revisado_en = models.DateTimeField(null=True, blank=True)
    comentario_revision = models.TextField(_("comentario de la revisión"), blank=True, **largo_maximo(TEXTO_MEDIO))
    huella = models.CharField(
        max_length=64, blank=True, editable=False, default="", db_default="",
        help_text=_("Resumen de hito, porcentaje, fecha de corte, narrativa y autor: el mismo avance enviado dos veces es uno."),
    )
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-fecha_corte", "-pk"]
        verbose_name = _("avance")
        verbose_name_plural = _("avances")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(porcentaje__gte=0, porcentaje__lte=100), name="avance_porcentaje_0_100"
            ),
            models.UniqueConstraint(fields=["huella"], condition=~models.Q(huella=""), name="avance_unico_por_huella"),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="avance_act"), 
            models.Index(fields=["hito", "estado", "-fecha_corte"], name="avance_hito_estado_fecha"),
            models.Index(fields=["estado", "registrado_en"], name="avance_estado_registro"),
        ]

    def __str__(self):
        return f"{self.hito} · {self.porcentaje} %"


def huella_avance(*, hito_id: int, porcentaje, fecha_corte, narrativa: str, registrado_por_id: int) -> str:
    """Huella estable de un avance: mismo hito, porcentaje, corte, narrativa (sin espacios de más) y autor."""
    import hashlib

    texto = " ".join((narrativa or "").split())
    partes = [str(hito_id), f"{Decimal(str(porcentaje)).quantize(Decimal('0.01'))}", str(fecha_corte), texto,
              str(registrado_por_id)]
    return hashlib.sha256("\x1f".join(partes).encode()).hexdigest()


def ruta_evidencia(instancia, nombre):
    return f"seguimiento/evidencias/{instancia.avance_id}/{nombre}"


class EvidenciaAvance(models.Model):
    avance = models.ForeignKey(Avance, on_delete=models.CASCADE, related_name="evidencias")
    archivo = models.FileField(_("archivo"), upload_to=ruta_evidencia, max_length=255)
    nombre = models.CharField(_("nombre"), max_length=255)
    subido_en = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("evidencia del avance")
        verbose_name_plural = _("evidencias de los avances")

    def __str__(self):
        return self.nombre


class EstadoLinea(models.Model):
    """Foto del avance de una línea (consolidado de sus hitos) con su semáforo.

    La actualizan los servicios al validar un avance y la tarea diaria (el avance esperado cambia con
    la fecha). Los tableros suman sobre esta tabla en la base de datos.
    """

    linea = models.OneToOneField("agenda.LineaPlan", on_delete=models.CASCADE, related_name="estado_seguimiento")
    plan = models.ForeignKey("agenda.PlanDeTrabajo", on_delete=models.CASCADE, related_name="+")
    agenda = models.ForeignKey("agenda.AgendaNacional", on_delete=models.CASCADE, related_name="+")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("entidad oferente"))
    responsable = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    peso = models.DecimalField(max_digits=6, decimal_places=2)
    avance = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    esperado = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    semaforo = models.CharField(max_length=12, choices=Semaforo.choices, default=Semaforo.AL_DIA)
    hitos_vencidos = models.PositiveIntegerField(default=0)
    # Copia de los departamentos focalizados y de los temas de la línea (sin repetir): el tablero agrupa
    # por ellos con unnest() sobre esta tabla, sin unir cada vez las tablas de muchos a muchos.
    departamentos = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    temas = ArrayField(models.BigIntegerField(), default=list, blank=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("estado de la línea")
        verbose_name_plural = _("estados de las líneas")
        indexes = [models.Index(fields=["actualizado", "id"], name="estadolinea_act"), 
            models.Index(fields=["entidad", "semaforo"], name="estadolinea_entidad_sem"),
            models.Index(fields=["agenda", "semaforo"], name="estadolinea_agenda_sem"),
        ]


class EstadoLineaEntidad(models.Model):
    """Foto del avance de una línea en una de las entidades territoriales a las que llega (línea × ET).

    Es la unidad del seguimiento al estilo SETA: los hitos de la línea se siguen en cada entidad que la
    línea focaliza, con su propio avance, semáforo, hitos vencidos y último reporte. La mantienen los
    mismos servicios que `EstadoLinea` (`services.recalcular_linea` y el recálculo diario). Copia las
    dimensiones de los seis cortes (entidad, dependencia, producto, zona, estrategia y asesor) para que
    cada corte sea una sola agregación sobre esta tabla.
    """

    linea = models.ForeignKey("agenda.LineaPlan", on_delete=models.CASCADE, related_name="estados_por_entidad")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("entidad territorial"))
    plan = models.ForeignKey("agenda.PlanDeTrabajo", on_delete=models.CASCADE, related_name="+")
    agenda = models.ForeignKey("agenda.AgendaNacional", on_delete=models.CASCADE, related_name="+")
    oferente = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("entidad oferente"))
    responsable = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.CASCADE, related_name="+")
    dependencia = models.ForeignKey("att.Dependencia", on_delete=models.SET_NULL, null=True, related_name="+")
    objetivo = models.ForeignKey("agenda.ObjetivoAgenda", on_delete=models.SET_NULL, null=True, related_name="+")
    departamento = models.ForeignKey("att.Departamento", on_delete=models.SET_NULL, null=True, related_name="+")
    region = models.CharField(max_length=20, blank=True, default="")
    peso = models.DecimalField(max_digits=6, decimal_places=2)
    avance = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    esperado = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    semaforo = models.CharField(max_length=12, choices=Semaforo.choices, default=Semaforo.AL_DIA)
    hitos_vencidos = models.PositiveIntegerField(default=0)
    ultimo_reporte = models.DateField(null=True, blank=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["linea_id", "entidad_id"]
        verbose_name = _("estado de la línea en una entidad")
        verbose_name_plural = _("estados de las líneas por entidad")
        constraints = [models.UniqueConstraint(fields=["linea", "entidad"], name="estado_linea_entidad_unico")]
        indexes = [
            models.Index(fields=["entidad", "semaforo"], name="estadole_entidad"),
            models.Index(fields=["departamento", "entidad"], name="estadole_depto"),
            models.Index(fields=["oferente"], name="estadole_oferente"),
            models.Index(fields=["responsable"], name="estadole_responsable"),
        ]


class ResumenTablero(models.Model):
    """Sumas del tablero nacional por agenda, entidad oferente y una dimensión (asesor, departamento o
    tema), con la misma forma que las de `EstadoLinea`.

    Los servicios la mantienen al día restando la foto anterior de una línea y sumando la nueva
    (`services.recalcular_linea`); el recálculo diario la reconstruye desde `EstadoLinea`. Así el
    tablero del DNP suma unos cientos de filas en vez de todas las líneas del país. El total y las
    cifras por entidad salen de la dimensión «asesor» (cada línea tiene un solo responsable).
    """

    agenda = models.ForeignKey("agenda.AgendaNacional", on_delete=models.CASCADE, related_name="+")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=12)
    clave = models.CharField(max_length=20)
    suma_pesos = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    suma_avance = models.DecimalField(max_digits=22, decimal_places=4, default=0)
    suma_esperado = models.DecimalField(max_digits=22, decimal_places=4, default=0)
    lineas = models.IntegerField(default=0)
    al_dia = models.IntegerField(default=0)
    en_riesgo = models.IntegerField(default=0)
    atrasado = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("resumen del tablero")
        verbose_name_plural = _("resúmenes del tablero")
        constraints = [
            models.UniqueConstraint(fields=["agenda", "entidad", "dimension", "clave"], name="resumen_tablero_unico"),
        ]
        indexes = [models.Index(fields=["dimension", "clave"], name="resumen_tablero_dim")]


# --- Percepción de calidad ------------------------------------------------------------------------
calificacion = [MinValueValidator(1), MaxValueValidator(5)]


class Percepcion(models.Model):
    """Calificación de la ET (Monitoreo 360): calidad, pertinencia y oportunidad, de 1 a 5."""

    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="percepciones",
                                verbose_name=_("entidad territorial"))
    oferente = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="percepciones_recibidas",
                                 null=True, blank=True, verbose_name=_("entidad oferente"))
    # La asistencia calificada: una línea que alcanzó a la ET, una asesoría o un evento al que asistió
    # (a lo sumo una; las calificaciones anteriores a #12 que no se pudieron atar quedan sin ninguna).
    linea = models.ForeignKey("agenda.LineaPlan", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="percepciones")
    asesoria = models.ForeignKey("seguimiento.Asesoria", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="percepciones", verbose_name=_("asesoría calificada"))
    evento = models.ForeignKey("seguimiento.EventoMasivo", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="percepciones", verbose_name=_("evento calificado"))
    fecha = models.DateField(_("fecha"), help_text=_("Fecha del servidor al registrar la calificación."))
    calidad = models.PositiveSmallIntegerField(_("calidad"), validators=calificacion)
    pertinencia = models.PositiveSmallIntegerField(_("pertinencia"), validators=calificacion)
    oportunidad = models.PositiveSmallIntegerField(_("oportunidad"), validators=calificacion)
    comentario = models.TextField(_("comentarios"), blank=True, **largo_maximo(TEXTO_CORTO))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       null=True, blank=True)
    creada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-fecha", "-pk"]
        verbose_name = _("percepción de calidad")
        verbose_name_plural = _("percepciones de calidad")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(calidad__range=(1, 5), pertinencia__range=(1, 5), oportunidad__range=(1, 5)),
                name="percepcion_1_5",
            ),
            models.CheckConstraint(
                condition=(models.Q(linea__isnull=True, asesoria__isnull=True)
                           | models.Q(linea__isnull=True, evento__isnull=True)
                           | models.Q(asesoria__isnull=True, evento__isnull=True)),
                name="percepcion_una_asistencia",
            ),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="percepcion_act"), models.Index(fields=["fecha"], name="percepcion_fecha"),
                   # Perfil de la ET: sus calificaciones más recientes sin recorrer todas por fecha.
                   models.Index(fields=["entidad", "-fecha", "-id"], name="percepcion_entidad_fecha")]

    def __str__(self):
        return f"{self.entidad} · {self.fecha}"

    @property
    def promedio(self) -> Decimal:
        return (Decimal(self.calidad + self.pertinencia + self.oportunidad) / 3).quantize(Decimal("0.01"))

    @property
    def asistencia(self):
        """El registro calificado (línea, asesoría o evento), o None en una calificación antigua sin atar."""
        return self.linea or self.asesoria or self.evento


class ConsentimientoPercepcion(models.Model):
    """Consentimiento explícito de una ET para el seguimiento de percepción (entrevistas y calificaciones).

    No existe hasta que alguien de la ET (o el DNP en la entrevista, con la aceptación de la ET) lo da: sin fila
    o con fila revocada no hay consentimiento. Revocarlo deja la fecha y la persona; volver a darlo limpia la
    revocación y el historial guarda cada cambio.
    """

    entidad = models.OneToOneField("att.Entidad", on_delete=models.CASCADE, related_name="consentimiento_percepcion",
                                   verbose_name=_("entidad territorial"))
    otorgado_en = models.DateTimeField(_("otorgado el"))
    otorgado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("otorgado por"))
    revocado_en = models.DateTimeField(_("revocado el"), null=True, blank=True)
    revocado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("revocado por"))
    motivo_revocacion = models.TextField(_("motivo de la revocación"), blank=True, **largo_maximo(TEXTO_CORTO))
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("consentimiento de percepción")
        verbose_name_plural = _("consentimientos de percepción")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revocado_en__isnull=True) | models.Q(revocado_por__isnull=False),
                name="consentimiento_revocado_con_persona",
            ),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="consentimiento_act")]

    def __str__(self):
        return f"{self.entidad} · {_('vigente') if self.vigente else _('revocado')}"

    @property
    def vigente(self) -> bool:
        return self.revocado_en is None


class MuestraPercepcion(models.Model):
    """Muestra aleatoria mensual de entidades territoriales asesoradas para entrevistar (002)."""

    periodo = models.DateField(_("periodo (primer día del mes)"), unique=True)
    semilla = models.BigIntegerField(_("semilla del sorteo"))
    entidades = models.ManyToManyField("att.Entidad", related_name="muestras_percepcion")
    universo = models.PositiveIntegerField(_("entidades elegibles"))
    creada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    creada = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-periodo"]
        verbose_name = _("muestra de percepción")
        verbose_name_plural = _("muestras de percepción")

    def __str__(self):
        return self.periodo.strftime("%Y-%m")


# --- Asesorías y eventos masivos --------------------------------------------------------------------
def ruta_asistencia(instancia, nombre):
    return f"seguimiento/asistencia/{instancia.__class__.__name__.lower()}/{nombre}"


class RegistroAsistencia(models.Model):
    oferente = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("entidad oferente"))
    linea = models.ForeignKey("agenda.LineaPlan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fecha = models.DateField(_("fecha"))
    modalidad = models.ForeignKey("att.Modalidad", on_delete=models.PROTECT, related_name="+")
    canal = models.ForeignKey("att.Canal", on_delete=models.PROTECT, related_name="+")
    temas = models.ManyToManyField("att.Tema", related_name="+", blank=True)
    participantes = models.PositiveIntegerField(_("participantes"), default=0)
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_LARGO))
    evidencia_asistencia = models.FileField(_("evidencia de asistencia"), upload_to=ruta_asistencia,
                                            blank=True, max_length=255)
    demandas = models.ManyToManyField("demanda.Demanda", blank=True, related_name="+",
                                      verbose_name=_("demandas que atiende"))
    registrado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creado = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-fecha", "-pk"]


class Asesoria(RegistroAsistencia):
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="asesorias_recibidas",
                                verbose_name=_("entidad territorial"))
    historial = HistoricalRecords()

    class Meta(RegistroAsistencia.Meta):
        verbose_name = _("asesoría")
        verbose_name_plural = _("asesorías")

    def __str__(self):
        return f"{self.entidad} · {self.fecha}"


class EventoMasivo(RegistroAsistencia):
    nombre = models.CharField(_("nombre del evento"), max_length=255)
    entidades = models.ManyToManyField("att.Entidad", related_name="eventos_masivos",
                                       verbose_name=_("entidades territoriales"))
    historial = HistoricalRecords()

    class Meta(RegistroAsistencia.Meta):
        verbose_name = _("evento masivo")
        verbose_name_plural = _("eventos masivos")

    def __str__(self):
        return self.nombre


# --- Evaluación intermedia y final por línea (004, actividad 4) -------------------------------------
class TipoEvaluacion(models.TextChoices):
    INTERMEDIA = "intermedia", _("Intermedia")
    FINAL = "final", _("Final")


class ResultadoEvaluacion(models.TextChoices):
    CUMPLE = "cumple", _("Cumple lo previsto")
    PARCIAL = "parcial", _("Cumple en parte")
    NO_CUMPLE = "no_cumple", _("No cumple")


class EvaluacionLinea(models.Model):
    """Evaluación intermedia o final de una línea del plan («evalúe de manera intermedia y final», 004 act. 4).

    Una de cada tipo por línea; la final pide la intermedia antes. Guarda el avance de la línea al evaluar
    (copia de `EstadoLinea.avance`), para que la evaluación se lea con la cifra que tenía a la vista.
    """

    linea = models.ForeignKey("agenda.LineaPlan", on_delete=models.CASCADE, related_name="evaluaciones")
    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoEvaluacion.choices)
    fecha = models.DateField(_("fecha"), help_text=_("Fecha del servidor al registrar la evaluación."))
    resultado = models.CharField(_("resultado"), max_length=12, choices=ResultadoEvaluacion.choices)
    avance_linea = models.DecimalField(_("avance de la línea al evaluar (%)"), max_digits=5, decimal_places=2,
                                       default=0)
    hallazgos = models.TextField(_("hallazgos"), **largo_maximo(TEXTO_LARGO))
    recomendaciones = models.TextField(_("recomendaciones"), blank=True, **largo_maximo(TEXTO_LARGO))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creada = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["linea_id", "tipo"]
        verbose_name = _("evaluación de la línea")
        verbose_name_plural = _("evaluaciones de las líneas")
        constraints = [models.UniqueConstraint(fields=["linea", "tipo"], name="evaluacion_una_por_tipo")]
        indexes = [models.Index(fields=["actualizado", "id"], name="evaluacion_act")]

    def __str__(self):
        return f"{self.linea} · {self.get_tipo_display()}"


# --- Informes ------------------------------------------------------------------------------------
class TipoInforme(models.TextChoices):
    MENSUAL = "mensual", _("Informe mensual de seguimiento")
    SEMESTRAL = "semestral", _("Corte semestral de la política")


class EstadoInforme(models.TextChoices):
    PENDIENTE = "pendiente", _("En cola")
    GENERANDO = "generando", _("Generándose")
    LISTO = "listo", _("Listo")
    FALLIDO = "fallido", _("Falló")


def ruta_informe(instancia, nombre):
    return f"seguimiento/informes/{instancia.tipo}/{instancia.periodo:%Y-%m}/{nombre}"


class InformeMensual(models.Model):
    """Informe de seguimiento de un periodo y un alcance («nacional» o «entidad-<id>»): único; regenerarlo lo reemplaza."""

    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoInforme.choices, default=TipoInforme.MENSUAL)
    periodo = models.DateField(_("periodo (primer día del mes del corte)"))
    alcance = models.CharField(_("alcance"), max_length=40, default="nacional")
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoInforme.choices, default=EstadoInforme.PENDIENTE)
    progreso = models.PositiveSmallIntegerField(_("progreso (%)"), default=0)
    intentos = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, **largo_maximo(TEXTO_TECNICO))
    pdf = models.FileField(upload_to=ruta_informe, blank=True, max_length=255)
    xlsx = models.FileField(upload_to=ruta_informe, blank=True, max_length=255)
    resumen = models.JSONField(default=dict, blank=True)
    generado_en = models.DateTimeField(null=True, blank=True)
    # Latido: cada paso de la generación lo renueva; si se queda viejo en «generándose», el proceso murió.
    actualizado = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        _("versión"), default=0, help_text=_("Número de la última versión lista (la que se descarga)."),
    )
    relanzamientos = models.PositiveSmallIntegerField(
        default=0, help_text=_("Veces que se relanzó porque el proceso que lo generaba murió; vuelve a 0 al terminar."),
    )

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="informe_act")]
        ordering = ["-periodo", "tipo", "alcance"]
        verbose_name = _("informe de seguimiento")
        verbose_name_plural = _("informes de seguimiento")
        constraints = [
            models.UniqueConstraint(fields=["tipo", "periodo", "alcance"], name="informe_unico_periodo_alcance"),
            models.CheckConstraint(condition=models.Q(progreso__lte=100), name="informe_progreso_100"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.periodo:%Y-%m} ({self.alcance})"


class SuscripcionInforme(models.Model):
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suscripciones_informe")
    alcance = models.CharField(_("alcance"), max_length=40, default="nacional")
    activa = models.BooleanField(default=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("suscripción a informes")
        verbose_name_plural = _("suscripciones a informes")
        constraints = [models.UniqueConstraint(fields=["usuario", "alcance"], name="suscripcion_unica")]

    def __str__(self):
        return f"{self.usuario} · {self.alcance}"
