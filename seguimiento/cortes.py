"""Los seis cortes del seguimiento al estilo SETA sobre las mismas fotos por (línea × entidad territorial).

«Estos hitos permiten medir el avance por entidad, por dependencia, por producto, por zona, por estrategia
y por asesor» (semilla 001 §6). Cada corte agrupa `EstadoLineaEntidad` por una llave y da, por grupo:
avance ponderado Σ(peso de la línea × avance en la entidad) ÷ Σ pesos, esperado, semáforo, conteo de
semáforos (de los pares línea × entidad), hitos vencidos, último reporte, líneas y entidades.

Dos consultas por corte (la agregación por llave entera y los nombres de las llaves), más el total: el
número de consultas no crece con los datos. Visibilidad según `att.permisos`: el DNP y el auditor ven
todo; el oferente, las líneas de su entidad y las que tiene a cargo; la entidad territorial, lo suyo; el
equipo departamental, las entidades de su departamento.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from att import permisos
from att.models import Region, Rol
from seguimiento import calculo, resumen
from seguimiento.models import ConfiguracionSeguimiento, EstadoLineaEntidad, Semaforo
from seguimiento.rules import ROLES_ET


@dataclass(frozen=True)
class Corte:
    clave: str
    titulo: str
    etiqueta: str
    campo: str


CORTES = {
    "entidad": Corte("entidad", _("Avance por entidad territorial"), _("Entidad territorial"), "entidad_id"),
    "dependencia": Corte("dependencia", _("Avance por dependencia"), _("Dependencia"), "dependencia_id"),
    "producto": Corte("producto", _("Avance por producto (oferta)"), _("Producto"), "oferta_id"),
    "zona": Corte("zona", _("Avance por zona"), _("Departamento"), "departamento_id"),
    "estrategia": Corte("estrategia", _("Avance por estrategia (objetivo de la agenda)"), _("Objetivo de la agenda"),
                        "objetivo_id"),
    "asesor": Corte("asesor", _("Avance por asesor"), _("Asesor responsable"), "responsable_id"),
}
REGION = Corte("zona", _("Avance por zona"), _("Región"), "region")

_PRODUCTO = ExpressionWrapper(F("peso") * F("avance"), output_field=DecimalField(max_digits=14, decimal_places=4))
_PRODUCTO_ESP = ExpressionWrapper(F("peso") * F("esperado"), output_field=DecimalField(max_digits=14, decimal_places=4))
AGREGADOS = {
    "suma_pesos": Sum("peso"), "suma_avance": Sum(_PRODUCTO), "suma_esperado": Sum(_PRODUCTO_ESP),
    "seguimientos": Count("pk"), "lineas": Count("linea_id", distinct=True),
    "entidades": Count("entidad_id", distinct=True),
    "al_dia": Count("pk", filter=Q(semaforo=Semaforo.AL_DIA)),
    "en_riesgo": Count("pk", filter=Q(semaforo=Semaforo.EN_RIESGO)),
    "atrasado": Count("pk", filter=Q(semaforo=Semaforo.ATRASADO)),
    "hitos_vencidos": Sum("hitos_vencidos"), "ultimo_reporte": Max("ultimo_reporte"),
}


def visibles(usuario) -> QuerySet[EstadoLineaEntidad]:
    """Pares (línea × entidad) que ve el usuario (ver el docstring del módulo)."""
    qs = EstadoLineaEntidad.objects.all()
    if permisos.lee_todo(usuario):
        return qs
    filtro = Q(pk__in=[])
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        propias = sorted({v.entidad_id for v in permisos.vinculos(usuario) if v.rol == Rol.OFERENTE})
        filtro |= Q(oferente_id__in=propias) | Q(responsable_id=usuario.pk)
    if permisos.tiene_rol(usuario, *ROLES_ET):
        filtro |= Q(entidad_id__in=permisos.entidades_de(usuario, ROLES_ET).values("pk"))
    return qs.filter(filtro)


def _entero(valor):
    try:
        return int(valor)
    except (TypeError, ValueError):
        return None


def filtros_de(consulta, usuario) -> dict:
    """Filtros de un corte desde la consulta GET (los mismos en la página, la descarga y la API)."""
    return {
        "agenda_id": _entero(consulta.get("agenda")),
        "oferente_id": _entero(consulta.get("oferente")) if permisos.lee_todo(usuario) else None,
        "departamento": (consulta.get("departamento") or "")[:2] or None,
        "region": (consulta.get("region") or "")[:20] or None,
        "semaforo": consulta.get("semaforo") or None,
        "nivel": "region" if consulta.get("nivel") == "region" else "",
    }


def filtrar(qs, *, agenda_id=None, oferente_id=None, departamento=None, region=None, semaforo=None):
    if agenda_id:
        qs = qs.filter(agenda_id=agenda_id)
    if oferente_id:
        qs = qs.filter(oferente_id=oferente_id)
    if departamento:
        qs = qs.filter(departamento_id=departamento)
    if region:
        qs = qs.filter(region=region)
    if semaforo in Semaforo.values:
        qs = qs.filter(semaforo=semaforo)
    return qs


def _completar(fila: dict, umbrales) -> dict:
    fila["hitos_vencidos"] = fila.get("hitos_vencidos") or 0
    return calculo.completar(fila, umbrales)


def _nombres(corte: Corte, claves: list) -> dict:
    """Nombre de cada llave del corte (una consulta; la región sale de sus opciones)."""
    from agenda.models import ObjetivoAgenda
    from att.models import Departamento, Dependencia, Entidad, Usuario
    from oferta.models import Oferta

    claves = [c for c in claves if c not in (None, "")]
    if corte.campo == "region":
        return {c: str(Region(c).label) if c in Region.values else c for c in claves}
    if not claves:
        return {}
    if corte.clave == "entidad":
        return dict(Entidad.objects.filter(pk__in=claves).values_list("pk", "nombre"))
    if corte.clave == "dependencia":
        return {pk: f"{d} · {e}" for pk, d, e in Dependencia.objects.filter(pk__in=claves)
                .values_list("pk", "nombre", "entidad__nombre")}
    if corte.clave == "producto":
        return {pk: f"{n} · {e}" for pk, n, e in Oferta.objects.filter(pk__in=claves)
                .values_list("pk", "nombre", "entidad__nombre")}
    if corte.clave == "zona":
        return dict(Departamento.objects.filter(pk__in=claves).values_list("pk", "nombre"))
    if corte.clave == "estrategia":
        return {pk: (f"{d}: {e[:120]}" if d else e[:120]) for pk, e, d in ObjetivoAgenda.objects.filter(pk__in=claves)
                .values_list("pk", "enunciado", "descriptor__nombre")}
    return dict(Usuario.objects.filter(pk__in=claves).values_list("pk", "nombre"))


SIN_DATO = _("(sin asignar)")


def corte(usuario, dimension: str, *, nivel: str = "", umbrales=None, **filtros) -> dict:
    """Filas del corte (ordenadas por nombre) y el total, para quien pregunta, con los filtros dados.

    Como el tablero, se guarda en caché con la versión del tablero (`resumen.invalidar_tablero`: cambia
    con cada línea recalculada o cambio de umbrales) hasta cinco minutos: agrupar los 200.000 pares de
    todo el país toma más de un segundo a escala 1000."""
    umbrales = umbrales or ConfiguracionSeguimiento.obtener().umbrales
    version = cache.get_or_set(resumen.CLAVE_VERSION, 1, None)
    alcance = "todo" if permisos.lee_todo(usuario) else f"u{usuario.pk}"
    llave = ":".join(str(v) for v in (
        "seguimiento:corte", version, alcance, dimension, nivel, *(filtros.get(k) or "" for k in sorted(filtros)),
        umbrales.riesgo, umbrales.atraso))
    guardado = cache.get(llave)
    if guardado is None:
        datos = corte_de(filtrar(visibles(usuario), **filtros), dimension, nivel=nivel, umbrales=umbrales)
        guardado = {"filas": datos["filas"], "total": datos["total"]}
        cache.set(llave, guardado, SEGUNDOS_CACHE)
    return {"corte": REGION if dimension == "zona" and nivel == "region" else CORTES[dimension], **guardado}


SEGUNDOS_CACHE = 300


def corte_de(qs: QuerySet[EstadoLineaEntidad], dimension: str, *, nivel: str = "", umbrales=None,
             con_total: bool = True) -> dict:
    """El corte sobre un conjunto ya acotado de pares (línea × entidad): tres consultas (dos sin el total)."""
    umbrales = umbrales or ConfiguracionSeguimiento.obtener().umbrales
    definicion = REGION if dimension == "zona" and nivel == "region" else CORTES[dimension]
    filas = [dict(f) for f in qs.values(clave_id=F(definicion.campo)).annotate(**AGREGADOS).order_by()]
    nombres = _nombres(definicion, [f["clave_id"] for f in filas])
    for f in filas:
        f["nombre"] = nombres.get(f["clave_id"], str(SIN_DATO))
        _completar(f, umbrales)
    filas.sort(key=lambda f: (f["clave_id"] in (None, ""), f["nombre"].lower(), str(f["clave_id"])))
    total = _completar(dict(qs.aggregate(**AGREGADOS)), umbrales) if con_total else None
    return {"corte": definicion, "filas": filas, "total": total}


def cortes_de(qs: QuerySet[EstadoLineaEntidad], pedidos, *, umbrales=None) -> list[dict]:
    """Varios cortes (dimensión, nivel) sobre los mismos pares en una sola pasada por la tabla: un
    GROUPING SETS con un conjunto por llave (el informe mensual pide siete; antes, siete lecturas de los
    200.000 pares a escala 1000), más la consulta de nombres de cada corte. Sin el total."""
    from django.db import connection

    umbrales = umbrales or ConfiguracionSeguimiento.obtener().umbrales
    definiciones = [REGION if d == "zona" and n == "region" else CORTES[d] for d, n in pedidos]
    campos = list(dict.fromkeys(d.campo for d in definiciones))
    base, params = (qs.order_by().values("peso", "avance", "esperado", "semaforo", "linea_id", "entidad_id",
                                         "hitos_vencidos", "ultimo_reporte", *campos)
                    .query.sql_with_params())
    columnas = ", ".join(f'b."{c}"' for c in campos)
    banderas = ", ".join(f'GROUPING(b."{c}")' for c in campos)
    conjuntos = ", ".join(f'(b."{c}")' for c in campos)
    sql = (f"SELECT {columnas}, {banderas}, SUM(b.peso), SUM(b.peso * b.avance), SUM(b.peso * b.esperado), "
           "COUNT(*), COUNT(DISTINCT b.linea_id), COUNT(DISTINCT b.entidad_id), "
           "COUNT(*) FILTER (WHERE b.semaforo = %s), COUNT(*) FILTER (WHERE b.semaforo = %s), "
           "COUNT(*) FILTER (WHERE b.semaforo = %s), SUM(b.hitos_vencidos), MAX(b.ultimo_reporte) "
           f"FROM ({base}) b GROUP BY GROUPING SETS ({conjuntos})")
    por_campo: dict[str, list[dict]] = {c: [] for c in campos}
    n = len(campos)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Semaforo.AL_DIA, Semaforo.EN_RIESGO, Semaforo.ATRASADO, *params])
        for fila in cursor.fetchall():
            i = fila[n:2 * n].index(0)  # el conjunto de la fila: la única llave agrupada
            por_campo[campos[i]].append(dict(zip(
                ["clave_id", "suma_pesos", "suma_avance", "suma_esperado", "seguimientos", "lineas", "entidades",
                 "al_dia", "en_riesgo", "atrasado", "hitos_vencidos", "ultimo_reporte"],
                [fila[i], *fila[2 * n:]])))
    resultado = []
    for definicion in definiciones:
        filas = [dict(f) for f in por_campo[definicion.campo]]
        nombres = _nombres(definicion, [f["clave_id"] for f in filas])
        for f in filas:
            f["nombre"] = nombres.get(f["clave_id"], str(SIN_DATO))
            _completar(f, umbrales)
        filas.sort(key=lambda f: (f["clave_id"] in (None, ""), f["nombre"].lower(), str(f["clave_id"])))
        resultado.append({"corte": definicion, "filas": filas, "total": None})
    return resultado


COLUMNAS = [
    ("nombre", None), ("avance", _("Avance ponderado (%)")), ("esperado", _("Avance esperado (%)")),
    ("semaforo", _("Semáforo")), ("al_dia", _("Al día")), ("en_riesgo", _("En riesgo")), ("atrasado", _("Atrasados")),
    ("hitos_vencidos", _("Hitos vencidos")), ("ultimo_reporte", _("Último reporte")), ("lineas", _("Líneas")),
    ("entidades", _("Entidades territoriales")), ("seguimientos", _("Líneas × entidades")),
]


def tabla(datos: dict) -> tuple[list[str], list[list]]:
    """Encabezado y filas para CSV/XLSX (el semáforo con su nombre)."""
    cabeza = [str(datos["corte"].etiqueta if c == "nombre" else t) for c, t in COLUMNAS]
    filas = []
    for f in datos["filas"]:
        filas.append([str(Semaforo(f[c]).label) if c == "semaforo" and f[c] else f[c] for c, _t in COLUMNAS])
    return cabeza, filas
