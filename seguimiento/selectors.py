"""Lecturas del seguimiento, acotadas a quien pregunta (`att.permisos`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
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
    EstadoAvance,
    EstadoLinea,
    EstadoLineaEntidad,
    EventoMasivo,
    Hito,
    InformeMensual,
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
    clave, desdoblar, tabla, llave = _AGRUPACIONES[dimension]
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
        f"FROM seguimiento_estadolinea e {desdoblar} {donde}GROUP BY 1) g "
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
        "percepcion": resumen_percepcion(usuario),
        "pendientes": avances_pendientes(usuario).count(),
    }


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
