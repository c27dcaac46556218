"""Lecturas de las rutas de asistencia: listas acotadas por permisos y el estado de los seis pasos,
derivado de los registros que los prueban (ver `rutas/models.py`).

`evidencias(rutas)` lee, para un lote de rutas (una página), los registros de cada protocolo con un
número fijo de consultas (una por clase de registro), sin importar cuántas rutas o registros haya.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import EstadoConcertado, LineaPlan, MesaDeTrabajo, PlanConcertado
from att import permisos
from att import selectors as att_selectors
from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    EgresoCapacidad,
    Entidad,
    MotivoEgreso,
    Rol,
    ValoracionCapacidad,
)
from conocimiento.models import EstadoRecurso, Recurso, TipoRecurso
from demanda.models import Demanda, EstadoDemanda
from rutas.models import EstadoPaso, EstadoRuta, PasoNoAplica, Protocolo, Ruta
from seguimiento.models import Asesoria, Avance, EstadoAvance, EventoMasivo, Hito

# --- Alcance ---------------------------------------------------------------------------------------


def _oferentes_through():
    return Ruta.oferentes.through


def filtro_rutas(usuario) -> Q:
    """Ven una ruta: el DNP y el auditor; la entidad territorial y su equipo departamental; los
    oferentes de la ruta."""
    if permisos.lee_todo(usuario):
        return Q()
    if not usuario or not usuario.is_authenticated:
        return Q(pk__in=[])
    propias = permisos.entidades_de(usuario)
    como_oferente = _oferentes_through().objects.filter(
        ruta_id=OuterRef("pk"), entidad_id__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
    )
    return Q(entidad__in=propias.values("pk")) | Q(Exists(como_oferente))


def rutas_visibles(usuario) -> QuerySet[Ruta]:
    return Ruta.objects.filter(filtro_rutas(usuario))


def _con_relaciones(qs):
    return qs.select_related(
        "entidad", "entidad__municipio", "entidad__departamento", "capacidad", "egreso", "egreso__diagnostico",
        "egreso__capacidad",
    ).prefetch_related(Prefetch("oferentes", queryset=Entidad.objects.only("pk", "nombre", "sigla", "tipo")))


def rutas_lista(usuario, *, estado: str = "", entidad=None, oferente=None, capacidad: str = "", periodo=None,
                departamento: str = "", texto: str = "") -> QuerySet[Ruta]:
    qs = rutas_visibles(usuario)
    if estado:
        qs = qs.filter(estado=estado)
    if entidad:
        qs = qs.filter(entidad=entidad)
    if oferente:
        qs = qs.filter(Exists(_oferentes_through().objects.filter(ruta_id=OuterRef("pk"), entidad_id=oferente)))
    if capacidad:
        qs = qs.filter(capacidad__codigo=capacidad)
    if departamento:
        qs = qs.filter(Q(entidad__departamento_id=departamento) | Q(entidad__municipio__departamento_id=departamento))
    if texto:
        qs = qs.filter(entidad__nombre__unaccent__icontains=texto)
    qs = att_selectors.filtrar_por_periodo(qs, "inicio", periodo)
    return _con_relaciones(qs).order_by("-inicio", "-pk")


def ruta_detalle(usuario, pk) -> Ruta | None:
    return _con_relaciones(rutas_visibles(usuario)).filter(pk=pk).first()


def oferentes_para_crear(usuario) -> QuerySet[Entidad]:
    """Entidades oferentes que el usuario puede poner en una ruta: las suyas; el DNP, cualquiera."""
    qs = Entidad.objects.filter(activa=True).exclude(tipo__in=["alcaldia", "gobernacion"])
    if permisos.es_equipo_dnp(usuario):
        return qs.order_by("nombre")
    if permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL):
        return qs.order_by("nombre")  # el equipo departamental articula oferentes para sus municipios
    return qs.filter(pk__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")).order_by("nombre")


def territoriales_para_crear(usuario) -> QuerySet[Entidad]:
    qs = Entidad.objects.filter(activa=True, tipo__in=["alcaldia", "gobernacion"])
    if permisos.es_equipo_dnp(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE):
        return qs
    return qs.filter(pk__in=permisos.entidades_de(usuario, [Rol.EQUIPO_DEPARTAMENTAL]).values("pk"))


def territoriales_para_diagnosticar(usuario) -> QuerySet[Entidad]:
    """Las suyas (funcionario, equipo departamental), las de sus rutas abiertas (oferente) o todas (DNP)."""
    qs = Entidad.objects.filter(activa=True, tipo__in=["alcaldia", "gobernacion"])
    if permisos.es_equipo_dnp(usuario):
        return qs
    con_ruta = Ruta.objects.filter(estado=EstadoRuta.ABIERTA, oferentes__in=permisos.entidades_de(
        usuario, [Rol.OFERENTE]).values("pk")).values("entidad_id")
    return qs.filter(Q(pk__in=permisos.entidades_de(usuario, permisos.ROLES_TERRITORIALES).values("pk"))
                     | Q(pk__in=con_ruta))


# --- Evidencias y estado de los pasos ----------------------------------------------------------------

@dataclass(frozen=True)
class Evidencia:
    tipo: str  # «diagnostico», «demanda», «linea», «concertado», «mesa», «hito», «avance», «recurso», …
    texto: str
    fecha: datetime.date | None
    completa: bool  # cuenta para dar el paso por hecho
    url: str = ""


@dataclass
class Paso:
    protocolo: int
    nombre: str
    estado: str
    evidencias: list = field(default_factory=list)
    inicio: datetime.date | None = None
    hecho_en: datetime.date | None = None
    motivo_no_aplica: str = ""

    @property
    def estado_texto(self) -> str:
        return EstadoPaso(self.estado).label

    @property
    def hecho(self) -> bool:
        return self.estado in (EstadoPaso.HECHO, EstadoPaso.NO_APLICA)


def _fecha(valor):
    if isinstance(valor, datetime.datetime):
        return timezone.localtime(valor).date() if timezone.is_aware(valor) else valor.date()
    return valor


def _url(nombre, *args):
    return reverse(nombre, args=args)


def evidencias(rutas: list[Ruta], *, resumen: bool = False) -> dict[int, dict[int, list[Evidencia]]]:
    """{ruta_id: {protocolo: [Evidencia, …]}} para un lote de rutas, con consultas fijas.

    Los oferentes de cada ruta deben venir precargados (`rutas_lista` y `ruta_detalle` lo hacen).

    `resumen=True` (listas y perfil, que muestran solo el estado de los pasos): los hitos y los avances
    validados del paso 4 llegan agregados por línea (y entidad) en SQL, una evidencia con la fecha más
    temprana en vez de una por registro. El estado, el inicio y la fecha de «hecho» del paso salen iguales:
    dependen solo de si hay evidencias y de sus fechas mínimas (ver `_paso`)."""
    resultado = {r.pk: {p.value: [] for p in Protocolo} for r in rutas}
    if not rutas:
        return resultado
    ets = {r.entidad_id for r in rutas}
    ofe_de = {r.pk: {o.pk for o in r.oferentes.all()} for r in rutas}
    oferentes = set().union(*ofe_de.values())
    hoy = timezone.localdate()
    # En resumen las evidencias no se muestran: sin `reverse()` por evidencia (miles en una ET con mil líneas).
    url_de = (lambda *_a: "") if resumen else _url
    # Textos traducidos una vez por llamada, no uno por evidencia (miles en una ET con mil líneas).
    t_diag, t_hito, t_avance, t_mesa, t_asesoria = (_("Diagnóstico de capacidades"), _("Hito"), _("Avance validado"),
                                                    _("Mesa de trabajo"), _("Asesoría"))
    t_objetivo, t_sin_objetivo = _("Objetivo de agenda: %(o)s"), _("Línea sin objetivo de agenda: %(o)s")
    t_nacional, t_ejecucion = _("Plan concertado en la agenda nacional: %(p)s"), _("Línea en ejecución: %(o)s")
    t_tipo_recurso = {t.value: str(t.label) for t in TipoRecurso}

    # 1. Diagnósticos que valoran la capacidad de la ruta.
    diag = defaultdict(list)  # (et, capacidad) -> [(pk, fecha)]
    for d_id, et, cap, fecha in (
        ValoracionCapacidad.objects.filter(diagnostico__entidad_id__in=ets)
        .values_list("diagnostico_id", "diagnostico__entidad_id", "capacidad_id", "diagnostico__fecha")
        .order_by("diagnostico__fecha", "diagnostico_id")
    ):
        diag[(et, cap)].append((d_id, fecha))
    # 1. Demandas de la entidad en esa capacidad o atendidas por una oferta de los oferentes.
    demandas = defaultdict(list)
    for d in (
        Demanda.objects.filter(entidad_id__in=ets).exclude(estado=EstadoDemanda.NO_PERTINENTE)
        .filter(Q(capacidad_id__in={r.capacidad_id for r in rutas}) | Q(oferta__entidad_id__in=oferentes))
        .values("pk", "entidad_id", "capacidad_id", "oferta__entidad_id", "titulo", dia=TruncDate("creada"))
        .order_by("creada", "pk")
    ):
        demandas[d["entidad_id"]].append(d)
    # 2, 4 y 6. Líneas de planes de los oferentes que llegan a la entidad.
    lineas = defaultdict(list)  # et -> filas
    for fila in (
        LineaPlan.territorios.through.objects.filter(entidad_id__in=ets, lineaplan__plan__entidad_id__in=oferentes)
        .values("entidad_id", "lineaplan_id", "lineaplan__plan__entidad_id", "lineaplan__objetivo_agenda_id",
                "lineaplan__objetivo_agenda__enunciado", "lineaplan__oferta__nombre", "lineaplan__fecha_inicio")
        .order_by("lineaplan__fecha_inicio", "lineaplan_id")
    ):
        lineas[fila["entidad_id"]].append(fila)
    ids_lineas = {f["lineaplan_id"] for filas in lineas.values() for f in filas}
    # 3. Planes concertados con la entidad y alguno de los oferentes, y sus mesas.
    concertados = defaultdict(dict)  # et -> {plan_id: fila con oferentes}
    for fila in (
        PlanConcertado.oferentes.through.objects.filter(planconcertado__entidad_territorial_id__in=ets,
                                                        entidad_id__in=oferentes)
        .values("entidad_id", "planconcertado_id", "planconcertado__entidad_territorial_id", "planconcertado__nombre",
                "planconcertado__estado", "planconcertado__creado", "planconcertado__agenda_id")
        .order_by("planconcertado__creado", "planconcertado_id")
    ):
        plan = concertados[fila["planconcertado__entidad_territorial_id"]].setdefault(
            fila["planconcertado_id"], {**fila, "oferentes": set()})
        plan["oferentes"].add(fila["entidad_id"])
    ids_planes = {p for planes in concertados.values() for p in planes}
    mesas = defaultdict(list)
    # La fecha local la calcula PostgreSQL (`TruncDate` en la zona activa): sin `localtime()` por fila en Python.
    for m_id, plan_id, fecha in MesaDeTrabajo.objects.filter(plan_id__in=ids_planes).annotate(
            dia=TruncDate("fecha")).values_list("pk", "plan_id", "dia").order_by("fecha", "pk"):
        mesas[plan_id].append((m_id, fecha))
    # 4. Hitos de esas líneas y avances validados que llegan a la entidad.
    hitos = defaultdict(list)
    if resumen:
        for linea_id, fecha in (Hito.objects.filter(linea_id__in=ids_lineas).order_by().values_list("linea_id")
                                .annotate(primera=Min("fecha_planeada"))):
            hitos[linea_id].append((None, t_hito, fecha))
    else:
        for h_id, linea_id, nombre, fecha in Hito.objects.filter(linea_id__in=ids_lineas).values_list(
                "pk", "linea_id", "nombre", "fecha_planeada").order_by("fecha_planeada", "pk"):
            hitos[linea_id].append((h_id, nombre, fecha))
    # Dos consultas estrechas en vez de un avance × entidad de todas las líneas: los avances que cubren todas
    # las entidades de su línea (sin entidades anotadas) y, por la tabla intermedia, solo los que anotan una de
    # estas entidades (a escala 1000 la forma ancha tardaba 2,6 s en la ET con más líneas).
    Cubre = Avance.entidades.through
    avances = defaultdict(list)  # linea -> [(entidad o None, fecha)]
    generales = (Avance.objects.filter(hito__linea_id__in=ids_lineas, estado=EstadoAvance.VALIDADO)
                 .filter(~Exists(Cubre.objects.filter(avance_id=OuterRef("pk")))))
    anotados = Cubre.objects.filter(entidad_id__in=ets, avance__hito__linea_id__in=ids_lineas,
                                    avance__estado=EstadoAvance.VALIDADO)
    if resumen:  # el primer avance validado de cada línea (y entidad): una fila por línea, no por avance
        generales = generales.order_by().values_list("hito__linea_id").annotate(primera=Min("fecha_corte"))
        anotados = (anotados.order_by().values_list("avance__hito__linea_id", "entidad_id")
                    .annotate(primera=Min("avance__fecha_corte")))
    else:
        generales = generales.values_list("hito__linea_id", "fecha_corte").order_by("fecha_corte")
        anotados = anotados.values_list("avance__hito__linea_id", "entidad_id", "avance__fecha_corte").order_by(
            "avance__fecha_corte")
    for linea_id, fecha in generales:
        avances[linea_id].append((None, fecha))
    for linea_id, entidad_id, fecha in anotados:
        avances[linea_id].append((entidad_id, fecha))
    for filas in avances.values():
        filas.sort(key=lambda f: f[1])
    # 5. Prácticas y lecciones de la entidad (ligadas a los oferentes o sin oferta ni plan).
    recursos = defaultdict(list)
    for r in (
        Recurso.objects.filter(entidad_id__in=ets).exclude(estado=EstadoRecurso.RETIRADO)
        .filter(Q(oferta__entidad_id__in=oferentes) | Q(plan__entidad_id__in=oferentes)
                | Q(oferta__isnull=True, plan__isnull=True))
        .values("pk", "entidad_id", "tipo", "titulo", "estado", "creado", "publicado_en", "oferta__entidad_id",
                "plan__entidad_id").order_by("creado", "pk")
    ):
        recursos[r["entidad_id"]].append(r)
    # 6. Asesorías y eventos de los oferentes a los que asistió la entidad.
    llegadas = defaultdict(list)
    for a_id, et, ofe, fecha in Asesoria.objects.filter(entidad_id__in=ets, oferente_id__in=oferentes).values_list(
            "pk", "entidad_id", "oferente_id", "fecha").order_by("fecha", "pk"):
        llegadas[et].append(("asesoria", a_id, ofe, fecha, t_asesoria))
    for e_id, et, ofe, fecha, nombre in EventoMasivo.entidades.through.objects.filter(
            entidad_id__in=ets, eventomasivo__oferente_id__in=oferentes).values_list(
            "eventomasivo_id", "entidad_id", "eventomasivo__oferente_id", "eventomasivo__fecha",
            "eventomasivo__nombre").order_by("eventomasivo__fecha"):
        llegadas[et].append(("evento", e_id, ofe, fecha, nombre))

    for ruta in rutas:
        ev = resultado[ruta.pk]
        suyos = ofe_de[ruta.pk]
        et = ruta.entidad_id
        for d_id, fecha in diag.get((et, ruta.capacidad_id), []):
            ev[1].append(Evidencia("diagnostico", t_diag, fecha, True,
                                   url_de("rutas:diagnostico", d_id)))
        for d in demandas.get(et, []):
            if d["capacidad_id"] == ruta.capacidad_id or d["oferta__entidad_id"] in suyos:
                ev[1].append(Evidencia("demanda", d["titulo"], d["dia"], True,
                                       url_de("demanda:detalle", d["pk"])))
        mis_lineas = [f for f in lineas.get(et, []) if f["lineaplan__plan__entidad_id"] in suyos]
        for f in mis_lineas:
            con_objetivo = f["lineaplan__objetivo_agenda_id"] is not None
            texto = (t_objetivo % {"o": f["lineaplan__objetivo_agenda__enunciado"][:120]}
                     if con_objetivo else t_sin_objetivo % {"o": f["lineaplan__oferta__nombre"]})
            ev[2].append(Evidencia("linea", texto, f["lineaplan__fecha_inicio"], con_objetivo,
                                   url_de("seguimiento:linea", f["lineaplan_id"])))
        for plan in concertados.get(et, {}).values():
            if not plan["oferentes"] & suyos:
                continue
            sus_mesas = mesas.get(plan["planconcertado_id"], [])
            concertado = plan["planconcertado__estado"] in (EstadoConcertado.CONCERTADO, EstadoConcertado.CERRADO)
            url = url_de("agenda:concertado", plan["planconcertado_id"])
            ev[3].append(Evidencia("concertado", plan["planconcertado__nombre"], _fecha(plan["planconcertado__creado"]),
                                   concertado and bool(sus_mesas), url))
            for _m, fecha in sus_mesas:
                ev[3].append(Evidencia("mesa", t_mesa, fecha, False, url))
            if plan["planconcertado__agenda_id"]:
                ev[2].append(Evidencia("concertado", t_nacional
                                       % {"p": plan["planconcertado__nombre"]},
                                       _fecha(plan["planconcertado__creado"]), True, url))
        for f in mis_lineas:
            linea_id = f["lineaplan_id"]
            url = url_de("seguimiento:linea", linea_id)
            for _h, nombre, fecha in hitos.get(linea_id, []):
                ev[4].append(Evidencia("hito", nombre, fecha, False, url))
            for entidad_id, fecha in avances.get(linea_id, []):
                if entidad_id is None or entidad_id == et:
                    ev[4].append(Evidencia("avance", t_avance, fecha, True, url))
            if f["lineaplan__fecha_inicio"] and f["lineaplan__fecha_inicio"] <= hoy:
                ev[6].append(Evidencia("linea", t_ejecucion % {"o": f["lineaplan__oferta__nombre"]},
                                       f["lineaplan__fecha_inicio"], False, url))
        for r in recursos.get(et, []):
            ligada = r["oferta__entidad_id"] in suyos or r["plan__entidad_id"] in suyos or (
                r["oferta__entidad_id"] is None and r["plan__entidad_id"] is None)
            if ligada:
                publicado = r["estado"] == EstadoRecurso.PUBLICADO
                ev[5].append(Evidencia("recurso", f"{t_tipo_recurso[r['tipo']]}: {r['titulo']}",
                                       _fecha(r["publicado_en"] if publicado else r["creado"]), publicado,
                                       url_de("conocimiento:recurso", r["pk"])))
        for tipo, _pk, ofe, fecha, texto in llegadas.get(et, []):
            if ofe in suyos:
                ev[6].append(Evidencia(tipo, texto, fecha, True))
        for lista in ev.values():
            lista.sort(key=lambda e: (e.fecha or datetime.date.min))
    return resultado


def _paso(protocolo: int, evs: list[Evidencia], motivo: str | None) -> Paso:
    paso = Paso(protocolo, Protocolo(protocolo).label, EstadoPaso.PENDIENTE, evs)
    fechas = [e.fecha for e in evs if e.fecha]
    paso.inicio = min(fechas) if fechas else None
    if protocolo == Protocolo.IDENTIFICACION:
        # Diagnóstico (línea base) y demanda identificada: los dos.
        primeras = [min((e.fecha for e in evs if e.tipo == t and e.fecha), default=None)
                    for t in ("diagnostico", "demanda")]
        if all(primeras):
            paso.estado, paso.hecho_en = EstadoPaso.HECHO, max(primeras)
    else:
        completas = [e.fecha for e in evs if e.completa and e.fecha]
        if any(e.completa for e in evs):
            paso.estado, paso.hecho_en = EstadoPaso.HECHO, min(completas) if completas else None
    if paso.estado == EstadoPaso.PENDIENTE and evs:
        paso.estado = EstadoPaso.EN_CURSO
    if motivo is not None and paso.estado != EstadoPaso.HECHO:
        paso.estado, paso.motivo_no_aplica = EstadoPaso.NO_APLICA, motivo
    return paso


def pasos(rutas: list[Ruta], *, con_evidencias: bool = True) -> dict[int, list[Paso]]:
    """{ruta_id: [Paso × 6]} con el estado derivado (un registro hecho gana a «no aplica»). Sin
    `con_evidencias`, las evidencias se leen resumidas (`evidencias(resumen=True)`) y no se devuelven."""
    evs = evidencias(rutas, resumen=not con_evidencias)
    motivos = defaultdict(dict)
    for ruta_id, protocolo, motivo in PasoNoAplica.objects.filter(ruta__in=[r.pk for r in rutas]).values_list(
            "ruta_id", "protocolo", "motivo"):
        motivos[ruta_id][protocolo] = motivo
    resultado = {}
    for ruta in rutas:
        lista = []
        for p in Protocolo:
            paso = _paso(p.value, evs[ruta.pk][p.value], motivos[ruta.pk].get(p.value))
            if not con_evidencias:
                paso.evidencias = []
            lista.append(paso)
        resultado[ruta.pk] = lista
    return resultado


def con_pasos(rutas) -> list[Ruta]:
    """Las rutas con `.pasos` (sin las evidencias) y `.hechos` para las listas."""
    rutas = list(rutas)
    por_ruta = pasos(rutas, con_evidencias=False)
    for ruta in rutas:
        ruta.pasos = por_ruta[ruta.pk]
        ruta.hechos = sum(1 for p in ruta.pasos if p.hecho)
    return rutas


# --- Diagnósticos ------------------------------------------------------------------------------------

def filtro_diagnosticos(usuario) -> Q:
    """Ven un diagnóstico: quien ve lo privado de la entidad (ella, su equipo departamental, el DNP y
    el auditor), quien lo hizo y los oferentes con una ruta con esa entidad."""
    if permisos.lee_todo(usuario):
        return Q()
    if not usuario or not usuario.is_authenticated:
        return Q(pk__in=[])
    con_ruta = Ruta.objects.filter(
        entidad_id=OuterRef("entidad_id"),
        oferentes__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk"),
    )
    return (Q(entidad__in=permisos.entidades_de(usuario).values("pk")) | Q(realizado_por=usuario)
            | Q(Exists(con_ruta)))


def diagnosticos_lista(usuario, *, entidad=None, periodo=None, texto: str = "") -> QuerySet[DiagnosticoCapacidad]:
    qs = DiagnosticoCapacidad.objects.filter(filtro_diagnosticos(usuario))
    if entidad:
        qs = qs.filter(entidad=entidad)
    if texto:
        qs = qs.filter(entidad__nombre__unaccent__icontains=texto)
    qs = att_selectors.filtrar_por_periodo(qs, "fecha", periodo)
    return (qs.select_related("entidad", "entidad__municipio", "realizado_por", "entidad_que_diagnostica")
            .prefetch_related("valoraciones__capacidad").order_by("-fecha", "-pk"))


def diagnostico_detalle(usuario, pk) -> DiagnosticoCapacidad | None:
    return (DiagnosticoCapacidad.objects.filter(filtro_diagnosticos(usuario), pk=pk)
            .select_related("entidad", "entidad__municipio", "realizado_por", "entidad_que_diagnostica")
            .prefetch_related("valoraciones__capacidad", "valoraciones__nivel", "valoraciones__tipo").first())


def comparacion(diagnostico: DiagnosticoCapacidad) -> dict:
    """El diagnóstico frente a la línea base de su entidad (el primero): por capacidad, el valor de la
    línea base, el de este, el cambio y el objetivo vigente. Dos consultas."""
    base = DiagnosticoCapacidad.objects.filter(entidad_id=diagnostico.entidad_id).order_by("fecha", "pk").first()
    valores_base = {}
    if base is not None and base.pk != diagnostico.pk:
        valores_base = dict(ValoracionCapacidad.objects.filter(diagnostico=base).values_list("capacidad_id", "valor"))
    filas = []
    for v in diagnostico.valoraciones.all():
        anterior = valores_base.get(v.capacidad_id)
        filas.append({"capacidad": v.capacidad, "nivel": v.nivel, "tipo": v.tipo, "fuente": v.get_fuente_display(),
                      "evidencia": v.evidencia, "valor": v.valor, "objetivo": v.objetivo, "base": anterior,
                      "cambio": None if anterior is None else v.valor - anterior,
                      "cumple": v.objetivo is not None and v.valor >= v.objetivo})
    return {"linea_base": base, "es_linea_base": base is not None and base.pk == diagnostico.pk, "filas": filas}


def capacidad_de(entidad) -> dict:
    """Para el perfil y el informe de empalme: diagnósticos (con su cambio frente a la línea base),
    historial MDM y egresos de la entidad. Cuatro consultas."""
    from att.models import PuntajeMDM

    diagnosticos = list(att_selectors.diagnosticos_de(entidad))
    base = {v.capacidad_id: v.valor for v in diagnosticos[0].valoraciones.all()} if diagnosticos else {}
    filas = []
    for d in diagnosticos:
        for v in d.valoraciones.all():
            previo = base.get(v.capacidad_id)
            filas.append({"diagnostico": d, "fecha": d.fecha, "periodo": None, "capacidad": v.capacidad,
                          "valor": v.valor, "objetivo": v.objetivo, "base": previo,
                          "cambio": None if previo is None else v.valor - previo})
    periodos = list(att_selectors.periodos_gobierno())
    for fila in filas:
        fila["periodo"] = next((p for p in periodos if p.contiene(fila["fecha"])), None)
    mdm = list(PuntajeMDM.objects.filter(municipio_id=entidad.municipio_id).order_by("anio")) if entidad.municipio_id else []
    egresos = list(EgresoCapacidad.objects.filter(entidad=entidad).select_related("capacidad").order_by("-fecha", "-pk"))
    ganancia = att_selectors.ganancia_capacidad([entidad.pk]).get(entidad.pk)
    return {"diagnosticos": diagnosticos, "filas": filas, "mdm": mdm, "egresos": egresos, "ganancia": ganancia}


# --- Resultados --------------------------------------------------------------------------------------

def egresos_lista(usuario, *, motivo: str = "", capacidad: str = "", periodo=None) -> QuerySet[EgresoCapacidad]:
    """Egresos de las rutas que el usuario ve (los resultados de la política)."""
    qs = EgresoCapacidad.objects.filter(ruta__in=rutas_visibles(usuario).values("pk"))
    if motivo in MotivoEgreso.values:
        qs = qs.filter(motivo=motivo)
    if capacidad:
        qs = qs.filter(capacidad__codigo=capacidad)
    qs = att_selectors.filtrar_por_periodo(qs, "fecha", periodo)
    return qs.select_related("entidad", "capacidad", "diagnostico", "ruta").order_by("-fecha", "-pk")


def capacidades() -> list[Capacidad]:
    return list(Capacidad.objects.filter(activo=True).only("pk", "codigo", "nombre"))


def estados_ruta():
    return EstadoRuta.choices
