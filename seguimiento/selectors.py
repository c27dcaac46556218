"""Lecturas del seguimiento, acotadas a quien pregunta (`att.permisos`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import permisos
from att.models import Entidad, GrupoMDM, PuntajeMDM, Rol, TipoEntidad
from indicadores.models import CierrePeriodo
from indicadores.selectors import indicadores_con_avance_de, indicadores_visibles
from seguimiento import calculo, resumen
from seguimiento.models import (
    Asesoria,
    Avance,
    ConfiguracionSeguimiento,
    ConsentimientoPercepcion,
    EstadoAvance,
    EstadoLinea,
    EstadoLineaEntidad,
    EvaluacionLinea,
    EventoMasivo,
    Hito,
    InformeMensual,
    MuestraPercepcion,
    Percepcion,
    Semaforo,
)
from seguimiento.rules import ROLES_ET

REGLA_CONSOLIDACION = gettext_lazy(
    "Avance de un hito con sub-hitos = Σ(peso del sub-hito × avance) ÷ Σ pesos. "
    "Avance de la línea en una entidad territorial = Σ(peso del hito × avance del hito en esa entidad) ÷ Σ pesos "
    "de los hitos (en cada entidad cuenta el último avance validado que la cubre). "
    "Avance de la línea = promedio de su avance en las entidades a las que llega (todas pesan lo mismo; sin "
    "entidades, Σ(peso del hito × avance del hito) ÷ Σ pesos de los hitos). "
    "Avance de una entidad territorial = Σ(peso de la línea × avance de la línea en la entidad) ÷ Σ pesos de las "
    "líneas que llegan a ella. "
    "Avance del plan, de la entidad oferente y de la agenda = Σ(peso de la línea × avance de la línea) ÷ Σ pesos de las líneas. "
    "Solo cuentan los avances validados por el equipo de seguimiento del DNP."
)


def regla_semaforo(conf: ConfiguracionSeguimiento | None = None) -> str:
    conf = conf or ConfiguracionSeguimiento.obtener()
    return _(
        "Brecha = avance esperado a hoy (según las fechas planeadas de los hitos) − avance validado. "
        "Al día: brecha menor que %(r)s puntos. En riesgo: desde %(r)s y menos de %(a)s puntos. "
        "Atrasado: %(a)s puntos o más."
    ) % {"r": numero_corto(conf.umbral_riesgo), "a": numero_corto(conf.umbral_atraso)}


def numero_corto(valor: Decimal) -> str:
    """10.00 → «10», 12.50 → «12,5» (sin notación científica: Decimal(10).normalize() da «1E+1»)."""
    return format(valor.normalize(), "f").replace(".", ",")


_PRODUCTO = ExpressionWrapper(F("peso") * F("avance"), output_field=DecimalField(max_digits=14, decimal_places=4))
_PRODUCTO_ESP = ExpressionWrapper(F("peso") * F("esperado"), output_field=DecimalField(max_digits=14, decimal_places=4))


def _agregados(prefijo: str = "") -> dict:
    return {
        "suma_pesos": Sum("peso"),
        "suma_avance": Sum(_PRODUCTO),
        "suma_esperado": Sum(_PRODUCTO_ESP),
        "lineas": Count("pk"),
        "al_dia": Count("pk", filter=Q(semaforo=Semaforo.AL_DIA)),
        "en_riesgo": Count("pk", filter=Q(semaforo=Semaforo.EN_RIESGO)),
        "atrasado": Count("pk", filter=Q(semaforo=Semaforo.ATRASADO)),
    }


_completar = calculo.completar


def puede_ver_linea(usuario, linea) -> bool:
    """¿Puede abrir la página de la línea? La usan su vista y las alertas que la enlazan."""
    return bool(
        permisos.lee_todo(usuario) or estados_visibles(usuario).filter(linea=linea).exists()
        or usuario.has_perm("seguimiento.reportar_avance", linea)
    )


def estados_visibles(usuario) -> QuerySet[EstadoLinea]:
    """Líneas que ve el usuario: todas (DNP, auditor); las de los planes de su entidad oferente y las que
    tiene a cargo como oferente responsable; las que focalizan su entidad territorial. Solo se agregan las condiciones de los roles que tiene (una
    condición sencilla deja al planificador estimar bien y usar los índices)."""
    qs = EstadoLinea.objects.all()
    if permisos.lee_todo(usuario):
        return qs
    filtro = Q(pk__in=[])
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        # Las mismas líneas en que puede reportar (rules.reporta_linea): las de su entidad oferente y
        # aquellas de las que es responsable.
        # Las entidades oferentes salen de las membresías ya leídas (permisos.vinculos: son las mismas que
        # entidades_de(usuario, [OFERENTE]), sin alcance departamental): con valores fijos, el OR se
        # resuelve con los índices de entidad y de responsable en vez de recorrer la tabla.
        propias = sorted({v.entidad_id for v in permisos.vinculos(usuario) if v.rol == Rol.OFERENTE})
        filtro |= Q(entidad_id__in=propias) | Q(responsable_id=usuario.pk)
    if permisos.tiene_rol(usuario, *ROLES_ET):
        from agenda.models import LineaPlan

        territorios = permisos.entidades_de(usuario, ROLES_ET).values("pk")
        filtro |= Q(linea_id__in=LineaPlan.territorios.through.objects.filter(entidad_id__in=territorios)
                    .values("lineaplan_id"))
    return qs.filter(filtro)


def avance_consolidado(qs: QuerySet[EstadoLinea], umbrales: calculo.Umbrales | None = None) -> dict:
    umbrales = umbrales or ConfiguracionSeguimiento.obtener().umbrales
    return _completar(qs.aggregate(**_agregados()), umbrales)


ETIQUETAS_DIMENSION = {
    "entidad": gettext_lazy("Entidad oferente"),
    "departamento": gettext_lazy("Departamento"),
    "tema": gettext_lazy("Tema"),
    "asesor": gettext_lazy("Asesor responsable"),
    "plan": gettext_lazy("Plan de trabajo"),
    "agenda": gettext_lazy("Agenda"),
}
# Dimensiones que se agrupan con el ORM (las demás, en _AGRUPACIONES): clave y nombre.
_AGRUPACIONES_ORM = {
    "plan": ("plan_id", "plan__entidad__nombre"),
    "agenda": ("agenda_id", "agenda__nombre"),
}


# Agrupaciones en SQL sobre la foto por línea: primero se suma por clave y después se pegan los nombres
# (la agregación no arrastra textos). Departamentos y temas vienen en arreglos de la misma foto
# (`unnest`), así cada línea cuenta una sola vez por departamento o tema sin unir las tablas de
# muchos a muchos en cada consulta.
_AGRUPACIONES = {
    # dimensión: (clave, FROM adicional, tabla de nombres, llave de esa tabla)
    "entidad": ("e.entidad_id", "", "att_entidad", "id"),
    "asesor": ("e.responsable_id", "", "att_usuario", "id"),
    "departamento": ("d.clave", "CROSS JOIN LATERAL unnest(e.departamentos) AS d(clave)", "att_departamento", "codigo"),
    "tema": ("d.clave", "CROSS JOIN LATERAL unnest(e.temas) AS d(clave)", "att_tema", "id"),
}


def _avance_por_sql(qs: QuerySet[EstadoLinea], dimension: str, umbrales, limite) -> list[dict]:
    return _agrupado(qs, "seguimiento_estadolinea", _AGRUPACIONES[dimension], umbrales, limite)


def _agrupado(qs, tabla_estados: str, agrupacion: tuple, umbrales, limite) -> list[dict]:
    """Avance ponderado y semáforos de las filas de `qs` (una tabla de estados: por línea o por línea × ET)
    agrupados por `agrupacion` (clave, FROM adicional, tabla de nombres, llave), en una consulta."""
    clave, desdoblar, tabla, llave = agrupacion
    if qs.query.where:
        visibles, params = qs.values("pk").query.sql_with_params()
        donde = f"WHERE e.id IN ({visibles}) "
    else:  # sin restricción (DNP, auditor): no hace falta la subconsulta
        donde, params = "", ()
    sql = (
        f"SELECT g.clave, t.nombre, g.suma_pesos, g.suma_avance, g.suma_esperado, g.lineas, g.al_dia, g.en_riesgo, "
        f"g.atrasado FROM (SELECT {clave} AS clave, SUM(e.peso) AS suma_pesos, SUM(e.peso * e.avance) AS suma_avance, "
        f"SUM(e.peso * e.esperado) AS suma_esperado, COUNT(*) AS lineas, "
        f"COUNT(*) FILTER (WHERE e.semaforo = %s) AS al_dia, COUNT(*) FILTER (WHERE e.semaforo = %s) AS en_riesgo, "
        f"COUNT(*) FILTER (WHERE e.semaforo = %s) AS atrasado "
        f"FROM {tabla_estados} e {desdoblar} {donde}GROUP BY 1) g "
        f"JOIN {tabla} t ON t.{llave} = g.clave ORDER BY t.nombre, g.clave"
        + (f" LIMIT {int(limite)}" if limite else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Semaforo.AL_DIA, Semaforo.EN_RIESGO, Semaforo.ATRASADO, *params])
        filas = cursor.fetchall()
    claves = ["clave_id", "nombre", "suma_pesos", "suma_avance", "suma_esperado", "lineas", "al_dia", "en_riesgo", "atrasado"]
    return [_completar(dict(zip(claves, f)), umbrales) for f in filas]


def avance_por(qs: QuerySet[EstadoLinea], dimension: str, umbrales: calculo.Umbrales | None = None,
               limite: int | None = None) -> list[dict]:
    """Avance ponderado y semáforos agrupados por una dimensión (una consulta)."""
    umbrales = umbrales or ConfiguracionSeguimiento.obtener().umbrales
    if dimension in _AGRUPACIONES:
        return _avance_por_sql(qs, dimension, umbrales, limite)
    clave, nombre = _AGRUPACIONES_ORM[dimension]
    filas = (
        qs.filter(**{f"{clave}__isnull": False}).values(clave_id=F(clave), nombre=F(nombre))
        .annotate(**_agregados()).order_by("nombre")
    )
    if limite:
        filas = filas[:limite]
    return [_completar(dict(f), umbrales) for f in filas]


# Tablero nacional (quien lee todo): suma el resumen mantenido por los servicios (seguimiento/resumen.py).
_resumen_nacional = resumen.leer
CLAVE_VERSION = resumen.CLAVE_VERSION
SEGUNDOS_CACHE = 300
invalidar_tablero = resumen.invalidar_tablero


def solo_territorial(usuario) -> bool:
    """¿Ve el tablero como entidad territorial? (funcionario de ET o equipo departamental, sin rol de
    oferente ni lectura total). Su tablero cuenta lo que llega a SUS entidades: las filas línea × ET
    (`EstadoLineaEntidad`) de ellas, no la línea entera con todos los departamentos que focaliza."""
    return (not permisos.lee_todo(usuario) and permisos.tiene_rol(usuario, *ROLES_ET)
            and not permisos.tiene_rol(usuario, Rol.OFERENTE))


def estados_por_entidad_visibles(usuario) -> QuerySet[EstadoLineaEntidad]:
    """Filas línea × ET de las entidades territoriales del usuario."""
    return EstadoLineaEntidad.objects.filter(entidad_id__in=permisos.entidades_de(usuario, ROLES_ET).values("pk"))


# Agrupaciones del tablero territorial sobre la foto línea × ET (la clave ya es de la fila; el tema
# sale de la foto de la línea).
_AGRUPACIONES_ET = {
    "entidad": ("e.oferente_id", "", "att_entidad", "id"),
    "asesor": ("e.responsable_id", "", "att_usuario", "id"),
    "departamento": ("e.departamento_id", "", "att_departamento", "codigo"),
    "tema": ("d.clave", ("JOIN seguimiento_estadolinea el ON el.linea_id = e.linea_id "
                         "CROSS JOIN LATERAL unnest(el.temas) AS d(clave)"), "att_tema", "id"),
}


def _avance_por_et(qs: QuerySet[EstadoLineaEntidad], dimension: str, umbrales, limite=None) -> list[dict]:
    return _agrupado(qs, "seguimiento_estadolineaentidad", _AGRUPACIONES_ET[dimension], umbrales, limite)


def _consolidados(usuario, agenda_id, entidad_id, umbrales) -> dict:
    from demanda.selectors import serie_mensual as serie_demandas

    indicadores = indicadores_con_avance_de(indicadores_visibles(usuario), anio=timezone.localdate().year, limite=12)
    # Series de los gráficos de tendencia: en la misma caché que los consolidados (una consulta cada una).
    avances = Avance.objects.all() if permisos.lee_todo(usuario) else avances_visibles(usuario)
    if agenda_id or entidad_id:
        lineas = EstadoLinea.objects.filter(**({"agenda_id": agenda_id} if agenda_id else {}),
                                            **({"entidad_id": entidad_id} if entidad_id else {}))
        avances = avances.filter(hito__linea_id__in=lineas.values("linea_id"))
    series = {"serie_avance": serie_avance_mensual_de(avances), "serie_demandas": serie_demandas(usuario)}
    if permisos.lee_todo(usuario):
        return {
            **series,
            "total": _resumen_nacional(None, agenda_id, entidad_id, umbrales),
            **{f"por_{d}": _resumen_nacional(d, agenda_id, entidad_id, umbrales, limite=200 if d == "asesor" else None)
               for d in ("entidad", "departamento", "tema", "asesor")},
            "indicadores": indicadores,
        }
    if solo_territorial(usuario):
        qs_et = estados_por_entidad_visibles(usuario)
        if agenda_id:
            qs_et = qs_et.filter(agenda_id=agenda_id)
        return {
            **series,
            "total": _completar(qs_et.aggregate(**_agregados()), umbrales),
            **{f"por_{d}": _avance_por_et(qs_et, d, umbrales, limite=200 if d == "asesor" else None)
               for d in ("entidad", "departamento", "tema", "asesor")},
            "indicadores": indicadores,
        }
    qs = estados_visibles(usuario)
    if agenda_id:
        qs = qs.filter(agenda_id=agenda_id)
    if entidad_id:
        qs = qs.filter(entidad_id=entidad_id)
    return {
        **series,
        "total": avance_consolidado(qs, umbrales),
        "por_entidad": avance_por(qs, "entidad", umbrales),
        "por_departamento": avance_por(qs, "departamento", umbrales),
        "por_tema": avance_por(qs, "tema", umbrales),
        "por_asesor": avance_por(qs, "asesor", umbrales, limite=200),
        "indicadores": indicadores,
    }


def tablero(usuario, *, agenda_id: int | None = None, entidad_id: int | None = None) -> dict:
    """Consolidados por dimensión (guardados en caché hasta que cambie un estado de línea, máx. 5 min),
    más la percepción y los avances por validar (siempre al momento)."""
    conf = ConfiguracionSeguimiento.obtener()
    umbrales = conf.umbrales
    version = cache.get_or_set(CLAVE_VERSION, 1, None)
    alcance = "todo" if permisos.lee_todo(usuario) else f"u{usuario.pk}"
    clave = f"seguimiento:tablero:{version}:{alcance}:{agenda_id or 0}:{entidad_id or 0}:{umbrales.riesgo}:{umbrales.atraso}"
    consolidados = cache.get(clave)
    if consolidados is None:
        consolidados = _consolidados(usuario, agenda_id, entidad_id, umbrales)
        cache.set(clave, consolidados, SEGUNDOS_CACHE)
    return {
        **consolidados,
        "regla": REGLA_CONSOLIDACION,
        "regla_semaforo": regla_semaforo(conf),
        **_percepcion_y_pendientes(usuario),
    }


def _percepcion_y_pendientes(usuario) -> dict:
    """La percepción y los avances por validar del tablero. Para quien lee todo (el DNP) son las cifras
    nacionales: de la caché por área (`att.cifras`), que se recalculan cuando cambia una calificación o el
    umbral («percepcion») o un avance («avances»), no en cada visita (agregados sobre todas las
    calificaciones y un COUNT sobre todos los avances). Para los demás, acotadas a lo suyo (pocas filas),
    al momento."""
    if not permisos.lee_todo(usuario):
        return {"percepcion": resumen_percepcion(usuario), "pendientes": avances_pendientes(usuario).count()}
    from att import cifras

    percepcion, pendientes = cifras.leer_varias([
        cifras.Cifra("seguimiento:percepcion", ("percepcion",), lambda: resumen_percepcion(usuario), parte="todo"),
        cifras.Cifra("seguimiento:pendientes", ("avances",), lambda: avances_pendientes(usuario).count(), parte="todo"),
    ])
    return {"percepcion": percepcion, "pendientes": pendientes}


# --- Avance por entidad territorial (línea × ET) -------------------------------------------------
def estados_de_linea_por_entidad(linea) -> list:
    """Avance, semáforo, hitos vencidos y último reporte de la línea en cada una de sus entidades."""
    return list(EstadoLineaEntidad.objects.filter(linea=linea).select_related("entidad__departamento")
                .order_by("entidad__nombre", "entidad_id"))


# --- Hitos y avances -----------------------------------------------------------------------------
def hitos_de_linea(linea) -> list[Hito]:
    return list(Hito.objects.filter(linea=linea).prefetch_related("avances__evidencias", "avances__registrado_por")
                .order_by("padre_id", "fecha_planeada", "pk"))


def avances_visibles(usuario) -> QuerySet[Avance]:
    qs = Avance.objects.select_related("hito__linea__plan__entidad", "registrado_por")
    if permisos.lee_todo(usuario):
        return qs
    return qs.filter(hito__linea__in=estados_visibles(usuario).values("linea_id"))


def avances_pendientes(usuario) -> QuerySet[Avance]:
    return avances_visibles(usuario).filter(estado=EstadoAvance.REPORTADO).order_by("registrado_en")


# --- Percepción ----------------------------------------------------------------------------------
def percepciones_visibles(usuario) -> QuerySet[Percepcion]:
    qs = Percepcion.objects.select_related("entidad", "oferente")
    if permisos.lee_todo(usuario):
        return qs
    filtro = Q(pk__in=[])
    if permisos.tiene_rol(usuario, *ROLES_ET):
        filtro |= Q(entidad__in=permisos.entidades_de(usuario, ROLES_ET).values("pk"))
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        filtro |= Q(oferente__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk"))
    return qs.filter(filtro)


def con_consentimiento(campo: str = "pk") -> Exists:
    """Condición «la entidad tiene consentimiento de percepción vigente» (para filtrar entidades)."""
    return Exists(ConsentimientoPercepcion.objects.filter(entidad_id=OuterRef(campo), revocado_en__isnull=True))


@dataclass(frozen=True)
class Asistencia:
    """Una asistencia que una ET recibió: línea que la alcanzó, asesoría o evento al que asistió."""

    tipo: str  # "linea", "asesoria" o "evento"
    registro: object
    oferente: Entidad
    fecha: date

    @property
    def clave(self) -> str:
        return f"{self.tipo}-{self.registro.pk}"

    @property
    def linea(self):
        return self.registro if self.tipo == "linea" else None

    @property
    def asesoria(self):
        return self.registro if self.tipo == "asesoria" else None

    @property
    def evento(self):
        return self.registro if self.tipo == "evento" else None

    @property
    def etiqueta(self) -> str:
        if self.tipo == "linea":
            texto = _("Línea «%(n)s»") % {"n": self.registro.oferta.nombre[:80]}
        elif self.tipo == "asesoria":
            texto = _("Asesoría")
        else:
            texto = _("Evento «%(n)s»") % {"n": self.registro.nombre[:80]}
        return _("%(t)s de %(o)s (%(f)s)") % {"t": texto, "o": self.oferente, "f": self.fecha.isoformat()}


def asistencias_recibidas(entidad, *, hasta: date, desde: date | None = None, oferente=None, tipo: str | None = None,
                          registro_id: int | None = None, limite: int = 100) -> list[Asistencia]:
    """Lo que la entidad recibió de verdad hasta `hasta` (y desde `desde`), de lo más reciente a lo más antiguo:
    líneas que la alcanzaron (`EstadoLineaEntidad` con un avance reportado que la cubre, `Avance.entidades`),
    sus asesorías y los eventos a los que asistió. A lo sumo tres consultas, `limite` de cada tipo."""
    resultado: list[Asistencia] = []
    if tipo in (None, "linea"):
        qs = EstadoLineaEntidad.objects.filter(entidad=entidad, ultimo_reporte__isnull=False, ultimo_reporte__lte=hasta)
        if desde:
            qs = qs.filter(ultimo_reporte__gte=desde)
        if oferente is not None:
            qs = qs.filter(oferente=oferente)
        if registro_id is not None:
            qs = qs.filter(linea_id=registro_id)
        for e in qs.select_related("oferente", "linea__oferta").order_by("-ultimo_reporte", "-linea_id")[:limite]:
            resultado.append(Asistencia("linea", e.linea, e.oferente, e.ultimo_reporte))
    for nombre, modelo, filtro in (("asesoria", Asesoria, {"entidad": entidad}),
                                   ("evento", EventoMasivo, {"entidades": entidad})):
        if tipo not in (None, nombre):
            continue
        qs = modelo.objects.filter(fecha__lte=hasta, **filtro)
        if desde:
            qs = qs.filter(fecha__gte=desde)
        if oferente is not None:
            qs = qs.filter(oferente=oferente)
        if registro_id is not None:
            qs = qs.filter(pk=registro_id)
        resultado += [Asistencia(nombre, r, r.oferente, r.fecha)
                      for r in qs.select_related("oferente").order_by("-fecha", "-pk")[:limite]]
    resultado.sort(key=lambda a: a.fecha, reverse=True)
    return resultado


def resumen_percepcion(usuario, desde: date | None = None, hasta: date | None = None) -> dict:
    return resumen_percepcion_de(percepciones_visibles(usuario), desde, hasta)


def resumen_percepcion_de(qs: QuerySet[Percepcion], desde: date | None = None, hasta: date | None = None) -> dict:
    umbral = ConfiguracionSeguimiento.obtener().umbral_percepcion
    if desde:
        qs = qs.filter(fecha__gte=desde)
    if hasta:
        qs = qs.filter(fecha__lt=hasta)
    # Insatisfecha: promedio de las tres calificaciones < umbral, es decir, su suma < 3 × umbral.
    total = qs.alias(suma=ExpressionWrapper(
        F("calidad") + F("pertinencia") + F("oportunidad"), output_field=DecimalField(max_digits=5, decimal_places=2)
    )).aggregate(
        n=Count("pk"), calidad=Avg("calidad"), pertinencia=Avg("pertinencia"), oportunidad=Avg("oportunidad"),
        insatisfechas=Count("pk", filter=Q(suma__lt=umbral * 3)),
    )
    # Por mes, solo los doce meses que terminan en `hasta` (o en el mes actual): no se agrupa toda la historia.
    fin = hasta or timezone.localdate()
    meses = fin.year * 12 + fin.month - 1 - (11 if not hasta or hasta.day != 1 else 12)
    inicio_12 = date(meses // 12, meses % 12 + 1, 1)
    por_mes = list(
        qs.filter(fecha__gte=inicio_12).annotate(mes=TruncMonth("fecha")).values("mes").annotate(
            n=Count("pk"), calidad=Avg("calidad"), pertinencia=Avg("pertinencia"), oportunidad=Avg("oportunidad"),
        ).order_by("mes")
    )
    for f in por_mes:
        f["promedio"] = (f["calidad"] + f["pertinencia"] + f["oportunidad"]) / 3
    total["pct_insatisfechas"] = (100 * total["insatisfechas"] / total["n"]) if total["n"] else None
    total["umbral"] = umbral
    total["por_mes"] = por_mes[-12:]
    return total


# --- Series mensuales (gráficos de tendencia; el informe mensual puede usar las mismas) -----------------
def serie_avance_mensual_de(qs: QuerySet[Avance], *, hasta: date | None = None, n: int = 12) -> dict:
    """Avance medio (%) de los hitos en los avances validados con fecha de corte en cada uno de los últimos
    `n` meses (hasta el mes de `hasta`) y cuántos avances hubo; meses sin avances: 0 avances y promedio None
    (un promedio de cero sería falso). Una consulta agregada."""
    from att.graficos import mes_siguiente, meses_recientes, rellenar

    meses = meses_recientes(n, hasta)
    filas = list(
        qs.filter(estado=EstadoAvance.VALIDADO, fecha_corte__gte=meses[0], fecha_corte__lt=mes_siguiente(meses[-1]))
        .annotate(mes=TruncMonth("fecha_corte")).order_by().values("mes")
        .annotate(promedio=Avg("porcentaje"), n=Count("pk"))
    )
    return {
        "meses": meses,
        "avance": rellenar(meses, {f["mes"]: calculo.redondear(f["promedio"]) for f in filas}, relleno=None),
        "avances": rellenar(meses, {f["mes"]: f["n"] for f in filas}),
    }


def serie_avance_mensual(usuario, *, hasta: date | None = None, n: int = 12) -> dict:
    qs = Avance.objects.all() if permisos.lee_todo(usuario) else avances_visibles(usuario)
    return serie_avance_mensual_de(qs, hasta=hasta, n=n)


def serie_percepcion_mensual(resumen: dict, *, hasta: date | None = None, n: int = 12) -> dict:
    """Promedio de las tres calificaciones (1 a 5) y número de calificaciones por mes, desde el `por_mes` de
    `resumen_percepcion` (sin otra consulta); meses sin calificaciones: 0 y promedio None.

    `hasta` es un día del último mes que se muestra (como en las otras series); `resumen_percepcion_de` toma
    `hasta` como fin exclusivo: para el informe de octubre, resumen con hasta=1.º de noviembre y serie con
    hasta=1.º de octubre."""
    from att.graficos import meses_recientes, rellenar

    meses = meses_recientes(n, hasta)
    return {
        "meses": meses,
        "promedio": rellenar(meses, {f["mes"]: calculo.redondear(f["promedio"], 2) for f in resumen["por_mes"]},
                             relleno=None),
        "calificaciones": rellenar(meses, {f["mes"]: f["n"] for f in resumen["por_mes"]}),
    }


# --- Resultados en capacidades (MDM) --------------------------------------------------------------
def comparacion_mdm(anio_inicial: int, anio_final: int) -> list[dict]:
    """Cambio medio del puntaje MDM de municipios asistidos y no asistidos, por grupo MDM.

    Asistido: su alcaldía fue focalizada en una línea, recibió una asesoría o participó en un evento.
    """
    asistidos = set(
        entidades_asesoradas().filter(tipo=TipoEntidad.ALCALDIA).values_list("municipio_id", flat=True)
    )
    puntajes: dict[str, dict[int, Decimal]] = {}
    grupos: dict[str, str] = {}
    for codigo, anio, puntaje, grupo, grupo_mpio in PuntajeMDM.objects.filter(
        anio__in=[anio_inicial, anio_final]
    ).values_list("municipio_id", "anio", "puntaje", "grupo", "municipio__grupo_mdm"):
        puntajes.setdefault(codigo, {})[anio] = puntaje
        if anio == anio_inicial or codigo not in grupos:
            grupos[codigo] = grupo or grupo_mpio
    filas = {}
    for codigo, por_anio in puntajes.items():
        if anio_inicial not in por_anio or anio_final not in por_anio or not grupos.get(codigo):
            continue
        fila = filas.setdefault(grupos[codigo], {"asistidos": [], "no_asistidos": []})
        fila["asistidos" if codigo in asistidos else "no_asistidos"].append(por_anio[anio_final] - por_anio[anio_inicial])
    resultado = []
    for grupo in GrupoMDM.values:
        if grupo not in filas:
            continue
        a, n = filas[grupo]["asistidos"], filas[grupo]["no_asistidos"]
        media_a = sum(a) / len(a) if a else None
        media_n = sum(n) / len(n) if n else None
        resultado.append({
            "grupo": grupo, "grupo_nombre": GrupoMDM(grupo).label, "n_asistidos": len(a), "n_no_asistidos": len(n),
            "cambio_asistidos": calculo.redondear(media_a, 2), "cambio_no_asistidos": calculo.redondear(media_n, 2),
            "diferencia": calculo.redondear(media_a - media_n, 2) if a and n else None,
        })
    return resultado


def entidades_asesoradas() -> QuerySet[Entidad]:
    """Entidades territoriales que reciben asistencia: focalizadas en líneas, asesorías o eventos."""
    from agenda.models import LineaPlan

    return Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True).filter(
        Q(pk__in=LineaPlan.territorios.through.objects.values("entidad_id"))
        | Q(pk__in=Asesoria.objects.values("entidad_id"))
        | Q(pk__in=EventoMasivo.entidades.through.objects.values("entidad_id"))
    )


# --- Informes ------------------------------------------------------------------------------------
def informes_visibles(usuario) -> QuerySet[InformeMensual]:
    qs = InformeMensual.objects.all()
    if permisos.lee_todo(usuario):
        return qs
    # Todas sus entidades (un equipo departamental tiene más de cien): un recorte dejaba fuera informes suyos.
    alcances = [f"entidad-{pk}" for pk in permisos.entidades_de(usuario).values_list("pk", flat=True)]
    return qs.filter(alcance__in=alcances)


def resumen_inicio() -> list[dict]:
    """Cifras públicas para la portada."""
    return [{"etiqueta": _("Hitos cumplidos"), "valor": Hito.objects.filter(avance__gte=100).count(),
             "url": "/seguimiento/"}]


def mapa_inicio():
    """Mapa público de la portada: demanda y oferta por departamento (`seguimiento.mapas`)."""
    from seguimiento.mapas import filas_html, mapa_portada

    mapa = mapa_portada()
    mapa.filas_html = filas_html(mapa, enlaces=False)
    return mapa


# --- Cierre de periodos ----------------------------------------------------------------------------
def periodos_para_cierre(hoy: date | None = None, meses: int = 24) -> list[dict]:
    """Los últimos `meses` meses (el en curso primero) con su cierre, los avances aún por revisar con
    corte en ellos y el informe mensual nacional: tres consultas, sin importar cuántos meses."""
    actual = (hoy or timezone.localdate()).replace(day=1)
    lista = [actual]
    while len(lista) < meses:
        lista.append((lista[-1] - timedelta(days=1)).replace(day=1))
    desde = lista[-1]
    cierres = {c.periodo: c for c in CierrePeriodo.objects.filter(periodo__gte=desde).select_related("cerrado_por")}
    pendientes = dict(
        Avance.objects.filter(estado=EstadoAvance.REPORTADO, fecha_corte__gte=desde)
        .annotate(mes=TruncMonth("fecha_corte")).values("mes").annotate(n=Count("id")).values_list("mes", "n")
    )
    informes = {i.periodo: i for i in InformeMensual.objects.filter(
        tipo="mensual", alcance="nacional", periodo__gte=desde).only("periodo", "estado", "version", "generado_en")}
    return [{"periodo": m, "cierre": cierres.get(m), "pendientes": pendientes.get(m, 0), "informe": informes.get(m),
             "en_curso": m >= actual} for m in lista]


# --- Atención prioritaria y desgloses de la percepción (#12) -----------------------------------------
MESES_ATENCION = 12


def _promedio_expr():
    return ExpressionWrapper((F("calidad") + F("pertinencia") + F("oportunidad")) / Decimal(3),
                             output_field=DecimalField(max_digits=6, decimal_places=4))


def atencion_prioritaria(usuario, *, hoy: date | None = None) -> list[dict]:
    """ETs que piden atención: su promedio de percepción de los últimos doce meses cae bajo el umbral, o
    están en la última muestra mensual y no tuvieron seguimiento (ninguna calificación desde el sorteo).

    Acotada como `percepciones_visibles`; la parte de la muestra la ven quienes leen todo y la ET (o su
    equipo departamental) por las suyas. Cuatro consultas, sin importar cuántas calificaciones haya. Cada fila:
    entidad, motivos, n, promedio, última calificación."""
    hoy = hoy or timezone.localdate()
    umbral = ConfiguracionSeguimiento.obtener().umbral_percepcion
    desde = hoy - timedelta(days=365 * MESES_ATENCION // 12)
    qs = percepciones_visibles(usuario).filter(fecha__gte=desde, fecha__lte=hoy)
    filas: dict[int, dict] = {}
    for f in (qs.order_by().values("entidad_id")
              .annotate(n=Count("pk"), promedio=Avg(_promedio_expr()), ultima=Max("fecha"))
              .filter(promedio__lt=umbral)):
        filas[f["entidad_id"]] = {"n": f["n"], "promedio": calculo.redondear(f["promedio"], 2),
                                  "ultima": f["ultima"], "motivos": [_("calificación bajo el umbral")]}
    muestra = MuestraPercepcion.objects.filter(periodo__lte=hoy).order_by("-periodo").first()
    if muestra is not None:
        alcance = Entidad.objects.all() if permisos.lee_todo(usuario) else permisos.entidades_de(usuario, ROLES_ET)
        calificadas = Percepcion.objects.filter(entidad_id=OuterRef("pk"), fecha__gte=muestra.periodo)
        for pk in (alcance.filter(muestras_percepcion=muestra).filter(~Exists(calificadas))
                   .values_list("pk", flat=True)):
            fila = filas.setdefault(pk, {"n": 0, "promedio": None, "ultima": None, "motivos": []})
            fila["motivos"].append(_("sin seguimiento en la muestra de %(m)s") % {"m": muestra.periodo.strftime("%Y-%m")})
    entidades = Entidad.objects.select_related("departamento").in_bulk(list(filas))
    resultado = [{"entidad": entidades[pk], **f} for pk, f in filas.items() if pk in entidades]
    resultado.sort(key=lambda f: (f["promedio"] is None, f["promedio"] or 0, f["entidad"].nombre))
    return resultado


def _fila_desglose(clave, etiqueta, n, calidad, pertinencia, oportunidad, insatisfechas) -> dict:
    promedio = (calidad + pertinencia + oportunidad) / 3 / n if n else None
    return {"clave": clave, "etiqueta": etiqueta, "n": n,
            "calidad": calculo.redondear(Decimal(calidad) / n, 2) if n else None,
            "pertinencia": calculo.redondear(Decimal(pertinencia) / n, 2) if n else None,
            "oportunidad": calculo.redondear(Decimal(oportunidad) / n, 2) if n else None,
            "promedio": calculo.redondear(Decimal(promedio), 2) if promedio is not None else None,
            "insatisfechas": insatisfechas}


def _sumas(qs, campo: str, umbral) -> list[dict]:
    """Sumas de las tres calificaciones, conteo e insatisfechas agrupadas por `campo` (una consulta)."""
    return list(qs.order_by().alias(suma_total=F("calidad") + F("pertinencia") + F("oportunidad"))
                .values(clave=F(campo)).annotate(
                    n=Count("pk"), calidad=Sum("calidad"), pertinencia=Sum("pertinencia"),
                    oportunidad=Sum("oportunidad"), insatisfechas=Count("pk", filter=Q(suma_total__lt=umbral * 3)),
                ).filter(clave__isnull=False))


def percepcion_por_region(usuario, *, desde: date | None = None, hasta: date | None = None) -> list[dict]:
    """Calificaciones por región de la ET calificadora (una consulta): n, promedios e insatisfechas."""
    from att.models import Region

    umbral = ConfiguracionSeguimiento.obtener().umbral_percepcion
    qs = _acotar_fechas(percepciones_visibles(usuario), desde, hasta)
    etiquetas = dict(Region.choices)
    filas = [_fila_desglose(f["clave"], str(etiquetas.get(f["clave"], f["clave"])), f["n"], f["calidad"],
                            f["pertinencia"], f["oportunidad"], f["insatisfechas"])
             for f in _sumas(qs, "entidad__departamento__region", umbral) if f["clave"]]
    return sorted(filas, key=lambda f: f["etiqueta"])


def percepcion_por_tema(usuario, *, desde: date | None = None, hasta: date | None = None) -> list[dict]:
    """Calificaciones por tema de la asistencia calificada (los de la línea, la asesoría o el evento; una
    calificación de una asistencia con dos temas cuenta en ambos). Cuatro consultas."""
    from att.models import Tema

    umbral = ConfiguracionSeguimiento.obtener().umbral_percepcion
    qs = _acotar_fechas(percepciones_visibles(usuario), desde, hasta)
    sumas: dict[int, list] = {}
    for campo in ("linea__temas", "asesoria__temas", "evento__temas"):
        for f in _sumas(qs, campo, umbral):
            s = sumas.setdefault(f["clave"], [0, 0, 0, 0, 0])
            for i, k in enumerate(("n", "calidad", "pertinencia", "oportunidad", "insatisfechas")):
                s[i] += f[k]
    nombres = dict(Tema.objects.filter(pk__in=list(sumas)).values_list("pk", "nombre"))
    filas = [_fila_desglose(pk, nombres.get(pk, str(pk)), *s) for pk, s in sumas.items()]
    return sorted(filas, key=lambda f: f["etiqueta"])


def _acotar_fechas(qs, desde, hasta):
    if desde:
        qs = qs.filter(fecha__gte=desde)
    if hasta:
        qs = qs.filter(fecha__lte=hasta)
    return qs


# --- Consentimiento -----------------------------------------------------------------------------------
def consentimientos_visibles(usuario) -> QuerySet[Entidad]:
    """Entidades territoriales con su consentimiento (o ninguno) que el usuario puede ver: todas para quien lee
    todo; las suyas para la ET y su equipo departamental."""
    qs = Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
    if not permisos.lee_todo(usuario):
        qs = qs.filter(pk__in=permisos.entidades_de(usuario, ROLES_ET).values("pk"))
    return qs.select_related("departamento", "consentimiento_percepcion__otorgado_por",
                             "consentimiento_percepcion__revocado_por").order_by("nombre", "pk")


# --- Costo por ET asistida y por punto de capacidad (#12) ---------------------------------------------
def _ganancia(entidades: set[int]) -> dict[int, Decimal]:
    """Puntos de capacidad ganados por ET (`att.selectors.ganancia_capacidad`, del diagnóstico y su línea base)."""
    from att.selectors import ganancia_capacidad

    return ganancia_capacidad(list(entidades)) if entidades else {}


def costo_asistencia(usuario, *, por: str = "oferente") -> list[dict]:
    """Costo por ET asistida y por punto de capacidad ganado, por entidad oferente (`por="oferente"`) o por
    tema (`por="tema"`), sobre las líneas que el usuario ve.

    - Inversión: Σ `LineaPlan.inversion` de las líneas del grupo (una línea con dos temas suma entera en cada
      tema).
    - ETs asistidas: entidades distintas a las que llegó de verdad alguna línea del grupo (`EstadoLineaEntidad`
      con un avance reportado que las cubre).
    - Costo por ET asistida = inversión ÷ ETs asistidas.
    - Puntos ganados = Σ de la ganancia de capacidad (último diagnóstico menos línea base) de esas ETs; costo
      por punto = inversión ÷ puntos (vacío si no hay puntos ganados).
    Tres consultas más las del diagnóstico, sin importar cuántas líneas haya."""
    from agenda.models import LineaPlan
    from att.models import Tema

    lineas = estados_visibles(usuario).values("linea_id")
    campo = "plan__entidad_id" if por == "oferente" else "temas"
    inversion = dict(LineaPlan.objects.filter(pk__in=lineas).order_by().values(clave=F(campo))
                     .annotate(total=Sum("inversion")).filter(clave__isnull=False).values_list("clave", "total"))
    campo_et = "oferente_id" if por == "oferente" else "linea__temas"
    asistidas: dict[int, set[int]] = {}
    for clave, entidad_id in (EstadoLineaEntidad.objects.filter(linea_id__in=lineas, ultimo_reporte__isnull=False)
                              .order_by().values_list(campo_et, "entidad_id").distinct()):
        if clave is not None:
            asistidas.setdefault(clave, set()).add(entidad_id)
    ganancia = _ganancia(set().union(*asistidas.values()) if asistidas else set())
    if por == "oferente":
        nombres = dict(Entidad.objects.filter(pk__in=list(inversion)).values_list("pk", "nombre"))
    else:
        nombres = dict(Tema.objects.filter(pk__in=list(inversion)).values_list("pk", "nombre"))
    filas = []
    for clave, total in inversion.items():
        ets = asistidas.get(clave, set())
        puntos = sum((ganancia.get(e, Decimal(0)) for e in ets), Decimal(0)) if ganancia else None
        filas.append({
            "clave": clave, "etiqueta": nombres.get(clave, str(clave)), "inversion": total, "ets": len(ets),
            "costo_et": calculo.redondear(Decimal(total) / len(ets), 0) if ets else None,
            "puntos": puntos,
            "costo_punto": calculo.redondear(Decimal(total) / puntos, 0) if puntos and puntos > 0 else None,
        })
    return sorted(filas, key=lambda f: f["etiqueta"])


# --- Evaluaciones de las líneas ------------------------------------------------------------------------
def evaluaciones_visibles(usuario) -> QuerySet[EvaluacionLinea]:
    return (EvaluacionLinea.objects.filter(linea_id__in=estados_visibles(usuario).values("linea_id"))
            .select_related("linea__oferta", "linea__plan__entidad", "registrada_por").order_by("-fecha", "-pk"))
