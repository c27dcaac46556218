"""Agenda nacional de ATT, planes de trabajo anuales y planes concertados con cada ET (DOMAIN §6).

Núcleo estable del que depende `seguimiento` (hitos sobre `LineaPlan`); el resto del modelo de la
agenda (versiones, mesas de trabajo, compromisos…) crece en esta app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.models import TipoDescriptor
from att.validadores import TEXTO_CORTO, TEXTO_LARGO, TEXTO_MEDIO, largo_maximo


class EstadoAgenda(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    CONCERTADA = "concertada", _("Concertada")
    VIGENTE = "vigente", _("Vigente")
    CERRADA = "cerrada", _("Cerrada")


class AgendaNacional(models.Model):
    nombre = models.CharField(_("nombre"), max_length=255)
    anio_inicio = models.PositiveSmallIntegerField(_("año de inicio"))
    anio_fin = models.PositiveSmallIntegerField(_("año de fin"))
    descripcion = models.TextField(_("descripción"), blank=True, **largo_maximo(TEXTO_LARGO))
    alineacion_pnd = models.TextField(_("alineación con el PND"), blank=True, **largo_maximo(TEXTO_MEDIO))
    alineacion_ods = models.TextField(_("alineación con los ODS"), blank=True, **largo_maximo(TEXTO_MEDIO))
    alineacion_mipg = models.TextField(_("alineación con políticas MIPG"), blank=True, **largo_maximo(TEXTO_MEDIO))
    participantes = models.ManyToManyField(
        "att.Entidad", blank=True, related_name="agendas", verbose_name=_("entidades participantes")
    )
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoAgenda.choices, default=EstadoAgenda.BORRADOR)
    creada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="agenda_act")]
        ordering = ["-anio_inicio"]
        verbose_name = _("agenda nacional de ATT")
        verbose_name_plural = _("agendas nacionales de ATT")
        constraints = [
            models.CheckConstraint(condition=models.Q(anio_fin__gte=models.F("anio_inicio")), name="agenda_anios_ordenados"),
        ]

    def __str__(self):
        return self.nombre


class EstadoPlan(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    ENVIADO = "enviado", _("Enviado a revisión")
    DEVUELTO = "devuelto", _("Devuelto para ajuste")
    APROBADO = "aprobado", _("Aprobado")


class PlanDeTrabajo(models.Model):
    """Programación anual (vigencia) de una entidad participante bajo la agenda."""

    agenda = models.ForeignKey(AgendaNacional, on_delete=models.PROTECT, related_name="planes")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="planes_de_trabajo")
    vigencia = models.PositiveSmallIntegerField(_("vigencia (año)"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoPlan.choices, default=EstadoPlan.BORRADOR)
    version = models.PositiveSmallIntegerField(_("versión"), default=1)
    creado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="planes_creados",
        verbose_name=_("creado por"),
    )
    enviado_en = models.DateTimeField(_("enviado a revisión"), null=True, blank=True)
    aprobado_en = models.DateTimeField(_("aprobado"), null=True, blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="plan_act")]
        ordering = ["-vigencia", "entidad__nombre"]
        verbose_name = _("plan de trabajo")
        verbose_name_plural = _("planes de trabajo")
        constraints = [
            models.UniqueConstraint(fields=["agenda", "entidad", "vigencia"], name="plan_unico_por_entidad_vigencia"),
        ]

    def __str__(self):
        return f"{self.entidad} · {self.vigencia}"


class LineaPlan(models.Model):
    """Línea de un plan de trabajo: una oferta llevada a territorios focalizados."""

    plan = models.ForeignKey(PlanDeTrabajo, on_delete=models.CASCADE, related_name="lineas")
    oferta = models.ForeignKey("oferta.Oferta", on_delete=models.PROTECT, related_name="lineas_plan")
    objetivo = models.TextField(_("objetivo"), **largo_maximo(TEXTO_MEDIO))
    territorios = models.ManyToManyField(
        "att.Entidad", related_name="lineas_plan_focalizadas", verbose_name=_("entidades territoriales focalizadas")
    )
    etapa = models.ForeignKey("att.EtapaCiclo", on_delete=models.PROTECT, related_name="lineas_plan")
    temas = models.ManyToManyField("att.Tema", blank=True, related_name="lineas_plan")
    secuencia = models.PositiveSmallIntegerField(_("orden en la secuencia"), default=1)
    fecha_inicio = models.DateField(_("fecha de inicio"))
    fecha_fin = models.DateField(_("fecha de fin"))
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lineas_plan_a_cargo",
        verbose_name=_("responsable"),
    )
    dependencia = models.ForeignKey(
        "att.Dependencia", on_delete=models.SET_NULL, null=True, blank=True, related_name="lineas_plan",
        verbose_name=_("dependencia que ejecuta"),
        help_text=_("Unidad de la entidad oferente a cargo; vacía, la de la oferta."),
    )
    inversion = models.DecimalField(_("inversión (COP)"), max_digits=16, decimal_places=0, default=0)
    fuente_financiacion = models.CharField(_("fuente de financiación"), max_length=150, blank=True)
    demandas = models.ManyToManyField(
        "demanda.Demanda", blank=True, related_name="lineas_plan", verbose_name=_("demandas que atiende")
    )
    peso = models.DecimalField(
        _("peso en el plan"), max_digits=6, decimal_places=2, default=1,
        help_text=_("Peso con que el avance de la línea suma al avance del plan."),
    )
    objetivo_agenda = models.ForeignKey(
        "agenda.ObjetivoAgenda", on_delete=models.SET_NULL, null=True, blank=True, related_name="lineas",
        verbose_name=_("objetivo de la agenda al que aporta"),
    )
    indicador = models.CharField(_("indicador"), max_length=255, blank=True,
                                 help_text=_("Texto libre (el de siempre); el vínculo a la ficha va en «indicadores vinculados»."))
    indicadores_vinculados = models.ManyToManyField(
        "indicadores.Indicador", blank=True, related_name="lineas_plan", verbose_name=_("indicadores vinculados"),
    )
    meta = models.DecimalField(_("meta de la vigencia"), max_digits=14, decimal_places=2, null=True, blank=True)
    unidad_meta = models.CharField(_("unidad de la meta"), max_length=60, blank=True,
                                   help_text=_("Por ejemplo: entidades asistidas, personas formadas, talleres."))
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "secuencia", "pk"]
        verbose_name = _("línea del plan")
        verbose_name_plural = _("líneas del plan")
        constraints = [
            models.CheckConstraint(condition=models.Q(fecha_fin__gte=models.F("fecha_inicio")), name="linea_fechas_ordenadas"),
            models.CheckConstraint(condition=models.Q(inversion__gte=0), name="linea_inversion_no_negativa"),
            models.CheckConstraint(condition=models.Q(peso__gt=0), name="linea_peso_positivo"),
        ]
        indexes = [models.Index(fields=["actualizado", "id"], name="lineaplan_act"), models.Index(fields=["etapa", "fecha_inicio"], name="linea_etapa_inicio")]

    def __str__(self):
        return f"{self.plan} · {self.oferta}"


class ObjetivoAgenda(models.Model):
    """Objetivo de la agenda con su indicador y meta, ordenado por los tres descriptores."""

    agenda = models.ForeignKey(AgendaNacional, on_delete=models.CASCADE, related_name="objetivos")
    tipo_descriptor = models.CharField(_("descriptor"), max_length=20, choices=TipoDescriptor.choices)
    descriptor = models.ForeignKey(
        "att.DescriptorTematico", on_delete=models.PROTECT, null=True, blank=True, related_name="objetivos_agenda",
        verbose_name=_("descriptor temático"),
    )
    orden = models.PositiveSmallIntegerField(_("orden"), default=1)
    enunciado = models.TextField(_("objetivo"), **largo_maximo(TEXTO_MEDIO))
    indicador = models.CharField(_("indicador"), max_length=255,
                                 help_text=_("Texto del indicador como se escribió; la ficha va en «indicador vinculado»."))
    indicador_vinculado = models.ForeignKey(
        "indicadores.Indicador", on_delete=models.SET_NULL, null=True, blank=True, related_name="objetivos_agenda",
        verbose_name=_("indicador vinculado"),
        help_text=_("Ficha del indicador (metas anuales y mediciones) con que se mide el objetivo."),
    )
    linea_base = models.DecimalField(_("línea base"), max_digits=14, decimal_places=2, null=True, blank=True)
    meta = models.DecimalField(_("meta del cuatrienio"), max_digits=14, decimal_places=2)
    unidad = models.CharField(_("unidad"), max_length=60, blank=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="objetivo_agenda_act")]
        ordering = ["agenda_id", "tipo_descriptor", "orden", "pk"]
        verbose_name = _("objetivo de la agenda")
        verbose_name_plural = _("objetivos de la agenda")

    def __str__(self):
        return self.enunciado[:80]


class TransicionAgenda(models.Model):
    agenda = models.ForeignKey(AgendaNacional, on_delete=models.CASCADE, related_name="transiciones")
    de_estado = models.CharField(max_length=20, choices=EstadoAgenda.choices)
    a_estado = models.CharField(max_length=20, choices=EstadoAgenda.choices)
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(auto_now_add=True)
    motivo = models.TextField(_("motivo"), blank=True, **largo_maximo(TEXTO_MEDIO))

    class Meta:
        ordering = ["cuando", "pk"]
        verbose_name = _("transición de la agenda")
        verbose_name_plural = _("transiciones de la agenda")


class VersionPlan(models.Model):
    """Copia fiel del plan y sus líneas en cada envío a revisión: nada se pierde en el ciclo de ajuste."""

    plan = models.ForeignKey(PlanDeTrabajo, on_delete=models.CASCADE, related_name="versiones")
    numero = models.PositiveSmallIntegerField(_("versión"))
    datos = models.JSONField(_("contenido del plan"))
    enviada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("enviada por"))
    enviada_en = models.DateTimeField(_("enviada"), auto_now_add=True)
    nota = models.TextField(_("nota de envío"), blank=True, **largo_maximo(TEXTO_CORTO))

    class Meta:
        ordering = ["plan_id", "numero"]
        verbose_name = _("versión del plan")
        verbose_name_plural = _("versiones del plan")
        constraints = [models.UniqueConstraint(fields=["plan", "numero"], name="version_plan_unica")]

    def __str__(self):
        return f"{self.plan} · v{self.numero}"


class DecisionRevision(models.TextChoices):
    APROBAR = "aprobado", _("Aprobado")
    DEVOLVER = "devuelto", _("Devuelto para ajuste")


class RevisionPlan(models.Model):
    """Decisión del DNP sobre una versión enviada: quién pidió qué y cuándo."""

    plan = models.ForeignKey(PlanDeTrabajo, on_delete=models.CASCADE, related_name="revisiones")
    version = models.ForeignKey(VersionPlan, on_delete=models.CASCADE, related_name="revisiones")
    decision = models.CharField(_("decisión"), max_length=20, choices=DecisionRevision.choices)
    comentario = models.TextField(_("comentario"), blank=True, **largo_maximo(TEXTO_MEDIO))
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("revisado por"))
    cuando = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["cuando", "pk"]
        verbose_name = _("revisión del plan")
        verbose_name_plural = _("revisiones del plan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="devuelto") | ~models.Q(comentario=""),
                name="revision_devuelta_con_comentario",
            ),
        ]


class EstadoConcertado(models.TextChoices):
    EN_CONCERTACION = "en_concertacion", _("En concertación")
    CONCERTADO = "concertado", _("Concertado")
    CERRADO = "cerrado", _("Cerrado")


class PlanConcertado(models.Model):
    """Acuerdo entre uno o más oferentes y una entidad territorial (metodología 004, act. 3).

    Con dos o más oferentes es un plan articulado."""

    entidad_territorial = models.ForeignKey(
        "att.Entidad", on_delete=models.PROTECT, related_name="planes_concertados",
        verbose_name=_("entidad territorial"),
    )
    oferentes = models.ManyToManyField("att.Entidad", related_name="planes_concertados_como_oferente",
                                       verbose_name=_("entidades oferentes"))
    agenda = models.ForeignKey(AgendaNacional, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="planes_concertados")
    vigencia = models.PositiveSmallIntegerField(_("vigencia (año)"))
    nombre = models.CharField(_("nombre"), max_length=255)
    objetivo = models.TextField(_("objetivo del acuerdo"), blank=True, **largo_maximo(TEXTO_MEDIO))
    lineas = models.ManyToManyField(LineaPlan, blank=True, related_name="planes_concertados",
                                    verbose_name=_("líneas de planes de trabajo que lo desarrollan"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoConcertado.choices,
                              default=EstadoConcertado.EN_CONCERTACION)
    creado_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(m2m_fields=[])

    class Meta:
        indexes = [models.Index(fields=["actualizado", "id"], name="concertado_act")]
        ordering = ["-vigencia", "entidad_territorial__nombre", "pk"]
        verbose_name = _("plan concertado con la entidad territorial")
        verbose_name_plural = _("planes concertados con entidades territoriales")

    def __str__(self):
        return self.nombre


class MesaDeTrabajo(models.Model):
    """Sesión de trabajo del plan concertado; deja evidencias y compromisos."""

    plan = models.ForeignKey(PlanConcertado, on_delete=models.CASCADE, related_name="mesas")
    fecha = models.DateTimeField(_("fecha y hora"))
    lugar = models.CharField(_("lugar"), max_length=255, blank=True)
    enlace = models.URLField(_("enlace de la sesión virtual"), blank=True)
    participantes = models.TextField(_("participantes"), help_text=_("Nombre, entidad y cargo; uno por línea."), **largo_maximo(TEXTO_LARGO))
    temas = models.TextField(_("temas tratados y conclusiones"), blank=True, **largo_maximo(TEXTO_LARGO))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registrada = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "fecha", "pk"]
        verbose_name = _("mesa de trabajo")
        verbose_name_plural = _("mesas de trabajo")
        constraints = [
            models.CheckConstraint(condition=~models.Q(lugar="") | ~models.Q(enlace=""), name="mesa_con_lugar_o_enlace"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.fecha:%Y-%m-%d}"


class TipoEvidencia(models.TextChoices):
    ACTA = "acta", _("Acta")
    ASISTENCIA = "asistencia", _("Lista de asistencia")
    FOTO = "foto", _("Fotografía")
    OTRA = "otra", _("Otra")


def ruta_evidencia(instancia, nombre):
    return f"agenda/mesas/{instancia.mesa_id}/{nombre}"


class EvidenciaMesa(models.Model):
    mesa = models.ForeignKey(MesaDeTrabajo, on_delete=models.CASCADE, related_name="evidencias")
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvidencia.choices)
    archivo = models.FileField(_("archivo"), upload_to=ruta_evidencia)
    nombre = models.CharField(_("nombre"), max_length=255)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"))
    subido_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subido = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["mesa_id", "tipo", "pk"]
        verbose_name = _("evidencia de mesa de trabajo")
        verbose_name_plural = _("evidencias de mesas de trabajo")


class EstadoCompromiso(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_CURSO = "en_curso", _("En curso")
    CUMPLIDO = "cumplido", _("Cumplido")
    CANCELADO = "cancelado", _("Cancelado")

    @classmethod
    def abiertos(cls):
        return [cls.PENDIENTE, cls.EN_CURSO]


class Compromiso(models.Model):
    """Compromiso de una mesa de trabajo, con responsable y fecha límite; se revisa en la siguiente."""

    plan = models.ForeignKey(PlanConcertado, on_delete=models.CASCADE, related_name="compromisos", null=True,
                             blank=True)
    mesa = models.ForeignKey(MesaDeTrabajo, on_delete=models.CASCADE, related_name="compromisos",
                             verbose_name=_("mesa donde se adquirió"), null=True, blank=True)
    # O bien de una mesa de un plan concertado, o bien de una decisión de una instancia de gobernanza.
    sesion = models.ForeignKey("agenda.SesionInstancia", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="compromisos", verbose_name=_("sesión de la instancia donde se decidió"))
    descripcion = models.TextField(_("compromiso"), **largo_maximo(TEXTO_MEDIO))
    responsable = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="compromisos_agenda", verbose_name=_("responsable"))
    entidad_responsable = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="compromisos_agenda", verbose_name=_("entidad responsable"))
    fecha_limite = models.DateField(_("fecha límite"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoCompromiso.choices,
                              default=EstadoCompromiso.PENDIENTE)
    cerrado_en = models.DateField(_("cumplido o cancelado el"), null=True, blank=True)
    vencimiento_notificado = models.DateField(_("alerta de vencimiento enviada"), null=True, blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["fecha_limite", "pk"]
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        indexes = [models.Index(fields=["actualizado", "id"], name="compromiso_act"), models.Index(fields=["estado", "fecha_limite"], name="compromiso_estado_limite")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False, mesa__isnull=False) | models.Q(sesion__isnull=False),
                name="compromiso_de_mesa_o_de_sesion",
            ),
        ]

    def __str__(self):
        return self.descripcion[:80]

    def vencido_al(self, hoy) -> bool:
        return self.estado in EstadoCompromiso.abiertos() and self.fecha_limite < hoy

    @property
    def vencido(self) -> bool:
        from django.utils import timezone

        return self.vencido_al(timezone.localdate())


class RevisionCompromiso(models.Model):
    """Lo que se dijo del compromiso en una mesa posterior."""

    compromiso = models.ForeignKey(Compromiso, on_delete=models.CASCADE, related_name="revisiones")
    mesa = models.ForeignKey(MesaDeTrabajo, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="compromisos_revisados")
    estado = models.CharField(_("estado resultante"), max_length=20, choices=EstadoCompromiso.choices)
    comentario = models.TextField(_("comentario"), blank=True, **largo_maximo(TEXTO_MEDIO))
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cuando = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cuando", "pk"]
        verbose_name = _("revisión de compromiso")
        verbose_name_plural = _("revisiones de compromisos")


# --- Gobernanza de la política (CONPES 4091 §5.3.1; 001 §4) ---------------------------------------
class NivelGobernanza(models.TextChoices):
    """Los tres niveles de decisión de la estructura de gobernanza (003 §5.3.1)."""

    EJECUTIVO = "ejecutivo", _("Ejecutivo: toma de decisiones (DNP, ESAP, DAFP)")
    PRESTADORES = "prestadores", _("Entidades prestadoras de ATT y cooperación")
    INTERMEDIACION = "intermediacion", _("Intermediación: departamentos y sus equipos de fortalecimiento")


class TipoInstancia(models.TextChoices):
    COMITE_TERRITORIAL = "comite_territorial", _("Comité territorial (Consejo de Gestión y Desempeño del MIPG)")
    MESA_TECNICA = "mesa_tecnica", _("Mesa técnica")
    NIVEL_DIRECTIVO = "nivel_directivo", _("Nivel directivo")
    OTRA = "otra", _("Otra instancia")


class InstanciaGobernanza(models.Model):
    """Instancia de la estructura de gobernanza: donde se socializan resultados y se decide."""

    nombre = models.CharField(_("nombre"), max_length=255, unique=True)
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoInstancia.choices)
    nivel = models.CharField(_("nivel de decisión"), max_length=20, choices=NivelGobernanza.choices)
    agenda = models.ForeignKey(AgendaNacional, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="instancias", verbose_name=_("agenda nacional"))
    descripcion = models.TextField(_("propósito y reglamento"), blank=True, **largo_maximo(TEXTO_MEDIO))
    activa = models.BooleanField(_("activa"), default=True)
    creada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["nivel", "nombre", "pk"]
        indexes = [models.Index(fields=["actualizado", "id"], name="instancia_act")]
        verbose_name = _("instancia de gobernanza")
        verbose_name_plural = _("instancias de gobernanza")

    def __str__(self):
        return self.nombre


class MiembroInstancia(models.Model):
    """Entidad que integra la instancia, con su papel (preside, secretaría técnica, miembro, invitada)."""

    instancia = models.ForeignKey(InstanciaGobernanza, on_delete=models.CASCADE, related_name="miembros")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="instancias_gobernanza",
                                verbose_name=_("entidad"))
    papel = models.CharField(_("papel"), max_length=100, default="Miembro")
    historial = HistoricalRecords()

    class Meta:
        ordering = ["instancia_id", "entidad__nombre", "pk"]
        verbose_name = _("miembro de la instancia")
        verbose_name_plural = _("miembros de la instancia")
        constraints = [models.UniqueConstraint(fields=["instancia", "entidad"], name="miembro_instancia_unico")]

    def __str__(self):
        return f"{self.instancia} · {self.entidad}"


class SesionInstancia(models.Model):
    """Sesión de una instancia: orden del día, acta, asistencia, decisiones y resultados presentados."""

    instancia = models.ForeignKey(InstanciaGobernanza, on_delete=models.CASCADE, related_name="sesiones")
    fecha = models.DateTimeField(_("fecha y hora"))
    lugar = models.CharField(_("lugar o enlace"), max_length=255, blank=True)
    orden_del_dia = models.TextField(_("orden del día"), **largo_maximo(TEXTO_MEDIO))
    acta = models.TextField(_("acta"), blank=True, **largo_maximo(TEXTO_LARGO))
    asistentes = models.ManyToManyField("att.Entidad", blank=True, related_name="sesiones_gobernanza",
                                        verbose_name=_("entidades asistentes"))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registrada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["-fecha", "pk"]
        indexes = [models.Index(fields=["actualizado", "id"], name="sesion_instancia_act")]
        verbose_name = _("sesión de instancia de gobernanza")
        verbose_name_plural = _("sesiones de instancias de gobernanza")
        constraints = [models.UniqueConstraint(fields=["instancia", "fecha"], name="sesion_unica_por_fecha")]

    def __str__(self):
        return f"{self.instancia} · {self.fecha:%Y-%m-%d}"


class DecisionSesion(models.Model):
    """Decisión tomada en la sesión; con responsable y fecha se vuelve un `Compromiso`."""

    sesion = models.ForeignKey(SesionInstancia, on_delete=models.CASCADE, related_name="decisiones")
    descripcion = models.TextField(_("decisión"), **largo_maximo(TEXTO_MEDIO))
    compromiso = models.OneToOneField(Compromiso, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="decision", verbose_name=_("compromiso que genera"))
    registrada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registrada = models.DateTimeField(auto_now_add=True)
    historial = HistoricalRecords()

    class Meta:
        ordering = ["sesion_id", "pk"]
        verbose_name = _("decisión de la sesión")
        verbose_name_plural = _("decisiones de la sesión")

    def __str__(self):
        return self.descripcion[:80]


class ResultadoSesion(models.Model):
    """Resultado presentado en la sesión: enlace a una página del sitio (informe del corte, tablero)."""

    sesion = models.ForeignKey(SesionInstancia, on_delete=models.CASCADE, related_name="resultados")
    titulo = models.CharField(_("título"), max_length=255)
    ruta = models.CharField(_("enlace (ruta del sitio)"), max_length=500,
                            help_text=_("Ruta dentro de la plataforma, p. ej. /seguimiento/tablero/."))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["sesion_id", "pk"]
        verbose_name = _("resultado presentado")
        verbose_name_plural = _("resultados presentados")
        constraints = [models.UniqueConstraint(fields=["sesion", "ruta"], name="resultado_sesion_unico")]

    def __str__(self):
        return self.titulo


# --- Agendas territoriales de desarrollo (metodología 004, actividad 2) ------------------------------
class TipoAgendaTerritorial(models.TextChoices):
    PACTO = "pacto_territorial", _("Pacto territorial")
    PDET = "iniciativa_pdet", _("Iniciativa PDET")
    ESQUEMA = "plan_esquema_asociativo", _("Plan de esquema asociativo territorial")
    OTRA = "otra", _("Otra apuesta de desarrollo")


class AgendaTerritorial(models.Model):
    """Acuerdo de desarrollo que una o varias ET (o una región) suscribieron, al que sirven líneas y ofertas.

    La relación con líneas y ofertas se declara aquí (la oferta está debajo de la agenda en las capas)."""

    nombre = models.CharField(_("nombre"), max_length=255)
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoAgendaTerritorial.choices)
    entidades = models.ManyToManyField("att.Entidad", related_name="agendas_territoriales",
                                       verbose_name=_("entidades territoriales que la suscriben"))
    region = models.CharField(_("región o subregión"), max_length=120, blank=True)
    fecha_suscripcion = models.DateField(_("fecha de suscripción"), null=True, blank=True)
    vigente_hasta = models.DateField(_("vigente hasta"), null=True, blank=True)
    descripcion = models.TextField(_("apuestas de desarrollo"), blank=True, **largo_maximo(TEXTO_MEDIO))
    enlace = models.URLField(_("enlace al documento"), blank=True)
    lineas = models.ManyToManyField(LineaPlan, blank=True, related_name="agendas_territoriales",
                                    verbose_name=_("líneas de plan que le sirven"))
    ofertas = models.ManyToManyField("oferta.Oferta", blank=True, related_name="agendas_territoriales",
                                     verbose_name=_("ofertas que le sirven"))
    creada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    creada = models.DateTimeField(auto_now_add=True)
    # Fecha de modificación del servidor: fuente de cambios de la API (`actualizado_desde`).
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)
    historial = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["nombre", "pk"]
        indexes = [models.Index(fields=["actualizado", "id"], name="agenda_territorial_act")]
        verbose_name = _("agenda territorial de desarrollo")
        verbose_name_plural = _("agendas territoriales de desarrollo")
        constraints = [
            models.UniqueConstraint(fields=["tipo", "nombre"], name="agenda_territorial_unica"),
            models.CheckConstraint(
                condition=models.Q(vigente_hasta__isnull=True) | models.Q(fecha_suscripcion__isnull=True)
                | models.Q(vigente_hasta__gte=models.F("fecha_suscripcion")),
                name="agenda_territorial_fechas"),
        ]

    def __str__(self):
        return self.nombre
