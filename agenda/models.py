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
    indicador = models.CharField(_("indicador"), max_length=255)
    linea_base = models.DecimalField(_("línea base"), max_digits=14, decimal_places=2, null=True, blank=True)
    meta = models.DecimalField(_("meta del cuatrienio"), max_digits=14, decimal_places=2)
    unidad = models.CharField(_("unidad"), max_length=60, blank=True)
    historial = HistoricalRecords()

    class Meta:
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

    plan = models.ForeignKey(PlanConcertado, on_delete=models.CASCADE, related_name="compromisos")
    mesa = models.ForeignKey(MesaDeTrabajo, on_delete=models.CASCADE, related_name="compromisos",
                             verbose_name=_("mesa donde se adquirió"))
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
