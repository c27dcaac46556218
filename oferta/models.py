"""Oferta de asistencia técnica: el portafolio interactivo (DOMAIN §4; metodología 004, act. 1.B)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.models import CategoriaLey617, Estructura, GrupoMDM
from att.validadores import TEXTO_LARGO, TEXTO_MEDIO, largo_maximo

TODO_EL_PAIS = "00"  # en `Oferta.facetas_departamentos`: la oferta no focaliza departamentos


class EstadoOferta(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    EN_REVISION = "en_revision", _("En revisión")
    DEVUELTA = "devuelta", _("Devuelta con comentarios")
    PUBLICADA = "publicada", _("Publicada")
    ARCHIVADA = "archivada", _("Archivada")


class PublicoObjetivo(models.TextChoices):
    """A quién va dirigida dentro de la entidad territorial."""

    MANDATARIOS = "mandatarios", _("Alcaldes y gobernadores")
    PLANEACION = "planeacion", _("Secretaría de planeación")
    HACIENDA = "hacienda", _("Secretaría de hacienda o tesorería")
    SECTORIALES = "sectoriales", _("Secretarías sectoriales")
    CONTRATACION = "contratacion", _("Oficina de contratación")
    CONTROL_INTERNO = "control_interno", _("Control interno")
    CONCEJOS_ASAMBLEAS = "concejos_asambleas", _("Concejos y asambleas")
    CONSEJOS_PLANEACION = "consejos_planeacion", _("Consejos territoriales de planeación")
    FUNCIONARIOS = "funcionarios", _("Funcionarios en general")


class FuenteFinanciacion(models.TextChoices):
    PGN_INVERSION = "pgn_inversion", _("Presupuesto General de la Nación: inversión")
    PGN_FUNCIONAMIENTO = "pgn_funcionamiento", _("Presupuesto General de la Nación: funcionamiento")
    SGR = "sgr", _("Sistema General de Regalías")
    COOPERACION = "cooperacion", _("Cooperación internacional")
    PROPIOS = "propios", _("Recursos propios de la entidad")
    OTRAS = "otras", _("Otras fuentes")


class OfertaQuerySet(models.QuerySet):
    def publicadas(self, hoy=None):
        """LA definición de «oferta publicada» (portada, portal, tableros, API, datos abiertos, cruce):
        en estado publicada Y vigente, es decir, sin fecha de fin o con fin hoy o después (una oferta
        que termina hoy sigue vigente todo el día; la que terminó ayer ya no cuenta)."""
        hoy = hoy or timezone.localdate()
        return self.filter(models.Q(vigencia_hasta__isnull=True) | models.Q(vigencia_hasta__gte=hoy),
                           estado=EstadoOferta.PUBLICADA)

    def q_publicadas(self, prefijo: str = "", hoy=None) -> models.Q:
        """La misma definición como Q, para filtrar otra tabla por su oferta (`prefijo="oferta__"`)."""
        hoy = hoy or timezone.localdate()
        return models.Q(**{f"{prefijo}estado": EstadoOferta.PUBLICADA}) & (
            models.Q(**{f"{prefijo}vigencia_hasta__isnull": True}) | models.Q(**{f"{prefijo}vigencia_hasta__gte": hoy}))


class Oferta(models.Model):
    """Producto o servicio de asistencia técnica de una entidad oferente."""

    objects = OfertaQuerySet.as_manager()

    entidad = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, related_name="ofertas", verbose_name=_("entidad oferente")
    )
    dependencia = models.ForeignKey(
        "att.Dependencia", on_delete=models.SET_NULL, null=True, blank=True, related_name="ofertas",
        verbose_name=_("dependencia responsable"),
    )
    cooferentes = models.ManyToManyField(
        "att.Entidad", blank=True, related_name="ofertas_conjuntas", verbose_name=_("entidades cooferentes")
    )
    nombre = models.CharField(_("nombre"), max_length=255)
    necesidad = models.TextField(_("necesidad que atiende"), **largo_maximo(TEXTO_LARGO))
    descripcion = models.TextField(_("descripción"), **largo_maximo(TEXTO_LARGO))
    # Clasificación
    descriptores = models.ManyToManyField("att.DescriptorTematico", related_name="ofertas", verbose_name=_("descriptores"))
    temas = models.ManyToManyField("att.Tema", related_name="ofertas", verbose_name=_("temas"))
    capacidades = models.ManyToManyField(
        "att.Capacidad", related_name="ofertas", verbose_name=_("capacidades que fortalece")
    )
    niveles_capacidad = models.ManyToManyField(
        "att.NivelCapacidad", blank=True, related_name="ofertas", verbose_name=_("niveles de capacidad")
    )
    etapas = models.ManyToManyField(
        "att.EtapaCiclo", related_name="ofertas", verbose_name=_("etapas del ciclo donde es más útil")
    )
    modalidades = models.ManyToManyField("att.Modalidad", related_name="ofertas", verbose_name=_("modalidades"))
    canal = models.ForeignKey("att.Canal", on_delete=models.PROTECT, related_name="ofertas", verbose_name=_("canal"))
    estructura = models.CharField(
        _("estructura"), max_length=20, choices=Estructura.choices, default=Estructura.CENTRALIZADA
    )
    continua = models.BooleanField(_("oferta continua"), default=True, help_text=_("Desmarque si es puntual."))
    # Focalización: sin criterios = todas las entidades territoriales.
    dirigida_a_alcaldias = models.BooleanField(_("dirigida a alcaldías"), default=True)
    dirigida_a_gobernaciones = models.BooleanField(_("dirigida a gobernaciones"), default=True)
    focaliza_departamentos = models.ManyToManyField(
        "att.Departamento", blank=True, related_name="ofertas_focalizadas",
        verbose_name=_("departamentos focalizados"),
    )
    focaliza_categorias = ArrayField(
        models.CharField(max_length=1, choices=CategoriaLey617.choices), blank=True, default=list,
        verbose_name=_("categorías focalizadas (Ley 617)"),
    )
    focaliza_grupos_mdm = ArrayField(
        models.CharField(max_length=2, choices=GrupoMDM.choices), blank=True, default=list,
        verbose_name=_("grupos MDM focalizados"),
    )
    solo_pdet = models.BooleanField(_("solo municipios PDET"), default=False)
    solo_zomac = models.BooleanField(_("solo municipios ZOMAC"), default=False)
    focaliza_entidades = models.ManyToManyField(
        "att.Entidad", blank=True, related_name="ofertas_dirigidas", verbose_name=_("lista explícita de entidades"),
    )
    publico_objetivo = ArrayField(
        models.CharField(max_length=30, choices=PublicoObjetivo.choices), blank=True, default=list,
        verbose_name=_("público dentro de la entidad territorial"),
    )
    # Entrega
    bienes_entregados = models.TextField(_("bienes que entrega"), blank=True,
                                         help_text=_("Guías, herramientas, sistemas de información…"), **largo_maximo(TEXTO_MEDIO))
    requisitos = models.TextField(_("requisitos"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cronograma = models.TextField(_("cronograma y lugares"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cupos = models.PositiveIntegerField(_("cupos"), null=True, blank=True, help_text=_("Vacío: sin límite."))
    alineacion_pnd = models.TextField(_("alineación con el Plan Nacional de Desarrollo"), blank=True, **largo_maximo(TEXTO_MEDIO))
    contacto_nombre = models.CharField(_("nombre de contacto"), max_length=150)
    contacto_email = models.EmailField(_("correo de contacto"))
    contacto_telefono = models.CharField(_("teléfono de contacto"), max_length=30, blank=True)
    vigencia_desde = models.DateField(_("vigente desde"))
    vigencia_hasta = models.DateField(_("vigente hasta"), null=True, blank=True)
    # Diseño del producto (001 Etapas 1–2; 004 actividad 1.B): la brecha de capacidad que atiende, el
    # objetivo, la cadena de valor, el costo por entidad asistida, sus fuentes y sus indicadores.
    brecha_capacidad = models.TextField(_("brecha de capacidad que atiende"), blank=True, **largo_maximo(TEXTO_MEDIO))
    objetivo_capacidad = models.TextField(_("objetivo de capacidad"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cadena_insumos = models.TextField(_("cadena de valor: insumos"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cadena_actividades = models.TextField(_("cadena de valor: actividades"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cadena_productos = models.TextField(_("cadena de valor: productos"), blank=True, **largo_maximo(TEXTO_MEDIO))
    cadena_resultados = models.TextField(_("cadena de valor: resultados"), blank=True, **largo_maximo(TEXTO_MEDIO))
    costo_por_et = models.DecimalField(
        _("costo estimado por entidad territorial asistida (COP)"), max_digits=16, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(0)],
    )
    fuentes_financiacion = ArrayField(
        models.CharField(max_length=20, choices=FuenteFinanciacion.choices), blank=True, default=list,
        verbose_name=_("fuentes de financiación"),
    )
    indicadores = models.ManyToManyField(
        "indicadores.Indicador", blank=True, related_name="ofertas", verbose_name=_("indicadores del producto"),
    )
    # Ciclo de vida
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoOferta.choices, default=EstadoOferta.BORRADOR)
    comentario_revision = models.TextField(_("comentarios de la revisión DNP"), blank=True, **largo_maximo(TEXTO_MEDIO))
    publicada_en = models.DateTimeField(_("publicada"), null=True, blank=True)
    creada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ofertas_creadas", null=True, blank=True
    )
    creada = models.DateTimeField(_("creada"), auto_now_add=True)
    actualizada = models.DateTimeField(_("actualizada"), auto_now=True)
    # Búsqueda: vector ponderado en español sin tildes, guardado y mantenido por los servicios.
    busqueda = SearchVectorField(null=True, editable=False)
    # Copia de los ids de las facetas (la verdad está en las tablas intermedias) para contar las
    # facetas del portal en una sola pasada; la mantiene `services.actualizar_busqueda`.
    facetas_descriptores = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    facetas_temas = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    facetas_capacidades = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    facetas_etapas = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    facetas_modalidades = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    facetas_departamentos = ArrayField(models.CharField(max_length=2), default=list, blank=True, editable=False,
                                       help_text="Códigos DIVIPOLA; '00' = todo el país (sin focalizar).")
    facetas_entidades = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False,
                                   help_text="Entidad oferente y cooferentes.")
    historial = HistoricalRecords(excluded_fields=[
        "busqueda", "facetas_descriptores", "facetas_temas", "facetas_capacidades", "facetas_etapas",
        "facetas_modalidades", "facetas_departamentos", "facetas_entidades",
    ])

    class Meta:
        ordering = ["-actualizada"]
        verbose_name = _("oferta")
        verbose_name_plural = _("ofertas")
        indexes = [models.Index(fields=["actualizada", "id"], name="oferta_act"), 
            GinIndex(fields=["busqueda"], name="oferta_busqueda_gin"),
            models.Index(fields=["estado", "-publicada_en"], name="oferta_estado_publicada"),
            models.Index(fields=["entidad", "estado"], name="oferta_entidad_estado"),
            models.Index(fields=["actualizada"], name="oferta_actualizada"),
            # La página de la API (`/api/v1/ofertas/`: publicadas, de la más nueva a la más vieja, con la huella de
            # cada fila): PostgreSQL la recorre hacia atrás sin tocar la tabla (index-only). A escala 1000, 0,38–0,47
            # ms y 222 bloques antes; 0,19–0,29 ms y 84 bloques con él (los de la entidad de cada fila).
            models.Index(fields=["id"], name="oferta_publicada_id", include=["actualizada", "entidad", "vigencia_hasta"],
                         condition=models.Q(estado="publicada")),
            # Filtros del portal sobre la copia de ids de las facetas (&&: alguno de los valores).
            *[GinIndex(fields=[f"facetas_{nombre}"], name=f"oferta_fac_{nombre}_gin")
              for nombre in ("descriptores", "temas", "capacidades", "etapas", "modalidades", "departamentos",
                             "entidades")],
            # Solapamientos: vecinos más cercanos por trigramas (<->) sobre el nombre sin tildes.
            GistIndex(
                OpClass(Func(F("nombre"), function="att_unaccent", output_field=models.TextField()),
                        name="gist_trgm_ops"),
                name="oferta_nombre_trgm_gist",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vigencia_hasta__isnull=True) | models.Q(vigencia_hasta__gte=models.F("vigencia_desde")),
                name="oferta_vigencia_ordenada",
            ),
            models.CheckConstraint(
                condition=models.Q(dirigida_a_alcaldias=True) | models.Q(dirigida_a_gobernaciones=True),
                name="oferta_dirigida_a_algun_tipo",
            ),
        ]

    def __str__(self):
        return self.nombre

    def esta_publicada(self, hoy=None) -> bool:
        """La definición de `OfertaQuerySet.publicadas` sobre una oferta ya leída."""
        hoy = hoy or timezone.localdate()
        return self.estado == EstadoOferta.PUBLICADA and (self.vigencia_hasta is None or self.vigencia_hasta >= hoy)

    # Nombres legibles de las listas de opciones (la base guarda los códigos: "G4", "planeacion").
    def categorias_display(self) -> list[str]:
        return [str(CategoriaLey617(v).label) for v in self.focaliza_categorias if v in CategoriaLey617.values]

    def grupos_mdm_display(self) -> list[str]:
        return [str(GrupoMDM(v).label) for v in self.focaliza_grupos_mdm if v in GrupoMDM.values]

    def fuentes_display(self) -> list[str]:
        return [str(FuenteFinanciacion(v).label) for v in self.fuentes_financiacion if v in FuenteFinanciacion.values]

    def publico_objetivo_display(self) -> list[str]:
        return [str(PublicoObjetivo(v).label) for v in self.publico_objetivo if v in PublicoObjetivo.values]


class TransicionOferta(models.Model):
    """Historia del ciclo de vida: quién, cuándo y por qué."""

    oferta = models.ForeignKey(Oferta, on_delete=models.CASCADE, related_name="transiciones")
    de_estado = models.CharField(max_length=20, choices=EstadoOferta.choices, blank=True)
    a_estado = models.CharField(max_length=20, choices=EstadoOferta.choices)
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(auto_now_add=True)
    motivo = models.TextField(_("motivo o comentario"), blank=True, **largo_maximo(TEXTO_MEDIO))

    class Meta:
        ordering = ["cuando", "pk"]
        verbose_name = _("transición de oferta")
        verbose_name_plural = _("transiciones de oferta")


class EstadoImportacion(models.TextChoices):
    VALIDANDO = "validando", _("Validando (ensayo)")
    CON_ERRORES = "con_errores", _("Con errores: no se escribió nada")
    VALIDADA = "validada", _("Validada: espera confirmación")
    IMPORTANDO = "importando", _("Importando")
    TERMINADA = "terminada", _("Terminada")
    FALLIDA = "fallida", _("Fallida")


class ImportacionOferta(models.Model):
    """Un archivo de ofertas (CSV/XLSX): ensayo primero, confirmación después; los grandes van por Celery."""

    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archivo = models.FileField(_("archivo"), upload_to="importaciones/ofertas/")
    nombre_archivo = models.CharField(_("nombre del archivo"), max_length=255)
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoImportacion.choices, default=EstadoImportacion.VALIDANDO
    )
    total = models.PositiveIntegerField(_("filas"), default=0)
    procesadas = models.PositiveIntegerField(_("filas procesadas"), default=0)
    validas = models.PositiveIntegerField(_("filas válidas"), default=0)
    creadas = models.PositiveIntegerField(_("ofertas creadas"), default=0)
    errores = models.JSONField(_("errores por fila"), default=list, blank=True)
    creada = models.DateTimeField(auto_now_add=True)
    actualizada = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-creada"]
        verbose_name = _("importación de ofertas")
        verbose_name_plural = _("importaciones de ofertas")

    def __str__(self):
        return self.nombre_archivo

    @property
    def porcentaje(self) -> int:
        return int(100 * self.procesadas / self.total) if self.total else 0

    @property
    def en_curso(self) -> bool:
        return self.estado in (EstadoImportacion.VALIDANDO, EstadoImportacion.IMPORTANDO)


class HitoPlantilla(models.Model):
    """Hito estándar del producto («parametrizar hitos del producto», 001 Etapa 2 paso 9): la oferta lo
    define una vez, con su peso y su desfase en días desde el inicio de la línea. Una línea del plan que
    entrega la oferta empieza con una copia de estos hitos (editable en la línea); cambiar la plantilla
    no reescribe las líneas ya empezadas."""

    oferta = models.ForeignKey(Oferta, on_delete=models.CASCADE, related_name="plantilla_hitos")
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    nombre = models.CharField(_("nombre del hito"), max_length=255)
    peso = models.DecimalField(_("peso"), max_digits=6, decimal_places=2, default=1,
                               help_text=_("Peso con que el avance del hito suma al de la línea."))
    desfase_dias = models.PositiveIntegerField(
        _("días desde el inicio de la línea"), default=0,
        help_text=_("La fecha planeada del hito en cada línea es su fecha de inicio más estos días."))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["oferta_id", "orden", "pk"]
        verbose_name = _("hito de la plantilla del producto")
        verbose_name_plural = _("hitos de la plantilla del producto")
        constraints = [models.CheckConstraint(condition=models.Q(peso__gt=0), name="hito_plantilla_peso_positivo")]

    def __str__(self):
        return self.nombre
