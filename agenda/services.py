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
    AgendaTerritorial,
    Compromiso,
    DecisionRevision,
    DecisionSesion,
    EstadoAgenda,
    EstadoCompromiso,
    EstadoConcertado,
    EstadoPlan,
    EvidenciaMesa,
    InstanciaGobernanza,
    LineaPlan,
    MesaDeTrabajo,
    MiembroInstancia,
    NivelGobernanza,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    ResultadoSesion,
    RevisionCompromiso,
    RevisionPlan,
    SesionInstancia,
    TipoAgendaTerritorial,
    TipoInstancia,
    TransicionAgenda,
    VersionPlan,
)
from agenda.rules import ROLES_ET, concierta_con, vincula_linea, vincula_oferta
from att import permisos
from att.models import Rol
from att.notificaciones import notificar
from att.selectors import usuarios_con_rol
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


def _exigir_cuatrienio(anio_inicio, anio_fin) -> None:
    """La agenda nacional tiene una periodicidad de cuatro años (CONPES 4091, §5.3.1, acción 1.2)."""
    if anio_inicio is None or anio_fin is None or anio_fin - anio_inicio != 3:
        raise ValidationError({"anio_fin": _(
            "La agenda nacional cubre un cuatrienio: cuatro años seguidos. Si empieza en %(a)s, termina en %(b)s.")
            % {"a": anio_inicio, "b": (anio_inicio or 0) + 3}})


@transaction.atomic
def agenda_crear(*, por, nombre: str, anio_inicio: int, anio_fin: int | None = None, **campos) -> AgendaNacional:
    _exigir(por, "agenda.gestionar_agenda", None, _("Solo el administrador DNP gestiona la agenda nacional."))
    anio_fin = anio_fin or anio_inicio + 3
    _exigir_cuatrienio(anio_inicio, anio_fin)
    exigir_largos(AgendaNacional, campos)
    participantes = campos.pop("participantes", [])
    existente = AgendaNacional.objects.filter(nombre=nombre, anio_inicio=anio_inicio).first()
    if existente is not None:  # reenvío o tarea repetida: la misma agenda, no otra
        return existente
    agenda = AgendaNacional.objects.create(nombre=nombre, anio_inicio=anio_inicio, anio_fin=anio_fin, **campos)
    agenda.participantes.set(participantes)
    return agenda


CAMPOS_AGENDA = ("nombre", "anio_inicio", "anio_fin", "descripcion", "alineacion_pnd", "alineacion_ods",
                 "alineacion_mipg")


@transaction.atomic
def agenda_editar(*, agenda: AgendaNacional, por, **campos) -> AgendaNacional:
    """Cambia los datos de la agenda; la regla de los cuatro años vale también al editar, y las vigencias
    de los planes ya programados deben seguir dentro del cuatrienio."""
    _exigir(por, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    agenda = AgendaNacional.objects.select_for_update().get(pk=agenda.pk)
    if agenda.estado == EstadoAgenda.CERRADA:
        raise ValidationError(_("La agenda está cerrada: no admite cambios."))
    participantes = campos.pop("participantes", None)
    datos = {k: v for k, v in campos.items() if k in CAMPOS_AGENDA}
    inicio = datos.get("anio_inicio", agenda.anio_inicio)
    fin = datos.get("anio_fin") or inicio + 3
    datos["anio_fin"] = fin
    _exigir_cuatrienio(inicio, fin)
    exigir_largos(AgendaNacional, {k: v for k, v in datos.items() if isinstance(v, str)})
    fuera = agenda.planes.exclude(vigencia__range=(inicio, fin)).order_by("vigencia").values_list(
        "vigencia", flat=True).first()
    if fuera is not None:
        raise ValidationError({"anio_inicio": _(
            "Hay planes de trabajo de la vigencia %(v)s: el cuatrienio debe incluirla.") % {"v": fuera}})
    for campo, valor in datos.items():
        setattr(agenda, campo, valor)
    agenda.save()
    if participantes is not None:
        agenda.participantes.set(participantes)
    return agenda


CAMPOS_OBJETIVO = ("tipo_descriptor", "descriptor", "orden", "enunciado", "indicador", "indicador_vinculado",
                   "linea_base", "meta", "unidad")


def _validar_objetivo(agenda: AgendaNacional, campos: dict) -> None:
    ficha = campos.get("indicador_vinculado")
    if ficha is not None and ficha.agenda_id not in (None, agenda.pk):
        raise ValidationError({"indicador_vinculado": _(
            "La ficha «%(n)s» mide otra agenda nacional: elija una de esta agenda o sin agenda.") % {"n": ficha.nombre}})
    if not (campos.get("indicador") or "").strip():
        if ficha is None:
            raise ValidationError({"indicador": _("Escriba el indicador del objetivo o vincule su ficha.")})
        campos["indicador"] = ficha.nombre[:255]


@transaction.atomic
def agenda_objetivo_agregar(*, agenda: AgendaNacional, por, **campos) -> ObjetivoAgenda:
    """Agrega un objetivo; el reenvío del mismo enunciado devuelve el objetivo ya creado (idempotente)."""
    _exigir(por, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    if agenda.estado == EstadoAgenda.CERRADA:
        raise ValidationError(_("La agenda está cerrada: no admite cambios."))
    exigir_largos(ObjetivoAgenda, {k: v for k, v in campos.items() if isinstance(v, str)})
    _validar_objetivo(agenda, campos)
    existente = ObjetivoAgenda.objects.filter(agenda=agenda, enunciado=campos.get("enunciado", "")).first()
    if existente is not None:
        return existente
    objetivo = ObjetivoAgenda(agenda=agenda, **campos)
    objetivo.full_clean(exclude=["agenda"])
    objetivo.save()
    return objetivo


@transaction.atomic
def agenda_objetivo_editar(*, objetivo: ObjetivoAgenda, por, **campos) -> ObjetivoAgenda:
    objetivo = ObjetivoAgenda.objects.select_for_update().select_related("agenda").get(pk=objetivo.pk)
    agenda = objetivo.agenda
    _exigir(por, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    if agenda.estado == EstadoAgenda.CERRADA:
        raise ValidationError(_("La agenda está cerrada: no admite cambios."))
    datos = {k: v for k, v in campos.items() if k in CAMPOS_OBJETIVO}
    exigir_largos(ObjetivoAgenda, {k: v for k, v in datos.items() if isinstance(v, str)})
    _validar_objetivo(agenda, datos)
    for campo, valor in datos.items():
        setattr(objetivo, campo, valor)
    objetivo.full_clean(exclude=["agenda"])
    objetivo.save()
    return objetivo


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
        elif not oferta.esta_publicada():
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


_CAMPOS_FOTO = (
    "pk", "plan_id", "oferta_id", "oferta__nombre", "objetivo", "objetivo_agenda_id", "etapa__codigo", "etapa__nombre",
    "secuencia", "fecha_inicio", "fecha_fin", "responsable__email", "responsable__nombre", "inversion",
    "fuente_financiacion", "indicador", "meta", "unidad_meta", "peso",
)


def foto_plan(plan: PlanDeTrabajo) -> dict:
    """Contenido completo del plan y sus líneas, en JSON, tal como se envía."""
    return fotos_planes([plan])[plan.pk]


def fotos_planes(planes) -> dict[int, dict]:
    """{pk del plan: su foto} (la de `foto_plan`) de varios planes en cuatro consultas: líneas, territorios,
    temas y demandas, con solo las columnas que la foto copia (la oferta trae su vector de búsqueda y sus
    textos largos) y sin instancias de modelo (un plan de la demo a escala 1000 tiene cientos de líneas y la
    demo arma la foto de todos sus planes). Cada lista sale en el orden del modelo: territorios por nombre,
    temas por orden y nombre, demandas de la más reciente a la más antigua."""
    planes = list(planes)
    ids = [p.pk for p in planes]
    lineas: dict[int, list[dict]] = {pk: [] for pk in ids}
    de_linea: dict[int, dict] = {}
    for (pk, plan_id, oferta_id, oferta_nombre, objetivo, objetivo_agenda_id, etapa_codigo, etapa_nombre, secuencia,
         fecha_inicio, fecha_fin, responsable_email, responsable_nombre, inversion, fuente_financiacion, indicador, meta,
         unidad_meta, peso) in (LineaPlan.objects.filter(plan_id__in=ids).order_by("secuencia", "pk")
                                .values_list(*_CAMPOS_FOTO)):
        fila = {
            "id": pk,
            "oferta": oferta_id, "oferta_nombre": oferta_nombre,
            "objetivo": objetivo,
            "objetivo_agenda": objetivo_agenda_id,
            "territorios": [],
            "etapa": etapa_codigo, "etapa_nombre": etapa_nombre,
            "temas": [],
            "secuencia": secuencia,
            "fecha_inicio": fecha_inicio.isoformat(), "fecha_fin": fecha_fin.isoformat(),
            "responsable": responsable_email, "responsable_nombre": responsable_nombre,
            "inversion": str(inversion), "fuente_financiacion": fuente_financiacion,
            "indicador": indicador, "meta": None if meta is None else str(meta),
            "unidad_meta": unidad_meta, "peso": str(peso),
            "demandas": [],
        }
        lineas[plan_id].append(fila)
        de_linea[pk] = fila
    if de_linea:
        for linea_id, entidad_id, nombre in (
            LineaPlan.territorios.through.objects.filter(lineaplan__plan_id__in=ids)
            .order_by("entidad__nombre", "entidad_id").values_list("lineaplan_id", "entidad_id", "entidad__nombre")
        ):
            de_linea[linea_id]["territorios"].append({"id": entidad_id, "nombre": nombre})
        for linea_id, codigo in (
            LineaPlan.temas.through.objects.filter(lineaplan__plan_id__in=ids)
            .order_by("tema__orden", "tema__nombre", "tema_id").values_list("lineaplan_id", "tema__codigo")
        ):
            de_linea[linea_id]["temas"].append(codigo)
        for linea_id, demanda_id in (
            LineaPlan.demandas.through.objects.filter(lineaplan__plan_id__in=ids)
            .order_by("-demanda__creada", "demanda_id").values_list("lineaplan_id", "demanda_id")
        ):
            de_linea[linea_id]["demandas"].append(demanda_id)
    return {
        plan.pk: {
            "plan": {
                "id": plan.pk, "agenda": plan.agenda_id, "entidad": plan.entidad_id, "entidad_nombre": str(plan.entidad),
                "vigencia": plan.vigencia, "version": plan.version,
            },
            "lineas": lineas[plan.pk],
        }
        for plan in planes
    }


def _revisores():
    return usuarios_con_rol(None, Rol.ADMIN_DNP)


def _ve_plan(plan):
    """El predicado de la página del plan (la vista usa el mismo selector): decide también a quién
    le llega la alerta que la enlaza."""
    return lambda usuario: selectors.planes_visibles(usuario).filter(pk=plan.pk).exists()


def _ve_concertado(plan):
    """El de la página del plan concertado (selector y permiso `agenda.ver_concertado`, como su vista)."""
    return lambda usuario: (selectors.concertados_visibles(usuario).filter(pk=plan.pk).exists()
                            and usuario.has_perm("agenda.ver_concertado", plan))


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
        usuarios=usuarios_con_rol(plan.entidad, Rol.OFERENTE), categoria="agenda", titulo=titulo, mensaje=comentario,
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
def compromiso_crear(*, descripcion: str, responsable, fecha_limite: datetime.date, por,
                     mesa: MesaDeTrabajo | None = None, sesion: SesionInstancia | None = None,
                     entidad_responsable=None) -> Compromiso:
    """Compromiso adquirido en una mesa de un plan concertado o decidido en una sesión de una instancia de
    gobernanza (una de las dos). Ambos aparecen en las mismas listas de vencidos y alertas."""
    if (mesa is None) == (sesion is None):
        raise ValidationError(_("El compromiso se adquiere en una mesa de trabajo o en una sesión de una instancia."))
    if mesa is not None:
        _exigir(por, "agenda.trabajar_concertado", mesa.plan, _("No participa en este plan concertado."))
        origen = mesa.fecha.date()
        limite_msg = _("La fecha límite no puede ser anterior a la mesa.")
    else:
        _exigir(por, "agenda.gestionar_gobernanza", sesion,
                _("Solo el equipo del DNP registra las decisiones de las instancias de gobernanza."))
        origen = timezone.localtime(sesion.fecha).date()
        limite_msg = _("La fecha límite no puede ser anterior a la sesión.")
    if fecha_limite < origen:
        raise ValidationError({"fecha_limite": limite_msg})
    exigir_largo(Compromiso, "descripcion", descripcion)
    compromiso = Compromiso.objects.create(
        plan_id=mesa.plan_id if mesa else None, mesa=mesa, sesion=sesion, descripcion=descripcion,
        responsable=responsable, entidad_responsable=entidad_responsable, fecha_limite=fecha_limite,
    )
    notificar(
        usuarios=[responsable], categoria="agenda", puede_ver=_ve_origen(compromiso),
        titulo=_("Nuevo compromiso a su cargo (vence el %(f)s)") % {"f": fecha_limite.strftime("%d/%m/%Y")},
        mensaje=descripcion, url=_url_origen(compromiso), clave=f"compromiso-nuevo-{compromiso.pk}",
    )
    return compromiso


def _url_origen(compromiso: Compromiso) -> str:
    if compromiso.sesion_id is not None:
        return reverse("agenda:sesion", args=[compromiso.sesion_id])
    return reverse("agenda:concertado", args=[compromiso.plan_id])


def _ve_origen(compromiso: Compromiso):
    """Predicado de la página que enlaza la alerta: la sesión (de todos los que ingresan) o el plan concertado."""
    if compromiso.sesion_id is not None:
        return lambda usuario: usuario.is_active
    return _ve_concertado(compromiso.plan)


def _ve_origen_una_vez(compromiso: Compromiso, vistos: dict[tuple, bool]):
    """`_ve_origen` con la respuesta guardada en `vistos` por (persona, sesión o plan)."""
    ver = _ve_origen(compromiso)
    origen = ("sesion", compromiso.sesion_id) if compromiso.sesion_id is not None else ("plan", compromiso.plan_id)

    def puede_ver(usuario) -> bool:
        clave = (usuario.pk, origen)
        if clave not in vistos:
            vistos[clave] = ver(usuario)
        return vistos[clave]

    return puede_ver


@transaction.atomic
def compromiso_revisar(*, compromiso: Compromiso, estado: str, por, comentario: str = "",
                       mesa: MesaDeTrabajo | None = None) -> RevisionCompromiso:
    """Revisión del compromiso (normalmente en la mesa siguiente): nuevo estado y comentario."""
    compromiso = Compromiso.objects.select_for_update(of=("self",)).select_related("plan").get(pk=compromiso.pk)
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
    """Alerta una vez a cada responsable de un compromiso vencido (tarea diaria): los de las mesas de los
    planes concertados y los que nacen de decisiones de las instancias de gobernanza.

    Vencido = abierto (pendiente o en curso) con fecha límite **anterior** a hoy: el que vence hoy
    todavía no lo está (`Compromiso.vencido_al`)."""
    hoy = hoy or timezone.localdate()
    vencidos = list(
        Compromiso.objects.filter(estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy,
                                  vencimiento_notificado__isnull=True)
        .select_related("responsable", "plan", "sesion__instancia").order_by("pk")[:5000]
    )
    # El permiso de ver el origen se pregunta una vez por persona y origen (una persona suele tener varios
    # compromisos vencidos en el mismo plan): la misma respuesta que preguntarlo en cada alerta.
    vistos: dict[tuple, bool] = {}
    for c in vencidos:
        origen = c.sesion.instancia.nombre if c.sesion_id else c.plan.nombre
        with transaction.atomic():
            notificar(
                usuarios=[c.responsable], categoria="agenda", puede_ver=_ve_origen_una_vez(c, vistos),
                titulo=_("Compromiso vencido: %(c)s") % {"c": str(c)[:120]},
                mensaje=_("Venció el %(f)s en «%(p)s». Actualice su estado o acuerde una nueva fecha.")
                % {"f": c.fecha_limite.strftime("%d/%m/%Y"), "p": origen},
                url=_url_origen(c), clave=f"compromiso-vencido-{c.pk}",
            )
    Compromiso.objects.filter(pk__in=[c.pk for c in vencidos]).update(vencimiento_notificado=hoy)
    return len(vencidos)


# --- Gobernanza de la política (003 §5.3.1; 001 §4) ---------------------------------------------------
def _exigir_gobernanza(por) -> None:
    _exigir(por, "agenda.gestionar_gobernanza", None,
            _("Solo el equipo del DNP registra las instancias de gobernanza y sus sesiones."))


@transaction.atomic
def instancia_guardar(*, por, nombre: str, tipo: str, nivel: str, instancia: InstanciaGobernanza | None = None,
                      agenda=None, descripcion: str = "", activa: bool = True, miembros=None) -> InstanciaGobernanza:
    """Crea o cambia una instancia. `miembros`: lista de (entidad, papel). El nombre es único: un reenvío
    de la misma alta devuelve la instancia ya creada."""
    _exigir_gobernanza(por)
    exigir_largos(InstanciaGobernanza, {"nombre": nombre, "descripcion": descripcion})
    if tipo not in TipoInstancia.values:
        raise ValidationError({"tipo": _("Tipo de instancia no válido.")})
    if nivel not in NivelGobernanza.values:
        raise ValidationError({"nivel": _("Nivel de decisión no válido.")})
    nombre = nombre.strip()
    if not nombre:
        raise ValidationError({"nombre": _("Escriba el nombre de la instancia.")})
    if instancia is None:
        instancia = InstanciaGobernanza.objects.filter(nombre=nombre).first() or InstanciaGobernanza()
    elif InstanciaGobernanza.objects.filter(nombre=nombre).exclude(pk=instancia.pk).exists():
        raise ValidationError({"nombre": _("Ya hay otra instancia con ese nombre.")})
    instancia.nombre, instancia.tipo, instancia.nivel = nombre, tipo, nivel
    instancia.agenda, instancia.descripcion, instancia.activa = agenda, descripcion, activa
    instancia.save()
    if miembros is not None:
        miembros = list(miembros)
        instancia.miembros.exclude(entidad__in=[e for e, _p in miembros]).delete()
        for entidad, papel in miembros:
            MiembroInstancia.objects.update_or_create(instancia=instancia, entidad=entidad,
                                                      defaults={"papel": (papel or "Miembro")[:100]})
    return instancia


@transaction.atomic
def sesion_registrar(*, instancia: InstanciaGobernanza, por, fecha: datetime.datetime, orden_del_dia: str,
                     lugar: str = "", acta: str = "", asistentes=()) -> SesionInstancia:
    """Registra (o completa, si ya existe la de esa fecha y hora) una sesión con su asistencia."""
    _exigir_gobernanza(por)
    if not instancia.activa:
        raise ValidationError(_("La instancia está inactiva: no registra sesiones."))
    if not (orden_del_dia or "").strip():
        raise ValidationError({"orden_del_dia": _("Escriba el orden del día de la sesión.")})
    exigir_largos(SesionInstancia, {"lugar": lugar, "orden_del_dia": orden_del_dia, "acta": acta})
    sesion, _creada = SesionInstancia.objects.update_or_create(
        instancia=instancia, fecha=fecha,
        defaults={"lugar": lugar, "orden_del_dia": orden_del_dia, "acta": acta},
        create_defaults={"lugar": lugar, "orden_del_dia": orden_del_dia, "acta": acta, "registrada_por": por},
    )
    sesion.asistentes.set(list(asistentes))
    return sesion


@transaction.atomic
def decision_registrar(*, sesion: SesionInstancia, por, descripcion: str, responsable=None,
                       fecha_limite: datetime.date | None = None, entidad_responsable=None) -> DecisionSesion:
    """Anota una decisión; con responsable y fecha límite se vuelve un compromiso (por `compromiso_crear`).

    Idempotente: la misma decisión (texto) en la misma sesión devuelve la ya registrada."""
    _exigir_gobernanza(por)
    descripcion = (descripcion or "").strip()
    if not descripcion:
        raise ValidationError({"descripcion": _("Escriba la decisión.")})
    if (responsable is None) != (fecha_limite is None):
        raise ValidationError({"fecha_limite": _(
            "Para volver la decisión un compromiso indique a la vez el responsable y la fecha límite.")})
    exigir_largo(DecisionSesion, "descripcion", descripcion)
    sesion = SesionInstancia.objects.select_for_update().get(pk=sesion.pk)
    existente = sesion.decisiones.filter(descripcion=descripcion).first()
    if existente is not None:
        return existente
    compromiso = None
    if responsable is not None:
        compromiso = compromiso_crear(sesion=sesion, descripcion=descripcion, responsable=responsable,
                                      fecha_limite=fecha_limite, entidad_responsable=entidad_responsable, por=por)
    decision = DecisionSesion.objects.create(sesion=sesion, descripcion=descripcion, compromiso=compromiso,
                                             registrada_por=por)
    sesion.save(update_fields=["actualizado"])  # la sesión cambió: la anuncia la fuente de cambios
    return decision


def validar_ruta_del_sitio(ruta: str) -> str:
    """Una ruta de esta plataforma (p. ej. el informe de un corte del PAS o un tablero), nunca un sitio ajeno:
    empieza por «/», sin esquema ni dominio, y la resuelve el enrutador de URL."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    ruta = (ruta or "").strip()
    partes = urlsplit(ruta)
    if not ruta.startswith("/") or ruta.startswith("//") or partes.scheme or partes.netloc or "\\" in ruta:
        raise ValidationError({"ruta": _("Escriba una ruta de la plataforma que empiece por «/», "
                                         "p. ej. /seguimiento/tablero/.")})
    try:
        resolve(partes.path)
    except Resolver404:
        raise ValidationError({"ruta": _("La ruta «%(r)s» no es una página de la plataforma.") % {"r": ruta[:120]}}) from None
    return ruta


@transaction.atomic
def resultado_enlazar(*, sesion: SesionInstancia, por, titulo: str, ruta: str) -> ResultadoSesion:
    """Enlaza un resultado presentado en la sesión (idempotente por ruta)."""
    _exigir_gobernanza(por)
    titulo = (titulo or "").strip()
    if not titulo:
        raise ValidationError({"titulo": _("Escriba el título del resultado presentado.")})
    exigir_largos(ResultadoSesion, {"titulo": titulo})
    ruta = validar_ruta_del_sitio(ruta)
    exigir_largos(ResultadoSesion, {"ruta": ruta})
    resultado, _creado = ResultadoSesion.objects.get_or_create(sesion=sesion, ruta=ruta,
                                                               defaults={"titulo": titulo})
    sesion.save(update_fields=["actualizado"])  # la sesión cambió: la anuncia la fuente de cambios
    return resultado


# --- Agendas territoriales de desarrollo (004, actividad 2) ------------------------------------------
@transaction.atomic
def agenda_territorial_guardar(*, por, nombre: str, tipo: str, entidades, agenda_t: AgendaTerritorial | None = None,
                               region: str = "", fecha_suscripcion=None, vigente_hasta=None, descripcion: str = "",
                               enlace: str = "") -> AgendaTerritorial:
    """Crea o cambia un acuerdo de desarrollo; (tipo, nombre) es único: el reenvío devuelve el mismo."""
    entidades = list(entidades)
    if agenda_t is not None:
        _exigir(por, "agenda.gestionar_agenda_territorial", agenda_t,
                _("Solo el DNP o las entidades que la suscriben cambian esta agenda territorial."))
    if not entidades:
        raise ValidationError({"entidades": _("Indique al menos una entidad territorial que la suscribe.")})
    if any(not e.es_territorial for e in entidades):
        raise ValidationError({"entidades": _("Solo gobernaciones y alcaldías suscriben agendas territoriales.")})
    if not (permisos.es_equipo_dnp(por) and not permisos.solo_lectura(por)) and not any(
            permisos.actua_por(por, e, ROLES_ET) for e in entidades):
        raise PermissionDenied(_("Incluya una entidad territorial por la que usted actúa."))
    if tipo not in TipoAgendaTerritorial.values:
        raise ValidationError({"tipo": _("Tipo de agenda territorial no válido.")})
    nombre = (nombre or "").strip()
    if not nombre:
        raise ValidationError({"nombre": _("Escriba el nombre del acuerdo.")})
    if fecha_suscripcion and vigente_hasta and vigente_hasta < fecha_suscripcion:
        raise ValidationError({"vigente_hasta": _("La vigencia no puede terminar antes de la suscripción.")})
    exigir_largos(AgendaTerritorial, {"nombre": nombre, "region": region, "descripcion": descripcion,
                                      "enlace": enlace})
    if agenda_t is None:
        agenda_t = AgendaTerritorial.objects.filter(tipo=tipo, nombre=nombre).first()
        if agenda_t is not None and not por.has_perm("agenda.gestionar_agenda_territorial", agenda_t):
            raise ValidationError({"nombre": _("Ya hay una agenda territorial de ese tipo con ese nombre.")})
        agenda_t = agenda_t or AgendaTerritorial(creada_por=por)
    elif AgendaTerritorial.objects.filter(tipo=tipo, nombre=nombre).exclude(pk=agenda_t.pk).exists():
        raise ValidationError({"nombre": _("Ya hay una agenda territorial de ese tipo con ese nombre.")})
    for campo, valor in {"nombre": nombre, "tipo": tipo, "region": region, "fecha_suscripcion": fecha_suscripcion,
                         "vigente_hasta": vigente_hasta, "descripcion": descripcion, "enlace": enlace}.items():
        setattr(agenda_t, campo, valor)
    agenda_t.full_clean(exclude=["entidades", "lineas", "ofertas", "creada_por"])
    agenda_t.save()
    agenda_t.entidades.set(entidades)
    return agenda_t


@transaction.atomic
def agenda_territorial_vincular(*, agenda_t: AgendaTerritorial, por, lineas=(), ofertas=(),
                                quitar: bool = False) -> AgendaTerritorial:
    """Declara que líneas de plan y ofertas sirven a la agenda territorial (o lo retira con `quitar`).

    Lo hace el oferente dueño de cada línea u oferta, o el DNP. Una línea debe focalizar alguna de las ET
    que suscriben el acuerdo. Repetir el vínculo no cambia nada (idempotente)."""
    lineas, ofertas = list(lineas), list(ofertas)
    for linea in lineas:
        if not vincula_linea(por, linea):
            raise PermissionDenied(_("Solo el oferente dueño del plan (o el DNP) vincula la línea «%(l)s».")
                                   % {"l": str(linea)[:80]})
    for oferta in ofertas:
        if not vincula_oferta(por, oferta):
            raise PermissionDenied(_("Solo la entidad oferente (o el DNP) vincula la oferta «%(o)s».")
                                   % {"o": oferta.nombre[:80]})
    if lineas and not quitar:
        ets = set(agenda_t.entidades.values_list("pk", flat=True))
        ajenas = [ln for ln in lineas if not ets & set(ln.territorios.values_list("pk", flat=True))]
        if ajenas:
            raise ValidationError({"lineas": _(
                "La línea «%(l)s» no focaliza ninguna de las entidades que suscriben el acuerdo.")
                % {"l": str(ajenas[0])[:80]}})
    if quitar:
        agenda_t.lineas.remove(*lineas)
        agenda_t.ofertas.remove(*ofertas)
    else:
        agenda_t.lineas.add(*lineas)
        agenda_t.ofertas.add(*ofertas)
    if lineas or ofertas:
        agenda_t.save(update_fields=["actualizado"])  # anunciada por la fuente de cambios
    return agenda_t
