"""Toda lectura de la agenda que usan páginas y API, acotada al usuario."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from att import permisos
from att.models import Entidad, EtapaCiclo, TipoEntidad

from agenda.models import (
    AgendaNacional, Compromiso, EstadoCompromiso, EstadoPlan, LineaPlan, MesaDeTrabajo, PlanConcertado,
    PlanDeTrabajo,
)


def agendas():
    return AgendaNacional.objects.annotate(n_planes=Count("planes")).order_by("-anio_inicio")


def planes_visibles(usuario):
    """Planes de trabajo que el usuario puede ver: los de sus entidades; el DNP y el auditor, todos."""
    qs = PlanDeTrabajo.objects.select_related("agenda", "entidad")
    if permisos.lee_todo(usuario):
        return qs
    return qs.filter(filtro_entidad_plan(usuario))


def filtro_entidad_plan(usuario, campo: str = "entidad") -> Q:
    return permisos.filtro_entidad(usuario, campo)


def planes_lista(usuario, *, estado: str = "", vigencia: int | None = None, entidad: int | None = None):
    qs = planes_visibles(usuario).annotate(n_lineas=Count("lineas"), inversion=Sum("lineas__inversion"))
    if estado:
        qs = qs.filter(estado=estado)
    if vigencia:
        qs = qs.filter(vigencia=vigencia)
    if entidad:
        qs = qs.filter(entidad_id=entidad)
    return qs.order_by("-vigencia", "entidad__nombre", "pk")


def plan_detalle(plan_id: int):
    return PlanDeTrabajo.objects.select_related("agenda", "entidad", "creado_por").get(pk=plan_id)


def lineas_de_plan(plan):
    return (
        plan.lineas.select_related("oferta", "etapa", "responsable", "objetivo_agenda")
        .prefetch_related("territorios", "demandas").order_by("secuencia", "pk")
    )


def historial_revision(plan):
    """Versiones enviadas, cada una con las revisiones que recibió (quién pidió qué y cuándo)."""
    versiones = list(plan.versiones.select_related("enviada_por").order_by("numero"))
    revisiones = {}
    for r in plan.revisiones.select_related("por").order_by("cuando", "pk"):
        revisiones.setdefault(r.version_id, []).append(r)
    for v in versiones:
        v.lista_revisiones = revisiones.get(v.pk, [])
    return versiones


def _filtro_lineas_visibles(usuario) -> Q:
    """Líneas de planes aprobados (públicas para quien ingresa) más las de los planes propios."""
    if permisos.lee_todo(usuario):
        return Q()
    return Q(plan__estado=EstadoPlan.APROBADO) | permisos.filtro_entidad(usuario, "plan__entidad")


COLUMNAS_LINEA = (
    "plan__entidad", "plan__agenda", "oferta", "etapa", "responsable",
)


def lineas_de_entidad_territorial(usuario, entidad: Entidad):
    """Quién hace qué en la ET: las líneas de todos los oferentes que la focalizan (una consulta)."""
    return (
        LineaPlan.objects.filter(_filtro_lineas_visibles(usuario), territorios=entidad)
        .select_related(*COLUMNAS_LINEA)
        .only(
            "id", "objetivo", "secuencia", "fecha_inicio", "fecha_fin", "inversion", "fuente_financiacion",
            "indicador", "meta", "unidad_meta",
            "plan__id", "plan__vigencia", "plan__estado", "plan__entidad__nombre", "plan__entidad__sigla",
            "plan__agenda__nombre", "oferta__nombre", "etapa__nombre", "etapa__orden",
            "responsable__nombre", "responsable__email",
        )
        .order_by("etapa__orden", "fecha_inicio", "plan__entidad__nombre", "pk")
    )


def resumen_entidad_territorial(usuario, entidad: Entidad, *, vigencia: int | None = None) -> dict:
    lineas = lineas_de_entidad_territorial(usuario, entidad)
    if vigencia:
        lineas = lineas.filter(plan__vigencia=vigencia)
    lineas = list(lineas)
    por_etapa: OrderedDict = OrderedDict()
    oferentes, inversion = {}, 0
    for ln in lineas:
        por_etapa.setdefault(ln.etapa.nombre, []).append(ln)
        oferentes[ln.plan.entidad_id] = ln.plan.entidad
        inversion += ln.inversion
    concertados = list(
        PlanConcertado.objects.filter(entidad_territorial=entidad)
        .annotate(
            n_oferentes=Count("oferentes", distinct=True), n_mesas=Count("mesas", distinct=True),
        )
        .order_by("-vigencia", "pk")
    )
    return {
        "lineas": lineas, "por_etapa": por_etapa, "oferentes": sorted(oferentes.values(), key=lambda e: e.nombre),
        "inversion": inversion, "concertados": concertados,
    }


def entidades_de_departamento(departamento_id: str):
    return Entidad.objects.filter(
        Q(tipo=TipoEntidad.GOBERNACION, departamento_id=departamento_id)
        | Q(tipo=TipoEntidad.ALCALDIA, municipio__departamento_id=departamento_id)
    )


def consolidado_departamento(usuario, departamento_id: str, *, vigencia: int | None = None) -> dict:
    """Vista del equipo departamental: cifras agregadas por entidad territorial, por oferente y por etapa.

    Todo se calcula en la base (agregados), así el costo no crece con el número de líneas; el detalle
    de cada ET está en su propia página («quién hace qué»)."""
    Focal = LineaPlan.territorios.through
    territorios = entidades_de_departamento(departamento_id)
    visibles = LineaPlan.objects.filter(_filtro_lineas_visibles(usuario))
    if vigencia:
        visibles = visibles.filter(plan__vigencia=vigencia)
    focal = Focal.objects.filter(entidad__in=territorios.values("pk"), lineaplan__in=visibles.values("pk"))
    por_et = {
        f["entidad_id"]: f for f in focal.values("entidad_id").annotate(
            n_lineas=Count("lineaplan_id"), n_oferentes=Count("lineaplan__plan__entidad_id", distinct=True),
            inversion=Sum("lineaplan__inversion"),
        )
    }
    lineas_depto = LineaPlan.objects.filter(pk__in=focal.values("lineaplan_id"))
    oferentes = list(
        lineas_depto.values("plan__entidad_id", "plan__entidad__nombre")
        .annotate(n_lineas=Count("pk"), inversion=Sum("inversion"))
        .order_by("-n_lineas", "plan__entidad__nombre")
    )
    ets_por_oferente = dict(
        focal.values("lineaplan__plan__entidad_id").annotate(n=Count("entidad_id", distinct=True))
        .values_list("lineaplan__plan__entidad_id", "n")
    )
    for o in oferentes:
        o["n_territorios"] = ets_por_oferente.get(o["plan__entidad_id"], 0)
    por_etapa = list(
        lineas_depto.values("etapa__nombre", "etapa__orden").annotate(n=Count("pk"), inversion=Sum("inversion"))
        .order_by("etapa__orden")
    )
    hoy = timezone.localdate()
    vencidos = dict(
        Compromiso.objects.filter(
            plan__entidad_territorial__in=territorios.values("pk"),
            estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy,
        ).values_list("plan__entidad_territorial_id").annotate(n=Count("pk"))
    )
    bloques = []
    for e in territorios.filter(pk__in=list(por_et) + list(vencidos)).only("pk", "nombre", "tipo").order_by(
            "-tipo", "nombre"):
        datos = por_et.get(e.pk, {})
        bloques.append({
            "entidad": e, "n_lineas": datos.get("n_lineas", 0), "n_oferentes": datos.get("n_oferentes", 0),
            "inversion": datos.get("inversion") or 0, "vencidos": vencidos.get(e.pk, 0),
        })
    return {
        "bloques": bloques, "oferentes": oferentes, "por_etapa": por_etapa,
        "n_lineas": lineas_depto.count(),
        "n_entidades": len(por_et),
        "n_territorios_depto": territorios.count(),
        "compromisos_vencidos": sum(vencidos.values()),
    }


def calendario(usuario, *, vigencia: int, etapa: str = "", entidad: int | None = None):
    """Líneas de la vigencia agrupadas por etapa del ciclo de gestión, con su posición en el año."""
    qs = (
        LineaPlan.objects.filter(_filtro_lineas_visibles(usuario), plan__vigencia=vigencia)
        .select_related("plan__entidad", "oferta", "etapa")
        .only("id", "fecha_inicio", "fecha_fin", "secuencia", "plan__id", "plan__estado", "plan__vigencia",
              "plan__entidad__nombre", "plan__entidad__sigla", "oferta__nombre", "etapa__nombre",
              "etapa__codigo", "etapa__orden")
        .order_by("etapa__orden", "fecha_inicio", "secuencia", "pk")
    )
    if etapa:
        qs = qs.filter(etapa__codigo=etapa)
    if entidad:
        qs = qs.filter(plan__entidad_id=entidad)
    grupos: OrderedDict = OrderedDict()
    for ln in qs[:2000]:
        desde = max(1, ln.fecha_inicio.month if ln.fecha_inicio.year == vigencia else 1)
        hasta = min(12, ln.fecha_fin.month if ln.fecha_fin.year == vigencia else 12)
        ln.meses = [desde <= m <= hasta for m in range(1, 13)]
        grupos.setdefault(ln.etapa, []).append(ln)
    return grupos


def concertados_visibles(usuario):
    qs = PlanConcertado.objects.select_related("entidad_territorial")
    if permisos.lee_todo(usuario):
        return qs
    propias = permisos.entidades_de(usuario)
    return qs.filter(
        Q(entidad_territorial__in=propias.values("pk"))
        | Q(Exists(PlanConcertado.oferentes.through.objects.filter(
            planconcertado_id=OuterRef("pk"), entidad__in=propias.values("pk"))))
    )


def concertados_lista(usuario, *, entidad_territorial: int | None = None, vigencia: int | None = None):
    hoy = timezone.localdate()
    qs = concertados_visibles(usuario).annotate(
        n_oferentes=Count("oferentes", distinct=True),
        n_mesas=Count("mesas", distinct=True),
        n_vencidos=Count("compromisos", filter=Q(compromisos__estado__in=EstadoCompromiso.abiertos(),
                                                 compromisos__fecha_limite__lt=hoy), distinct=True),
    )
    if entidad_territorial:
        qs = qs.filter(entidad_territorial_id=entidad_territorial)
    if vigencia:
        qs = qs.filter(vigencia=vigencia)
    return qs.order_by("-vigencia", "entidad_territorial__nombre", "pk")


def concertado_detalle(plan_id: int):
    plan = PlanConcertado.objects.select_related("entidad_territorial", "agenda").get(pk=plan_id)
    plan.lista_oferentes = list(plan.oferentes.order_by("nombre"))
    plan._oferentes_ids = {e.pk for e in plan.lista_oferentes}
    plan.lista_mesas = list(
        MesaDeTrabajo.objects.filter(plan=plan).select_related("registrada_por")
        .prefetch_related("evidencias", "compromisos_revisados__compromiso").order_by("fecha", "pk")
    )
    hoy = timezone.localdate()
    plan.lista_compromisos = list(
        Compromiso.objects.filter(plan=plan).select_related("responsable", "entidad_responsable", "mesa")
        .prefetch_related("revisiones__por").order_by("fecha_limite", "pk")
    )
    for c in plan.lista_compromisos:
        c.esta_vencido = c.vencido_al(hoy)
    plan.lista_lineas = list(plan.lineas.select_related("plan__entidad", "oferta", "etapa"))
    return plan


def compromisos_vencidos(usuario):
    hoy = timezone.localdate()
    return (
        Compromiso.objects.filter(estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy,
                                  plan__in=concertados_visibles(usuario).values("pk"))
        .select_related("plan__entidad_territorial", "responsable").order_by("fecha_limite", "pk")
    )


def etapas():
    return EtapaCiclo.objects.filter(activo=True).order_by("orden", "nombre")


def resumen_inicio() -> list[dict]:
    return [
        {"etiqueta": _("Planes de trabajo aprobados"),
         "valor": PlanDeTrabajo.objects.filter(estado=EstadoPlan.APROBADO).count(), "url": "/agenda/"},
    ]
