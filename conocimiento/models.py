"""Gestión del conocimiento (CONPES 4091 §5.3.4; metodología 004, actividad 5; DOMAIN §8).

- Repositorio: experiencias significativas, buenas prácticas (una experiencia reúne varias) y
  lecciones aprendidas, con documentos y medios; propuestas por cualquier miembro, publicadas tras
  la revisión del DNP; búsqueda de texto completo en español con facetas.
- Comunidad de práctica (red de gobiernos territoriales): espacios, discusiones, respuestas y moderación.
- Plan de formación: cursos, sesiones, inscripciones con lista de espera y asistencia.
- Eventos (encuentro anual de buenas prácticas) y banco de preguntas frecuentes por oferta.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.models import Region
from att.validadores import TEXTO_CORTO, TEXTO_EXTENSO, TEXTO_LARGO, TEXTO_MEDIO, largo_maximo

USUARIO = settings.AUTH_USER_MODEL


# --- Repositorio -----------------------------------------------------------------------------
class TipoRecurso(models.TextChoices):
    EXPERIENCIA = "experiencia", _("Experiencia significativa")
    BUENA_PRACTICA = "buena_practica", _("Buena práctica")
    LECCION = "leccion", _("Lección aprendida")


class EstadoRecurso(models.TextChoices):
    PROPUESTO = "propuesto", _("En revisión del DNP")
    DEVUELTO = "devuelto", _("Devuelto con comentarios")
    PUBLICADO = "publicado", _("Publicado")
    RETIRADO = "retirado", _("Retirado")


class Recurso(models.Model):
    """Pieza del repositorio. Una sola tabla para los tres tipos (con proxies por tipo) permite
    buscar y contar facetas de todos a la vez, y cargar datos en bloque."""

    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoRecurso.choices)
    titulo = models.CharField(_("título"), max_length=255)
    resumen = models.TextField(_("resumen"), help_text=_("Dos o tres frases: qué se hizo y qué se logró."), **largo_maximo(TEXTO_CORTO))
    contenido = models.TextField(_("descripción completa"), blank=True, **largo_maximo(TEXTO_EXTENSO))
    temas = models.ManyToManyField("att.Tema", blank=True, related_name="recursos_conocimiento",
                                   verbose_name=_("temas"))
    entidad = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="recursos_conocimiento",
        verbose_name=_("entidad territorial"), help_text=_("La entidad donde ocurrió la experiencia."),
    )
    municipio = models.ForeignKey(
        "att.Municipio", on_delete=models.PROTECT, null=True, blank=True, related_name="recursos_conocimiento",
        verbose_name=_("municipio"),
    )
    departamento = models.ForeignKey(
        "att.Departamento", on_delete=models.PROTECT, null=True, blank=True, related_name="recursos_conocimiento",
        verbose_name=_("departamento"),
    )
    oferta = models.ForeignKey(
        "oferta.Oferta", on_delete=models.SET_NULL, null=True, blank=True, related_name="recursos_conocimiento",
        verbose_name=_("oferta relacionada"),
    )
    plan = models.ForeignKey(
        "agenda.PlanDeTrabajo", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="recursos_conocimiento", verbose_name=_("plan de trabajo relacionado"),
    )
    # Propios de cada tipo (vacíos en los demás).
    experiencia = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="buenas_practicas",
        limit_choices_to={"tipo": TipoRecurso.EXPERIENCIA},
        verbose_name=_("experiencia significativa de la que hace parte"),
    )
    periodo = models.CharField(_("periodo"), max_length=100, blank=True, help_text=_("p. ej. 2020–2023"))
    resultados = models.TextField(_("resultados"), blank=True, **largo_maximo(TEXTO_LARGO))
    como_replicarla = models.TextField(_("cómo replicarla"), blank=True, **largo_maximo(TEXTO_LARGO))
    recomendacion = models.TextField(_("recomendación"), blank=True, **largo_maximo(TEXTO_LARGO))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoRecurso.choices,
                              default=EstadoRecurso.PROPUESTO)
    propuesto_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="recursos_propuestos",
                                      verbose_name=_("propuesto por"))
    revisado_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="recursos_revisados", verbose_name=_("revisado por"))
    comentario_revision = models.TextField(_("comentarios de la revisión DNP"), blank=True, **largo_maximo(TEXTO_MEDIO))
    publicado_en = models.DateTimeField(_("publicado"), null=True, blank=True)
    creado = models.DateTimeField(_("creado"), auto_now_add=True)
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    busqueda = SearchVectorField(null=True, editable=False)
    historial = HistoricalRecords(excluded_fields=["busqueda"])

    class Meta:
        ordering = ["-publicado_en", "-pk"]
        verbose_name = _("recurso de conocimiento")
        verbose_name_plural = _("repositorio de conocimiento")
        indexes = [models.Index(fields=["actualizado", "id"], name="recurso_act"), 
            GinIndex(fields=["busqueda"], name="recurso_busqueda_gin"),
            models.Index(fields=["estado", "-publicado_en"], name="recurso_estado_publicado"),
            models.Index(fields=["entidad", "estado"], name="recurso_entidad_estado"),
            models.Index(fields=["tipo", "estado"], name="recurso_tipo_estado"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(estado="publicado") | models.Q(publicado_en__isnull=False),
                name="recurso_publicado_con_fecha",
            ),
            models.CheckConstraint(
                condition=models.Q(experiencia__isnull=True) | models.Q(tipo="buena_practica"),
                name="recurso_solo_buenas_practicas_en_experiencia",
            ),
        ]

    def __str__(self):
        return self.titulo

    @property
    def publicado(self) -> bool:
        return self.estado == EstadoRecurso.PUBLICADO


class _PorTipo(models.Manager):
    def __init__(self, tipo):
        super().__init__()
        self.tipo = tipo

    def get_queryset(self):
        return super().get_queryset().filter(tipo=self.tipo)


class _DeUnTipo:
    """Para los proxies de un solo tipo: al guardar fijan su tipo."""

    TIPO: str

    def save(self, *args, **kwargs):
        self.tipo = self.TIPO
        super().save(*args, **kwargs)


class ExperienciaSignificativa(_DeUnTipo, Recurso):
    """Serie de acciones, planes o proyectos que mejoraron la gestión; puede reunir varias buenas prácticas."""

    TIPO = TipoRecurso.EXPERIENCIA
    objects = _PorTipo(TIPO)

    class Meta:
        proxy = True
        verbose_name = _("experiencia significativa")
        verbose_name_plural = _("experiencias significativas")


class BuenaPractica(_DeUnTipo, Recurso):
    """Procedimiento, método o herramienta replicable que sale de una experiencia."""

    TIPO = TipoRecurso.BUENA_PRACTICA
    objects = _PorTipo(TIPO)

    class Meta:
        proxy = True
        verbose_name = _("buena práctica")
        verbose_name_plural = _("buenas prácticas")


class LeccionAprendida(_DeUnTipo, Recurso):
    TIPO = TipoRecurso.LECCION
    objects = _PorTipo(TIPO)

    class Meta:
        proxy = True
        verbose_name = _("lección aprendida")
        verbose_name_plural = _("lecciones aprendidas")


class TipoMaterial(models.TextChoices):
    DOCUMENTO = "documento", _("Documento o guía")
    VIDEO = "video", _("Video")
    PODCAST = "podcast", _("Pódcast o audio")


def ruta_material(instancia, nombre):
    return f"conocimiento/{instancia.recurso_id}/{nombre}"


class Material(models.Model):
    """Documento adjunto (con límites de tipo y tamaño) o enlace a un video o pódcast."""

    recurso = models.ForeignKey(Recurso, on_delete=models.CASCADE, related_name="materiales")
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoMaterial.choices)
    titulo = models.CharField(_("título"), max_length=255)
    archivo = models.FileField(_("archivo"), upload_to=ruta_material, blank=True)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"), null=True, blank=True)
    url = models.URLField(_("enlace"), blank=True)
    subido_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="+")
    subido = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materiales")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tipo="documento") & ~models.Q(archivo=""))
                | (models.Q(tipo__in=["video", "podcast"]) & ~models.Q(url="")),
                name="material_documento_con_archivo_medio_con_enlace",
            ),
        ]

    def __str__(self):
        return self.titulo


# --- Comunidad de práctica -------------------------------------------------------------------
class TipoEspacio(models.TextChoices):
    TEMATICO = "tematico", _("Por tema")
    REGIONAL = "regional", _("Por región")


class EspacioComunidad(models.Model):
    nombre = models.CharField(_("nombre"), max_length=150, unique=True)
    slug = models.SlugField(_("identificador"), max_length=160, unique=True)
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_LARGO))
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEspacio.choices)
    tema = models.ForeignKey("att.Tema", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="espacios_comunidad", verbose_name=_("tema"))
    region = models.CharField(_("región"), max_length=20, choices=Region.choices, blank=True)
    activo = models.BooleanField(_("activo"), default=True)
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="espacio_act")]
        ordering = ["nombre"]
        verbose_name = _("espacio de la comunidad")
        verbose_name_plural = _("espacios de la comunidad")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tipo="tematico") & models.Q(tema__isnull=False))
                | (models.Q(tipo="regional") & ~models.Q(region="")),
                name="espacio_tematico_con_tema_regional_con_region",
            ),
        ]

    def __str__(self):
        return self.nombre


class RolMiembro(models.TextChoices):
    MIEMBRO = "miembro", _("Miembro")
    MODERADOR = "moderador", _("Moderador")


class MiembroEspacio(models.Model):
    espacio = models.ForeignKey(EspacioComunidad, on_delete=models.CASCADE, related_name="miembros")
    usuario = models.ForeignKey(USUARIO, on_delete=models.CASCADE, related_name="espacios_comunidad")
    rol = models.CharField(_("rol"), max_length=20, choices=RolMiembro.choices, default=RolMiembro.MIEMBRO)
    sigue = models.BooleanField(_("recibe alertas de discusiones nuevas"), default=True)
    desde = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("miembro del espacio")
        verbose_name_plural = _("miembros del espacio")
        constraints = [models.UniqueConstraint(fields=["espacio", "usuario"], name="miembro_espacio_unico")]

    def __str__(self):
        return f"{self.usuario} · {self.espacio}"


class Discusion(models.Model):
    espacio = models.ForeignKey(EspacioComunidad, on_delete=models.CASCADE, related_name="discusiones")
    autor = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="discusiones")
    titulo = models.CharField(_("título"), max_length=200)
    cuerpo = models.TextField(_("mensaje"), **largo_maximo(TEXTO_LARGO))
    cerrada = models.BooleanField(_("cerrada a nuevas respuestas"), default=False)
    oculta = models.BooleanField(_("oculta por moderación"), default=False)
    motivo_moderacion = models.CharField(_("motivo de moderación"), max_length=255, blank=True)
    seguidores = models.ManyToManyField(USUARIO, blank=True, related_name="discusiones_seguidas")
    creada = models.DateTimeField(auto_now_add=True)
    ultima_actividad = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-ultima_actividad", "-pk"]
        verbose_name = _("discusión")
        verbose_name_plural = _("discusiones")
        indexes = [models.Index(fields=["actualizado", "id"], name="discusion_act"), models.Index(fields=["espacio", "-ultima_actividad"], name="discusion_espacio_actividad")]

    def __str__(self):
        return self.titulo


class Respuesta(models.Model):
    discusion = models.ForeignKey(Discusion, on_delete=models.CASCADE, related_name="respuestas")
    autor = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="respuestas_comunidad")
    cuerpo = models.TextField(_("respuesta"), **largo_maximo(TEXTO_LARGO))
    oculta = models.BooleanField(_("oculta por moderación"), default=False)
    motivo_moderacion = models.CharField(_("motivo de moderación"), max_length=255, blank=True)
    moderada_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    creada = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["creada", "pk"]
        verbose_name = _("respuesta")
        verbose_name_plural = _("respuestas")

    def __str__(self):
        return f"{self.autor} · {self.discusion}"


class EstadoReporte(models.TextChoices):
    ABIERTO = "abierto", _("Abierto")
    ATENDIDO = "atendido", _("Atendido")
    DESCARTADO = "descartado", _("Descartado")


class ReporteAbuso(models.Model):
    discusion = models.ForeignKey(Discusion, on_delete=models.CASCADE, related_name="reportes")
    respuesta = models.ForeignKey(Respuesta, on_delete=models.CASCADE, null=True, blank=True, related_name="reportes")
    reportado_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="+")
    motivo = models.TextField(_("motivo del reporte"), **largo_maximo(TEXTO_CORTO))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoReporte.choices, default=EstadoReporte.ABIERTO)
    creado = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-creado"]
        verbose_name = _("reporte de abuso")
        verbose_name_plural = _("reportes de abuso")


# --- Plan de formación -----------------------------------------------------------------------
class Curso(models.Model):
    nombre = models.CharField(_("nombre"), max_length=255)
    descripcion = models.TextField(_("descripción"), **largo_maximo(TEXTO_LARGO))
    nivel = models.ForeignKey("att.NivelCapacidad", on_delete=models.PROTECT, related_name="cursos",
                              verbose_name=_("nivel de capacidad"))
    tipo_capacidad = models.ForeignKey("att.TipoCapacidad", on_delete=models.PROTECT, related_name="cursos",
                                       verbose_name=_("tipo de capacidad"))
    tema = models.ForeignKey("att.Tema", on_delete=models.PROTECT, null=True, blank=True, related_name="cursos",
                             verbose_name=_("tema"))
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="cursos",
                                verbose_name=_("entidad que lo ofrece"))
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="cursos", verbose_name=_("oferta relacionada"))
    horas = models.PositiveSmallIntegerField(_("intensidad (horas)"), default=8)
    publicado = models.BooleanField(_("publicado"), default=True)
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="curso_act")]
        ordering = ["nombre"]
        verbose_name = _("curso")
        verbose_name_plural = _("cursos del plan de formación")

    def __str__(self):
        return self.nombre


class ModalidadSesion(models.TextChoices):
    PRESENCIAL = "presencial", _("Presencial")
    VIRTUAL = "virtual", _("Virtual")


class SesionFormacion(models.Model):
    curso = models.ForeignKey(Curso, on_delete=models.CASCADE, related_name="sesiones")
    modalidad = models.CharField(_("modalidad"), max_length=20, choices=ModalidadSesion.choices)
    inicio = models.DateTimeField(_("inicio"))
    fin = models.DateTimeField(_("fin"))
    lugar = models.CharField(_("lugar"), max_length=255, blank=True)
    enlace = models.URLField(_("enlace de conexión"), blank=True)
    cupos = models.PositiveIntegerField(_("cupos"))
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="sesion_act")]
        ordering = ["inicio", "pk"]
        verbose_name = _("sesión de formación")
        verbose_name_plural = _("sesiones de formación")
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gt=models.F("inicio")), name="sesion_fin_despues_inicio"),
            models.CheckConstraint(condition=models.Q(cupos__gt=0), name="sesion_cupos_positivos"),
        ]

    def __str__(self):
        return f"{self.curso} · {self.inicio:%Y-%m-%d}"


class EstadoInscripcion(models.TextChoices):
    INSCRITA = "inscrita", _("Inscrita")
    EN_ESPERA = "en_espera", _("En lista de espera")
    CANCELADA = "cancelada", _("Cancelada")


class Inscripcion(models.Model):
    sesion = models.ForeignKey(SesionFormacion, on_delete=models.CASCADE, related_name="inscripciones")
    usuario = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="inscripciones_formacion")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="inscripciones_formacion", verbose_name=_("entidad"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoInscripcion.choices)
    solicitada = models.DateTimeField(_("solicitada"), auto_now_add=True)
    asistio = models.BooleanField(_("asistió"), null=True, blank=True)
    # Se asigna al registrar la asistencia; el certificado lo imprime y la página pública lo verifica.
    codigo_certificado = models.CharField(
        _("código de verificación del certificado"), max_length=10, unique=True, null=True, blank=True,
        editable=False,
    )
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["solicitada", "pk"]
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        constraints = [models.UniqueConstraint(fields=["sesion", "usuario"], name="inscripcion_unica")]
        indexes = [models.Index(fields=["actualizado", "id"], name="inscripcion_act"), models.Index(fields=["sesion", "estado", "solicitada"], name="inscripcion_sesion_estado")]

    def __str__(self):
        return f"{self.usuario} · {self.sesion}"


# --- Eventos ---------------------------------------------------------------------------------
class TipoEvento(models.TextChoices):
    ENCUENTRO_ANUAL = "encuentro_anual", _("Encuentro anual de buenas prácticas")
    OTRO = "otro", _("Otro evento")


class Evento(models.Model):
    nombre = models.CharField(_("nombre"), max_length=255)
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvento.choices, default=TipoEvento.OTRO)
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_LARGO))
    inicio = models.DateTimeField(_("inicio"))
    fin = models.DateTimeField(_("fin"))
    lugar = models.CharField(_("lugar o enlace"), max_length=255, blank=True)
    cupos = models.PositiveIntegerField(_("cupos"), null=True, blank=True, help_text=_("Vacío: sin límite."))
    practicas = models.ManyToManyField(Recurso, blank=True, related_name="eventos",
                                       verbose_name=_("prácticas presentadas"))
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="evento_act")]
        ordering = ["-inicio"]
        verbose_name = _("evento")
        verbose_name_plural = _("eventos")
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gte=models.F("inicio")), name="evento_fechas_ordenadas"),
        ]

    def __str__(self):
        return self.nombre


class RegistroEvento(models.Model):
    evento = models.ForeignKey(Evento, on_delete=models.CASCADE, related_name="registros")
    usuario = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="registros_evento")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    creado = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        verbose_name = _("registro a evento")
        verbose_name_plural = _("registros a eventos")
        constraints = [models.UniqueConstraint(fields=["evento", "usuario"], name="registro_evento_unico")]


# --- Banco de preguntas frecuentes -----------------------------------------------------------
class PreguntaFrecuente(models.Model):
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.CASCADE, related_name="preguntas_frecuentes")
    pregunta = models.CharField(_("pregunta"), max_length=300)
    respuesta = models.TextField(_("respuesta"), **largo_maximo(TEXTO_LARGO))
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    publicada = models.BooleanField(_("publicada"), default=True)
    actualizada_por = models.ForeignKey(USUARIO, on_delete=models.PROTECT, related_name="+")
    actualizada = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizada", "id"], name="pregunta_act")]
        ordering = ["oferta_id", "orden", "pk"]
        verbose_name = _("pregunta frecuente")
        verbose_name_plural = _("preguntas frecuentes")

    def __str__(self):
        return self.pregunta
