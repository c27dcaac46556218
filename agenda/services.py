"""Toda escritura de la agenda: agenda nacional, planes de trabajo y su ciclo de revisión
(enviar → aprobar o devolver → ajustar → reenviar; DNP, procedimiento act. 2–3), planes
concertados con la ET, mesas de trabajo, evidencias y compromisos (metodología 004, act. 3 y 6)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import selectors
from agenda.models import (
    AgendaNacional,
    Compromiso,
    DecisionRevision,
    EstadoAgenda,
    EstadoCompromiso,
    EstadoConcertado,
    EstadoPlan,
    EvidenciaMesa,
    LineaPlan,
    MesaDeTrabajo,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    RevisionCompromiso,
    RevisionPlan,
    TransicionAgenda,
    VersionPlan,
)
from agenda.rules import concierta_con
from att.models import Membresia, Rol, Usuario
from att.notificaciones import notificar
from att.services import exigir_dependencia_elegible
from att.validadores import exigir_largo, exigir_largos, validar_adjunto
from demanda.models import Demanda
from demanda.services import demanda_poner_en_atencion

EXTENSIONES_EVIDENCIA = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "odt", "ods"]


def _exigir(usuario, permiso: str, objeto, mensaje: str) -> None:
    if not usuario.has_perm(permiso, objeto):
        raise PermissionDenied(mensaje)


# --- Agenda nacional -------------------------------------------------------------------------
TRANSICIONES_AGENDA = {
    EstadoAgenda.BORRADOR: {EstadoAgenda.CONCERTADA},
    EstadoAgenda.CONCERTADA: {EstadoAgenda.VIGENTE, EstadoAgenda.BORRADOR},
    EstadoAgenda.VIGENTE: {EstadoAgenda.CERRADA},
    EstadoAgenda.CERRADA: set(),
}


@transaction.atomic
def agenda_crear(*, por, nombre: str, anio_inicio: int, anio_fin: int | None = None, **campos) -> AgendaNacional:
    _exigir(por, "agenda.gestionar_agenda", None, _("Solo el administrador DNP gestiona la agenda nacional."))
    anio_fin = anio_fin or anio_inicio + 3
    if anio_fin - anio_inicio != 3:
        raise ValidationError(_("La agenda nacional cubre un cuatrienio: cuatro años seguidos."))
    exigir_largos(AgendaNacional, campos)
    participantes = campos.pop("participantes", [])
    agenda = AgendaNacional.objects.create(nombre=nombre, anio_inicio=anio_inicio, anio_fin=anio_fin, **campos)
    agenda.participantes.set(participantes)
    return agenda


@transaction.atomic
def agenda_objetivo_agregar(*, agenda: AgendaNacional, por, **campos) -> ObjetivoAgenda:
    _exigir(por, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    if agenda.estado == EstadoAgenda.CERRADA:
        raise ValidationError(_("La agenda está cerrada: no admite cambios."))
    exigir_largos(ObjetivoAgenda, campos)
    return ObjetivoAgenda.objects.create(agenda=agenda, **campos)


@transaction.atomic
def agenda_cambiar_estado(*, agenda: AgendaNacional, a_estado: str, por, motivo: str = "") -> AgendaNacional:
    _exigir(por, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP cambia el estado de la agenda."))
    agenda = AgendaNacional.objects.select_for_update().get(pk=agenda.pk)
    if a_estado not in TRANSICIONES_AGENDA[agenda.estado]:
        raise ValidationError(
            _("La agenda no puede pasar de «%(de)s» a «%(a)s».")
            % {"de": agenda.get_estado_display(), "a": EstadoAgenda(a_estado).label}
        )
    if a_estado == EstadoAgenda.CONCERTADA and not agenda.objetivos.exists():
        raise ValidationError(_("Para concertar la agenda registre al menos un objetivo con su indicador y meta."))
    exigir_largo(TransicionAgenda, "motivo", motivo)
    TransicionAgenda.objects.create(agenda=agenda, de_estado=agenda.estado, a_estado=a_estado, por=por, motivo=motivo)
    agenda.estado = a_estado
    agenda.save(update_fields=["estado"])
    return agenda


# --- Planes de trabajo -----------------------------------------------------------------------
@transaction.atomic
def plan_crear(*, agenda: AgendaNacional, entidad, vigencia: int, por) -> PlanDeTrabajo:
    _exigir(por, "agenda.crear_plan", entidad,
            _("Solo un oferente de la entidad puede crear su plan de trabajo."))
    if agenda.estado not in (EstadoAgenda.CONCERTADA, EstadoAgenda.VIGENTE):
        raise ValidationError(_("Solo se programan planes bajo una agenda concertada o vigente."))
    if not agenda.anio_inicio <= vigencia <= agenda.anio_fin:
        raise ValidationError(
            _("La vigencia debe estar entre %(a)s y %(b)s.") % {"a": agenda.anio_inicio, "b": agenda.anio_fin}
        )
    if PlanDeTrabajo.objects.filter(agenda=agenda, entidad=entidad, vigencia=vigencia).exists():
        raise ValidationError(_("La entidad ya tiene un plan de trabajo para esa vigencia."))
    plan = PlanDeTrabajo.objects.create(agenda=agenda, entidad=entidad, vigencia=vigencia, creado_por=por)
    agenda.participantes.add(entidad)
    return plan


def _validar_linea(plan: PlanDeTrabajo, datos: dict) -> None:
    errores = {}
    oferta = datos.get("oferta")
    if oferta is not None:
        if oferta.entidad_id != plan.entidad_id and not oferta.cooferentes.filter(pk=plan.entidad_id).exists():
            errores["oferta"] = _("La oferta debe ser de la entidad del plan (o tenerla como cooferente).")
        elif oferta.estado != "publicada":
            errores["oferta"] = _("Solo se programan ofertas publicadas en el portafolio.")
    inicio, fin = datos.get("fecha_inicio"), datos.get("fecha_fin")
    if inicio and fin:
        if fin < inicio:
            errores["fecha_fin"] = _("La fecha de fin no puede ser anterior a la de inicio.")
        elif inicio.year != plan.vigencia and fin.year != plan.vigencia:
            errores["fecha_inicio"] = _("Las fechas deben caer en la vigencia %(v)s.") % {"v": plan.vigencia}
    territorios = datos.get("territorios")
    if territorios is not None:
        if not territorios:
            errores["territorios"] = _("Focalice al menos una entidad territorial.")
        elif any(not t.es_territorial for t in territorios):
            errores["territorios"] = _("Solo se focalizan gobernaciones y alcaldías.")
    inversion = datos.get("inversion")
    if inversion is not None and Decimal(inversion) < 0:
        errores["inversion"] = _("La inversión no puede ser negativa.")
    demandas = datos.get("demandas")
    if demandas:
        pks = {d.pk for d in demandas}
        if Demanda.objects.filter(demandas_atendibles_por(plan.entidad_id), pk__in=pks).count() != len(pks):
            errores["demandas"] = _("Solo se citan demandas vinculadas a ofertas de la entidad o remitidas a ella.")
    objetivo = datos.get("objetivo_agenda")
    if objetivo is not None and objetivo.agenda_id != plan.agenda_id:
        errores["objetivo_agenda"] = _("El objetivo debe ser de la agenda del plan.")
    if errores:
        raise ValidationError(errores)


def demandas_atendibles_por(entidad_id) -> Q:
    """Demandas que la entidad puede atender: vinculadas a sus ofertas o remitidas a ella."""
    return Q(oferta__entidad_id=entidad_id) | Q(entidad_competente_id=entidad_id)


def _exigir_edicion(plan: PlanDeTrabajo, por) -> None:
    if plan.estado not in (EstadoPlan.BORRADOR, EstadoPlan.DEVUELTO):
        raise ValidationError(
            _("El plan está «%(e)s»: solo se edita en borrador o cuando el DNP lo devuelve para ajuste.")
            % {"e": plan.get_estado_display()}
        )
    _exigir(por, "agenda.editar_plan", plan, _("Solo un oferente de la entidad edita su plan de trabajo."))


M2M_LINEA = ("territorios", "temas", "demandas", "indicadores_vinculados")


def _validar_indicadores(plan: PlanDeTrabajo, linea: LineaPlan | None, indicadores) -> None:
    """Una línea se vincula a fichas activas de la entidad del plan (la regla del formulario, también en
    la API); las que ya tenía se conservan aunque ya no cumplan (inactivas, vinculadas antes)."""
    ya = set(linea.indicadores_vinculados.values_list("pk", flat=True)) if linea is not None and linea.pk else set()
    ajenas = [i for i in indicadores if i.pk not in ya and (i.entidad_id != plan.entidad_id or not i.activo)]
    if ajenas:
        raise ValidationError({"indicadores_vinculados": [
            _("Vincule solo indicadores activos de la entidad del plan: «%(n)s» no lo es.") % {"n": ajenas[0].nombre}]})


@transaction.atomic
def linea_guardar(*, plan: PlanDeTrabajo, por, linea: LineaPlan | None = None, **datos) -> LineaPlan:
    """Crea o modifica una línea del plan (oferta llevada a territorios focalizados)."""
    plan = PlanDeTrabajo.objects.select_for_update().select_related("entidad").get(pk=plan.pk)
    _exigir_edicion(plan, por)
    if linea is not None and linea.plan_id != plan.pk:
        raise ValidationError(_("La línea no pertenece a este plan."))
    _validar_linea(plan, datos)
    if "dependencia" in datos:
        exigir_dependencia_elegible(datos["dependencia"], entidad_id=plan.entidad_id,
                                    actual_id=LineaPlan.objects.filter(pk=linea.pk).values_list(
                                        "dependencia_id", flat=True).first() if linea else None)
    relaciones = {k: datos.pop(k) for k in M2M_LINEA if k in datos}
    if "indicadores_vinculados" in relaciones:
        _validar_indicadores(plan, linea, relaciones["indicadores_vinculados"])
    if linea is None:
        linea = LineaPlan(plan=plan)
    for campo, valor in datos.items():
        setattr(linea, campo, valor)
    linea.full_clean(exclude=["plan"])
    linea.save()
    for campo, valor in relaciones.items():
        getattr(linea, campo).set(valor)
    return linea


@transaction.atomic
def linea_eliminar(*, linea: LineaPlan, por) -> None:
    plan = PlanDeTrabajo.objects.select_for_update().get(pk=linea.plan_id)
    _exigir_edicion(plan, por)
    linea.delete()


def foto_plan(plan: PlanDeTrabajo) -> dict:
    """Contenido completo del plan y sus líneas, en JSON, tal como se envía."""
    lineas = (
        plan.lineas.select_related("oferta", "etapa", "responsable", "objetivo_agenda")
        .prefetch_related("territorios", "temas", "demandas").order_by("secuencia", "pk")
    )
    return {
        "plan": {
            "id": plan.pk, "agenda": plan.agenda_id, "entidad": plan.entidad_id, "entidad_nombre": str(plan.entidad),
            "vigencia": plan.vigencia, "version": plan.version,
        },
        "lineas": [
            {
                "id": ln.pk,
                "oferta": ln.oferta_id, "oferta_nombre": ln.oferta.nombre,
                "objetivo": ln.objetivo,
                "objetivo_agenda": ln.objetivo_agenda_id,
                "territorios": [{"id": t.pk, "nombre": t.nombre} for t in ln.territorios.all()],
                "etapa": ln.etapa.codigo, "etapa_nombre": ln.etapa.nombre,
                "temas": [t.codigo for t in ln.temas.all()],
                "secuencia": ln.secuencia,
                "fecha_inicio": ln.fecha_inicio.isoformat(), "fecha_fin": ln.fecha_fin.isoformat(),
                "responsable": ln.responsable.email, "responsable_nombre": ln.responsable.nombre,
                "inversion": str(ln.inversion), "fuente_financiacion": ln.fuente_financiacion,
                "indicador": ln.indicador, "meta": None if ln.meta is None else str(ln.meta),
                "unidad_meta": ln.unidad_meta, "peso": str(ln.peso),
                "demandas": [d.pk for d in ln.demandas.all()],
            }
            for ln in lineas
        ],
    }


def _revisores():
    return Usuario.objects.filter(
        is_active=True,
        pk__in=Membresia.objects.filter(activa=True, rol=Rol.ADMIN_DNP).values("usuario_id"),
    )


def _ve_plan(plan):
    """El predicado de la página del plan (la vista usa el mismo selector): decide también a quién
    le llega la alerta que la enlaza."""
    return lambda usuario: selectors.planes_visibles(usuario).filter(pk=plan.pk).exists()


def _ve_concertado(plan):
    """El de la página del plan concertado (selector y permiso `agenda.ver_concertado`, como su vista)."""
    return lambda usuario: (selectors.concertados_visibles(usuario).filter(pk=plan.pk).exists()
                            and usuario.has_perm("agenda.ver_concertado", plan))


def _personas_de(entidad):
    return Usuario.objects.filter(
        is_active=True,
        pk__in=Membresia.objects.filter(activa=True, rol=Rol.OFERENTE, entidad=entidad).values("usuario_id"),
    )


@transaction.atomic
def plan_enviar(*, plan: PlanDeTrabajo, por, nota: str = "") -> VersionPlan:
    """Envía el plan a revisión del DNP y guarda una copia fiel (versión) de lo enviado."""
    exigir_largo(VersionPlan, "nota", nota)
    plan = PlanDeTrabajo.objects.select_for_update().select_related("entidad").get(pk=plan.pk)
    if plan.estado not in (EstadoPlan.BORRADOR, EstadoPlan.DEVUELTO):
        raise ValidationError(_("Solo se envía un plan en borrador o devuelto para ajuste."))
    _exigir(por, "agenda.enviar_plan", plan, _("Solo un oferente de la entidad envía su plan de trabajo."))
    if not plan.lineas.exists():
        raise ValidationError(_("El plan no tiene líneas: programe al menos una oferta antes de enviarlo."))
    ultima = plan.versiones.order_by("-numero").values_list("numero", flat=True).first()
    numero = (ultima or 0) + 1
    plan.version = numero
    plan.estado = EstadoPlan.ENVIADO
    plan.enviado_en = timezone.now()
    plan.save(update_fields=["version", "estado", "enviado_en", "actualizado"])
    version = VersionPlan.objects.create(plan=plan, numero=numero, datos=foto_plan(plan), enviada_por=por, nota=nota)
    notificar(
        usuarios=_revisores(), categoria="agenda", puede_ver=_ve_plan(plan),
        titulo=_("Plan de trabajo para revisar: %(p)s (versión %(n)s)") % {"p": plan, "n": numero},
        url=reverse("agenda:plan", args=[plan.pk]), clave=f"plan-enviado-{plan.pk}-{numero}",
    )
    return version


@transaction.atomic
def plan_revisar(*, plan: PlanDeTrabajo, decision: str, por, comentario: str = "") -> RevisionPlan:
    """El DNP aprueba el plan o lo devuelve con comentarios para ajuste (vuelve a programación)."""
    plan = PlanDeTrabajo.objects.select_for_update().select_related("entidad").get(pk=plan.pk)
    if plan.estado != EstadoPlan.ENVIADO:
        raise ValidationError(_("Solo se revisa un plan enviado a revisión."))
    _exigir(por, "agenda.revisar_plan", plan, _("Solo el DNP revisa los planes de trabajo."))
    if decision not in DecisionRevision.values:
        raise ValidationError({"decision": _("Elija aprobar o devolver para ajuste.")})
    comentario = (comentario or "").strip()
    if decision == DecisionRevision.DEVOLVER and not comentario:
        raise ValidationError({"comentario": _("Escriba qué debe ajustarse para devolver el plan.")})
    exigir_largo(RevisionPlan, "comentario", comentario)
    version = plan.versiones.order_by("-numero").first()
    revision = RevisionPlan.objects.create(plan=plan, version=version, decision=decision, comentario=comentario, por=por)
    plan.estado = decision
    campos = ["estado", "actualizado"]
    if decision == DecisionRevision.APROBAR:
        plan.aprobado_en = timezone.now()
        campos.append("aprobado_en")
    plan.save(update_fields=campos)
    if decision == DecisionRevision.APROBAR:
        _poner_demandas_en_atencion(plan, por)
        titulo = _("Plan de trabajo aprobado: %(p)s") % {"p": plan}
    else:
        titulo = _("Plan de trabajo devuelto para ajuste: %(p)s") % {"p": plan}
    notificar(
        usuarios=_personas_de(plan.entidad), categoria="agenda", titulo=titulo, mensaje=comentario,
        puede_ver=_ve_plan(plan),
        url=reverse("agenda:plan", args=[plan.pk]), clave=f"plan-revisado-{revision.pk}",
    )
    return revision


ESTADOS_DEMANDA_YA_ATENDIDA = {"en_atencion", "atendida", "cerrada", "no_pertinente"}


def _poner_demandas_en_atencion(plan: PlanDeTrabajo, por) -> int:
    """Las demandas que citan las líneas aprobadas pasan a «en atención» (servicio de la app demanda)."""
    demandas = Demanda.objects.filter(lineas_plan__plan=plan).exclude(estado__in=ESTADOS_DEMANDA_YA_ATENDIDA).distinct()
    motivo = _("Atendida por el plan de trabajo %(p)s (línea programada y aprobada por el DNP).") % {"p": plan}
    n = 0
    for demanda in demandas:
        try:
            with transaction.atomic():
                demanda_poner_en_atencion(demanda=demanda, por=por, motivo=motivo)
        except (ValidationError, PermissionDenied):
            continue  # la demanda no admite el paso (estado o permiso): se deja como está
        n += 1
    return n


# --- Planes concertados con la ET ----------------------------------------------------------------
@transaction.atomic
def concertado_crear(*, entidad_territorial, oferentes, vigencia: int, nombre: str, por, objetivo: str = "",
                     agenda=None, lineas=()) -> PlanConcertado:
    _exigir(por, "agenda.crear_concertado", entidad_territorial,
            _("No puede crear planes concertados para esta entidad territorial."))
    if not entidad_territorial.es_territorial:
        raise ValidationError({"entidad_territorial": _("El plan se concierta con una gobernación o alcaldía.")})
    oferentes = list(oferentes)
    if not oferentes:
        raise ValidationError({"oferentes": _("Indique al menos una entidad oferente.")})
    if not concierta_con(por, entidad_territorial, oferentes):
        raise PermissionDenied(_("Incluya a su entidad entre los oferentes: no se concierta en nombre de otras."))
    exigir_largos(PlanConcertado, {"nombre": nombre, "objetivo": objetivo})
    plan = PlanConcertado.objects.create(
        entidad_territorial=entidad_territorial, vigencia=vigencia, nombre=nombre, objetivo=objetivo,
        agenda=agenda, creado_por=por,
    )
    plan.oferentes.set(oferentes)
    if lineas:
        plan.lineas.set(lineas)
    return plan


@transaction.atomic
def concertado_cambiar_estado(*, plan: PlanConcertado, a_estado: str, por) -> PlanConcertado:
    _exigir(por, "agenda.trabajar_concertado", plan, _("No participa en este plan concertado."))
    if a_estado not in EstadoConcertado.values:
        raise ValidationError({"estado": _("Estado del plan concertado no válido.")})
    plan.estado = a_estado
    plan.save(update_fields=["estado"])
    return plan


@transaction.atomic
def mesa_registrar(*, plan: PlanConcertado, por, fecha: datetime.datetime, participantes: str, lugar: str = "",
                   enlace: str = "", temas: str = "", evidencias=()) -> MesaDeTrabajo:
    """Registra una mesa de trabajo con sus evidencias (acta, asistencia, fotos)."""
    _exigir(por, "agenda.trabajar_concertado", plan, _("No participa en este plan concertado."))
    if not lugar and not enlace:
        raise ValidationError({"lugar": _("Indique el lugar de la mesa o el enlace de la sesión virtual.")})
    if not participantes.strip():
        raise ValidationError({"participantes": _("Registre quiénes participaron.")})
    exigir_largos(MesaDeTrabajo, {"lugar": lugar, "enlace": enlace, "participantes": participantes, "temas": temas})
    mesa = MesaDeTrabajo.objects.create(plan=plan, fecha=fecha, lugar=lugar, enlace=enlace,
                                        participantes=participantes, temas=temas, registrada_por=por)
    for tipo, archivo in evidencias:
        evidencia_agregar(mesa=mesa, tipo=tipo, archivo=archivo, por=por)
    return mesa


@transaction.atomic
def evidencia_agregar(*, mesa: MesaDeTrabajo, tipo: str, archivo, por) -> EvidenciaMesa:
    _exigir(por, "agenda.trabajar_concertado", mesa.plan, _("No participa en este plan concertado."))
    validar_adjunto(archivo, extensiones=EXTENSIONES_EVIDENCIA)
    return EvidenciaMesa.objects.create(mesa=mesa, tipo=tipo, archivo=archivo, nombre=archivo.name[:255],
                                        tamano=archivo.size, subido_por=por)


@transaction.atomic
def compromiso_crear(*, mesa: MesaDeTrabajo, descripcion: str, responsable, fecha_limite: datetime.date, por,
                     entidad_responsable=None) -> Compromiso:
    _exigir(por, "agenda.trabajar_concertado", mesa.plan, _("No participa en este plan concertado."))
    if fecha_limite < mesa.fecha.date():
        raise ValidationError({"fecha_limite": _("La fecha límite no puede ser anterior a la mesa.")})
    exigir_largo(Compromiso, "descripcion", descripcion)
    compromiso = Compromiso.objects.create(
        plan_id=mesa.plan_id, mesa=mesa, descripcion=descripcion, responsable=responsable,
        entidad_responsable=entidad_responsable, fecha_limite=fecha_limite,
    )
    notificar(
        usuarios=[responsable], categoria="agenda", puede_ver=_ve_concertado(mesa.plan),
        titulo=_("Nuevo compromiso a su cargo (vence el %(f)s)") % {"f": fecha_limite.strftime("%d/%m/%Y")},
        mensaje=descripcion, url=reverse("agenda:concertado", args=[mesa.plan_id]),
        clave=f"compromiso-nuevo-{compromiso.pk}",
    )
    return compromiso


@transaction.atomic
def compromiso_revisar(*, compromiso: Compromiso, estado: str, por, comentario: str = "",
                       mesa: MesaDeTrabajo | None = None) -> RevisionCompromiso:
    """Revisión del compromiso (normalmente en la mesa siguiente): nuevo estado y comentario."""
    compromiso = Compromiso.objects.select_for_update().select_related("plan").get(pk=compromiso.pk)
    _exigir(por, "agenda.actualizar_compromiso", compromiso, _("No puede actualizar este compromiso."))
    if estado not in EstadoCompromiso.values:
        raise ValidationError({"estado": _("Estado de compromiso no válido.")})
    if mesa is not None and mesa.plan_id != compromiso.plan_id:
        raise ValidationError({"mesa": _("La mesa debe ser del mismo plan concertado.")})
    exigir_largo(RevisionCompromiso, "comentario", comentario)
    compromiso.estado = estado
    compromiso.cerrado_en = None if estado in EstadoCompromiso.abiertos() else timezone.localdate()
    compromiso.save(update_fields=["estado", "cerrado_en"])
    return RevisionCompromiso.objects.create(compromiso=compromiso, mesa=mesa, estado=estado,
                                             comentario=comentario, por=por)


def compromisos_alertar_vencidos(*, hoy: datetime.date | None = None) -> int:
    """Alerta una vez a cada responsable de un compromiso vencido (tarea diaria)."""
    hoy = hoy or timezone.localdate()
    vencidos = list(
        Compromiso.objects.filter(estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy,
                                  vencimiento_notificado__isnull=True)
        .select_related("responsable", "plan").order_by("pk")[:5000]
    )
    for c in vencidos:
        with transaction.atomic():
            notificar(
                usuarios=[c.responsable], categoria="agenda", puede_ver=_ve_concertado(c.plan),
                titulo=_("Compromiso vencido: %(c)s") % {"c": str(c)[:120]},
                mensaje=_("Venció el %(f)s en el plan «%(p)s». Actualice su estado o acuerde una nueva fecha.")
                % {"f": c.fecha_limite.strftime("%d/%m/%Y"), "p": c.plan.nombre},
                url=reverse("agenda:concertado", args=[c.plan_id]), clave=f"compromiso-vencido-{c.pk}",
            )
    Compromiso.objects.filter(pk__in=[c.pk for c in vencidos]).update(vencimiento_notificado=hoy)
    return len(vencidos)
