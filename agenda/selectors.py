"""Toda lectura de la agenda que usan páginas y API, acotada al usuario."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import (
    AgendaNacional,
    Compromiso,
    EstadoCompromiso,
    EstadoPlan,
    LineaPlan,
    MesaDeTrabajo,
    PlanConcertado,
    PlanDeTrabajo,
)
from att import permisos
from att.models import Entidad, EtapaCiclo, TipoEntidad
from att.selectors import filtrar_por_periodo


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
        plan.lineas.select_related("oferta", "etapa", "responsable")
        .prefetch_related("territorios").order_by("secuencia", "pk")
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


def _filtro_lineas_visibles(usuario, prefijo: str = "") -> Q:
    """Líneas de planes aprobados (públicas para quien ingresa) más las de los planes propios."""
    if permisos.lee_todo(usuario):
        return Q()
    return Q(**{f"{prefijo}plan__estado": EstadoPlan.APROBADO}) | permisos.filtro_entidad(usuario, f"{prefijo}plan__entidad")


def vigencia_por_defecto() -> int | None:
    """La vigencia en curso si ya tiene planes; si no, la más reciente anterior (o la primera)."""
    from django.db.models import Max, Min

    hoy = timezone.localdate().year
    datos = PlanDeTrabajo.objects.aggregate(
        hasta_hoy=Max("vigencia", filter=Q(vigencia__lte=hoy)), primera=Min("vigencia"))
    return datos["hasta_hoy"] or datos["primera"]


def lineas_de_entidad_territorial(usuario, entidad: Entidad, *, por_ids: bool = False):
    """Quién hace qué en la ET: las líneas de todos los oferentes que la focalizan (una consulta).

    `por_ids` (perfil de la ET): primero los ids por el índice de la tabla intermedia (una consulta de ~1 ms)
    y luego las líneas por su clave. Con el JOIN a la tabla intermedia PostgreSQL recorre todas las líneas
    del país (hash join sobre 57.000 a escala 1000) para quedarse con las 1.030 de La Guajira; con la lista
    de ids las lee por `agenda_lineaplan_pkey` (conteo 16 → 10 ms, tabla 24 → 12 ms)."""
    if por_ids:
        ids = list(LineaPlan.territorios.through.objects.filter(entidad=entidad).values_list("lineaplan_id", flat=True))
        focaliza = Q(pk__in=ids)
    else:
        focaliza = Q(territorios=entidad)
    return (
        LineaPlan.objects.filter(_filtro_lineas_visibles(usuario), focaliza)
        .order_by("etapa__orden", "fecha_inicio", "plan__entidad__nombre", "pk")
    )


CAMPOS_FILA_ET = (
    "pk", "plan__entidad_id", "plan__entidad__nombre", "oferta__nombre", "objetivo", "fecha_inicio", "fecha_fin",
    "responsable__nombre", "inversion", "plan__estado", "etapa__nombre", "plan_id",
)


def resumen_entidad_territorial(usuario, entidad: Entidad, *, vigencia: int | None = None) -> dict:
    """Filas livianas (tuplas, sin instanciar modelos) agrupadas por etapa, oferentes e inversión."""
    lineas = lineas_de_entidad_territorial(usuario, entidad)
    if vigencia:
        lineas = lineas.filter(plan__vigencia=vigencia)
    filas = list(lineas.values_list(*CAMPOS_FILA_ET))
    por_etapa: OrderedDict = OrderedDict()
    oferentes, inversion = {}, 0
    for fila in filas:
        por_etapa.setdefault(fila[10], []).append(fila)
        oferentes[fila[1]] = fila[2]
        inversion += fila[8]
    concertados = list(
        concertados_visibles(usuario).filter(entidad_territorial=entidad)
        .annotate(
            n_oferentes=Count("oferentes", distinct=True), n_mesas=Count("mesas", distinct=True),
        )
        .order_by("-vigencia", "pk")
    )
    return {
        "lineas": filas, "por_etapa": por_etapa, "oferentes": sorted(oferentes.values()),
        "inversion": inversion, "concertados": concertados,
    }


def entidades_de_departamento(departamento_id: str):
    return Entidad.objects.filter(
        Q(tipo=TipoEntidad.GOBERNACION, departamento_id=departamento_id)
        | Q(tipo=TipoEntidad.ALCALDIA, municipio__departamento_id=departamento_id)
    )


def consolidado_departamento(usuario, departamento_id: str, *, vigencia: int | None = None) -> dict:
    """Vista del equipo departamental: cifras por entidad territorial, por oferente y por etapa.

    Una sola lectura de las focalizaciones del departamento (tuplas de enteros) y agregación en
    memoria: el número de consultas no crece con las líneas; el detalle de cada ET está en su
    propia página («quién hace qué»)."""
    Focal = LineaPlan.territorios.through
    territorios = entidades_de_departamento(departamento_id)
    focal = Focal.objects.filter(_filtro_lineas_visibles(usuario, "lineaplan__"),
                                 entidad__in=territorios.values("pk"))
    if vigencia:
        focal = focal.filter(lineaplan__plan__vigencia=vigencia)
    por_et: dict = {}
    por_oferente: dict = {}
    por_etapa: dict = {}
    vistas: set = set()
    for et_id, linea_id, oferente_id, inversion, etapa_id in focal.values_list(
            "entidad_id", "lineaplan_id", "lineaplan__plan__entidad_id", "lineaplan__inversion",
            "lineaplan__etapa_id"):
        b = por_et.get(et_id)
        if b is None:
            b = por_et[et_id] = {"lineas": 0, "oferentes": set(), "inversion": 0}
        b["lineas"] += 1
        b["oferentes"].add(oferente_id)
        b["inversion"] += inversion
        o = por_oferente.get(oferente_id)
        if o is None:
            o = por_oferente[oferente_id] = {"lineas": 0, "territorios": set(), "inversion": 0}
        o["territorios"].add(et_id)
        if linea_id not in vistas:
            vistas.add(linea_id)
            o["lineas"] += 1
            o["inversion"] += inversion
            e = por_etapa.setdefault(etapa_id, {"n": 0, "inversion": 0})
            e["n"] += 1
            e["inversion"] += inversion
    hoy = timezone.localdate()
    vencidos = dict(
        Compromiso.objects.filter(
            plan__in=concertados_visibles(usuario).filter(entidad_territorial__in=territorios.values("pk"))
            .values("pk"),
            estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy,
        ).values_list("plan__entidad_territorial_id").annotate(n=Count("pk"))
    )
    nombres = dict(Entidad.objects.filter(pk__in=list(por_oferente)).values_list("pk", "nombre"))
    oferentes = sorted(
        ({"nombre": nombres.get(k, ""), "n_lineas": v["lineas"], "n_territorios": len(v["territorios"]),
          "inversion": v["inversion"]} for k, v in por_oferente.items()),
        key=lambda o: (-o["n_lineas"], o["nombre"]),
    )
    etapas_ = {e.pk: e for e in EtapaCiclo.objects.all()}
    filas_etapa = sorted(
        ({"etapa": etapas_[k].nombre, "orden": etapas_[k].orden, **v} for k, v in por_etapa.items()),
        key=lambda e: e["orden"],
    )
    bloques = []
    n_territorios = 0
    for e in territorios.only("pk", "nombre", "tipo").order_by("-tipo", "nombre"):
        n_territorios += 1
        if e.pk not in por_et and e.pk not in vencidos:
            continue
        datos = por_et.get(e.pk, {"lineas": 0, "oferentes": (), "inversion": 0})
        bloques.append({"entidad": e, "n_lineas": datos["lineas"], "n_oferentes": len(datos["oferentes"]),
                        "inversion": datos["inversion"], "vencidos": vencidos.get(e.pk, 0)})
    return {
        "bloques": bloques, "oferentes": oferentes, "por_etapa": filas_etapa,
        "n_lineas": len(vistas), "n_entidades": len(por_et), "n_territorios_depto": n_territorios,
        "compromisos_vencidos": sum(vencidos.values()),
    }


LIMITE_CALENDARIO = 2000


def calendario(usuario, *, vigencia: int, etapa: str = "", entidad: int | None = None):
    """Líneas de la vigencia agrupadas por etapa del ciclo de gestión, con su posición en el año.

    Devuelve los grupos y si se recortaron (más de `LIMITE_CALENDARIO` líneas)."""
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
    lineas = list(qs[:LIMITE_CALENDARIO + 1])
    for ln in lineas[:LIMITE_CALENDARIO]:
        desde = max(1, ln.fecha_inicio.month if ln.fecha_inicio.year == vigencia else 1)
        hasta = min(12, ln.fecha_fin.month if ln.fecha_fin.year == vigencia else 12)
        ln.meses = [desde <= m <= hasta for m in range(1, 13)]
        grupos.setdefault(ln.etapa, []).append(ln)
    return grupos, len(lineas) > LIMITE_CALENDARIO


def concertados_visibles(usuario):
    qs = PlanConcertado.objects.select_related("entidad_territorial")
    if permisos.lee_todo(usuario):
        return qs
    propias = permisos.entidades_de(usuario)
    return qs.filter(
        Q(entidad_territorial__in=propias.values("pk"))
        | Q(Exists(PlanConcertado.oferentes.through.objects.filter(
            planconcertado_id=OuterRef("pk"), entidad__in=propias.values("pk"))))
        | Q(Exists(Compromiso.objects.filter(plan_id=OuterRef("pk"), responsable_id=usuario.pk)))
    )


def concertados_lista(usuario, *, entidad_territorial: int | None = None, vigencia: int | None = None, periodo=None):
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
    qs = filtrar_por_periodo(qs, "vigencia", periodo)  # periodo de gobierno: sus cuatro vigencias
    return qs.order_by("-vigencia", "entidad_territorial__nombre", "pk")


def concertado_detalle(plan_id: int):
    plan = PlanConcertado.objects.select_related("entidad_territorial", "agenda").get(pk=plan_id)
    plan.lista_oferentes = list(plan.oferentes.order_by("nombre"))
    plan._oferentes_ids = {e.pk for e in plan.lista_oferentes}
    plan.lista_mesas = list(
        MesaDeTrabajo.objects.filter(plan=plan).select_related("registrada_por")
        .prefetch_related("evidencias").order_by("fecha", "pk")
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


def compromisos_visibles(usuario):
    """Los de los planes concertados que ve y los de las instancias de gobernanza (de todos los que ingresan)."""
    return Compromiso.objects.filter(
        Q(plan__in=concertados_visibles(usuario).values("pk")) | Q(sesion__isnull=False))


def compromisos_vencidos(usuario):
    """Vencido = abierto con fecha límite anterior a hoy (el que vence hoy aún no): mesas y sesiones."""
    hoy = timezone.localdate()
    return (
        compromisos_visibles(usuario).filter(estado__in=EstadoCompromiso.abiertos(), fecha_limite__lt=hoy)
        .select_related("plan__entidad_territorial", "responsable", "sesion__instancia")
        .order_by("fecha_limite", "pk")
    )


def etapas():
    return EtapaCiclo.objects.filter(activo=True).order_by("orden", "nombre")


def resumen_inicio() -> list[dict]:
    return [
        {"etiqueta": _("Planes de trabajo aprobados"),
         "valor": PlanDeTrabajo.objects.filter(estado=EstadoPlan.APROBADO).count(), "url": "/agenda/"},
    ]


# --- Objetivos de la agenda con su avance -------------------------------------------------------------
REGLA_PONDERACION = _(
    "Avance del objetivo en un año = Σ (peso de la línea × avance de la línea) ÷ Σ (peso de la línea), "
    "sobre las líneas de planes de trabajo aprobados de esa vigencia que declaran servir al objetivo. "
    "El peso es el «peso en el plan» de cada línea; el avance es el que consolida el seguimiento con sus "
    "hitos (0 % si la línea aún no tiene seguimiento). El cuatrienio usa la misma regla sobre las líneas "
    "de los cuatro años.")


def _avance_ponderado(suma_pesada, suma_pesos):
    from decimal import ROUND_HALF_UP, Decimal

    if not suma_pesos:
        return None
    return (Decimal(suma_pesada) / Decimal(suma_pesos)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rollup_lineas(objetivo_ids) -> dict:
    """{objetivo_id: {vigencia: {"avance", "peso", "n"}, None: {... cuatrienio}}} en una consulta.

    Lee el avance de cada línea de la foto que mantiene `seguimiento` (`EstadoLinea`) por el nombre de la
    relación inversa `estado_seguimiento`, sin importar `seguimiento` (que está encima en las capas)."""
    from django.db.models import DecimalField, ExpressionWrapper, F
    from django.db.models.functions import Coalesce

    pesada = ExpressionWrapper(F("peso") * Coalesce(F("estado_seguimiento__avance"), 0),
                               output_field=DecimalField(max_digits=20, decimal_places=4))
    filas = (
        LineaPlan.objects.filter(objetivo_agenda_id__in=list(objetivo_ids), plan__estado=EstadoPlan.APROBADO)
        .values("objetivo_agenda_id", "plan__vigencia")
        .annotate(suma_pesada=Sum(pesada), suma_pesos=Sum("peso"), n=Count("pk"))
        .order_by()
    )
    datos: dict = {}
    for f in filas:
        por_anio = datos.setdefault(f["objetivo_agenda_id"], {})
        por_anio[f["plan__vigencia"]] = {"avance": _avance_ponderado(f["suma_pesada"], f["suma_pesos"]),
                                         "peso": f["suma_pesos"], "n": f["n"], "_pesada": f["suma_pesada"]}
    for por_anio in datos.values():
        pesada_total = sum((v["_pesada"] for v in por_anio.values()), 0)
        pesos_total = sum((v["peso"] for v in por_anio.values()), 0)
        por_anio[None] = {"avance": _avance_ponderado(pesada_total, pesos_total), "peso": pesos_total,
                          "n": sum(v["n"] for v in por_anio.values())}
    return datos


def objetivos_de_agenda(agenda, *, q: str = "", tipo: str = ""):
    qs = agenda.objetivos.select_related("descriptor", "indicador_vinculado").order_by("tipo_descriptor", "orden", "pk")
    if q:
        qs = qs.filter(Q(enunciado__icontains=q) | Q(indicador__icontains=q))
    if tipo:
        qs = qs.filter(tipo_descriptor=tipo)
    return qs


def objetivos_con_avance(agenda, objetivos) -> list[dict]:
    """Para una página de objetivos: por cada año del cuatrienio, la meta y el logro del indicador vinculado
    (metas anuales y mediciones de su ficha, con su tipo de acumulación) y el roll-up ponderado de las líneas.
    Consultas fijas: roll-up (1), metas (1) y mediciones (1), sea cual sea el número de objetivos."""
    from indicadores.models import Medicion, MetaIndicador
    from indicadores.selectors import avance_de_indicador

    objetivos = list(objetivos)
    anios = list(range(agenda.anio_inicio, agenda.anio_fin + 1))
    rollup = rollup_lineas([o.pk for o in objetivos])
    fichas = {o.indicador_vinculado_id for o in objetivos if o.indicador_vinculado_id}
    metas: dict = {}
    mediciones: dict = {}
    if fichas:
        for m in MetaIndicador.objects.filter(indicador_id__in=fichas).only("indicador_id", "anio", "valor"):
            metas.setdefault(m.indicador_id, []).append(m)
        for m in Medicion.objects.filter(indicador_id__in=fichas).only("indicador_id", "periodo", "valor").order_by("periodo"):
            mediciones.setdefault(m.indicador_id, []).append(m)
    filas = []
    for o in objetivos:
        ficha = o.indicador_vinculado
        if ficha is not None:
            ficha._prefetched_objects_cache = {"metas": _Lista(metas.get(ficha.pk, []))}
        por_anio = []
        for anio in anios:
            r = rollup.get(o.pk, {}).get(anio)
            ind = avance_de_indicador(ficha, mediciones.get(ficha.pk, []), anio=anio) if ficha else None
            meta = next((m.valor for m in metas.get(ficha.pk, []) if m.anio == anio), None) if ficha else None
            por_anio.append({"anio": anio, "meta": meta, "logro": ind.logro if ind else None,
                             "avance_indicador": ind.avance if ind else None,
                             "avance_lineas": r["avance"] if r else None, "n_lineas": r["n"] if r else 0,
                             "peso": r["peso"] if r else 0})
        total = rollup.get(o.pk, {}).get(None)
        ind_total = avance_de_indicador(ficha, mediciones.get(ficha.pk, [])) if ficha else None
        filas.append({"objetivo": o, "anios": por_anio,
                      "avance_lineas": total["avance"] if total else None, "n_lineas": total["n"] if total else 0,
                      "logro": ind_total.logro if ind_total else None,
                      "avance_indicador": ind_total.avance if ind_total else None})
    return filas


class _Lista(list):
    """Lista con la interfaz mínima de un manager prefetched (`.all()`)."""

    def all(self):
        return self


# --- Gobernanza -----------------------------------------------------------------------------------------
def instancias_lista(*, q: str = "", tipo: str = "", nivel: str = ""):
    from agenda.models import InstanciaGobernanza

    qs = InstanciaGobernanza.objects.annotate(
        n_miembros=Count("miembros", distinct=True), n_sesiones=Count("sesiones", distinct=True))
    if q:
        qs = qs.filter(Q(nombre__icontains=q) | Q(descripcion__icontains=q))
    if tipo:
        qs = qs.filter(tipo=tipo)
    if nivel:
        qs = qs.filter(nivel=nivel)
    return qs.order_by("nivel", "nombre", "pk")


def sesiones_de(instancia):
    return instancia.sesiones.annotate(
        n_asistentes=Count("asistentes", distinct=True), n_decisiones=Count("decisiones", distinct=True),
    ).order_by("-fecha", "pk")


def sesion_detalle(sesion_id: int):
    from agenda.models import SesionInstancia

    sesion = SesionInstancia.objects.select_related("instancia", "registrada_por").get(pk=sesion_id)
    hoy = timezone.localdate()
    sesion.lista_asistentes = list(sesion.asistentes.order_by("nombre"))
    sesion.lista_decisiones = list(
        sesion.decisiones.select_related("compromiso__responsable", "compromiso__entidad_responsable")
        .order_by("pk"))
    for d in sesion.lista_decisiones:
        d.esta_vencido = d.compromiso.vencido_al(hoy) if d.compromiso_id else False
    sesion.lista_resultados = list(sesion.resultados.order_by("pk"))
    return sesion


# --- Agendas territoriales -------------------------------------------------------------------------------
def agendas_territoriales_lista(*, q: str = "", tipo: str = "", entidad: int | None = None):
    from agenda.models import AgendaTerritorial

    qs = AgendaTerritorial.objects.annotate(
        n_entidades=Count("entidades", distinct=True), n_lineas=Count("lineas", distinct=True),
        n_ofertas=Count("ofertas", distinct=True))
    if q:
        qs = qs.filter(Q(nombre__icontains=q) | Q(region__icontains=q) | Q(descripcion__icontains=q))
    if tipo:
        qs = qs.filter(tipo=tipo)
    if entidad:
        qs = qs.filter(Exists(AgendaTerritorial.entidades.through.objects.filter(
            agendaterritorial_id=OuterRef("pk"), entidad_id=entidad)))
    return qs.order_by("nombre", "pk")


def agenda_territorial_detalle(usuario, pk: int):
    from agenda.models import AgendaTerritorial

    agenda_t = AgendaTerritorial.objects.get(pk=pk)
    agenda_t.lista_entidades = list(agenda_t.entidades.order_by("nombre"))
    agenda_t.lista_lineas = list(
        agenda_t.lineas.filter(_filtro_lineas_visibles(usuario))
        .select_related("plan__entidad", "oferta", "etapa").order_by("plan__vigencia", "pk"))
    agenda_t.lista_ofertas = list(agenda_t.ofertas.publicadas().select_related("entidad").order_by("nombre"))
    return agenda_t


def agendas_territoriales_de_et(usuario, entidad: Entidad) -> list:
    """Las agendas territoriales que la ET suscribe y las que sirven las líneas (visibles) que la focalizan,
    cada una con cuántas de esas líneas la sirven (una consulta)."""
    from agenda.models import AgendaTerritorial

    Servir = AgendaTerritorial.lineas.through
    Focal = LineaPlan.territorios.through
    lineas_et = LineaPlan.objects.filter(
        _filtro_lineas_visibles(usuario),
        Exists(Focal.objects.filter(lineaplan_id=OuterRef("pk"), entidad_id=entidad.pk))).values("pk")
    servidas = Servir.objects.filter(agendaterritorial_id=OuterRef("pk"), lineaplan_id__in=lineas_et)
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    n_lineas = Subquery(servidas.values("agendaterritorial_id").annotate(n=Count("pk")).values("n")[:1],
                        output_field=IntegerField())
    return list(
        AgendaTerritorial.objects.filter(
            Exists(servidas)
            | Exists(AgendaTerritorial.entidades.through.objects.filter(
                agendaterritorial_id=OuterRef("pk"), entidad_id=entidad.pk)))
        .annotate(n_lineas_et=Coalesce(n_lineas, 0)).order_by("nombre", "pk")[:200]
    )
