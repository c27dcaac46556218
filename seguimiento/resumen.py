"""El resumen del tablero nacional (`ResumenTablero`): su mantenimiento y sus lecturas, en un solo lugar.

- Mantenimiento: los servicios suman la foto nueva de una línea y restan la anterior (`sumar`); la señal
  post_delete de `EstadoLinea` (conectada en apps.py) resta la de una línea borrada (`restar`); el
  recálculo diario y la migración lo reconstruyen desde `EstadoLinea` (`reconstruir`).
- Lecturas: el total y las filas por entidad oferente, asesor, departamento o tema (`leer`), para quien
  lee todo (el tablero del DNP).
- Caché: la versión del tablero (`invalidar_tablero`) cambia con cada cambio de una línea o de la
  configuración.

Capas: este módulo usa models y calculo; lo usan services, selectors e informes (nunca al revés).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction

from seguimiento import calculo
from seguimiento.models import EstadoLinea

_COLUMNAS_RESUMEN = ["suma_pesos", "suma_avance", "suma_esperado", "lineas", "al_dia", "en_riesgo", "atrasado"]

# Con el bloqueo, una línea que se recalcula a la vez espera y suma su cambio sobre lo reconstruido
# (la reconstrucción lee la foto ya confirmada; la diferencia de la otra transacción llega después).
_RECONSTRUIR_RESUMEN = """
LOCK TABLE seguimiento_resumentablero IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM seguimiento_resumentablero;
INSERT INTO seguimiento_resumentablero (agenda_id, entidad_id, dimension, clave, {columnas})
SELECT e.agenda_id, e.entidad_id, x.dimension, x.clave, SUM(e.peso), SUM(e.peso * e.avance), SUM(e.peso * e.esperado),
       COUNT(*), COUNT(*) FILTER (WHERE e.semaforo = 'al_dia'), COUNT(*) FILTER (WHERE e.semaforo = 'en_riesgo'),
       COUNT(*) FILTER (WHERE e.semaforo = 'atrasado')
FROM seguimiento_estadolinea e
CROSS JOIN LATERAL (
    SELECT 'asesor'::varchar AS dimension, e.responsable_id::varchar AS clave
    UNION ALL SELECT 'departamento', d FROM unnest(e.departamentos) AS d
    UNION ALL SELECT 'tema', t::varchar FROM unnest(e.temas) AS t
) x
GROUP BY 1, 2, 3, 4;
ANALYZE seguimiento_estadolinea;
ANALYZE seguimiento_resumentablero;
""".format(columnas=", ".join(_COLUMNAS_RESUMEN))


def reconstruir() -> None:
    """Rehace el resumen del tablero desde las fotos por línea (recálculo diario y migración)."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RECONSTRUIR_RESUMEN)


def _claves_resumen(estado: EstadoLinea) -> list[tuple[str, str]]:
    return ([("asesor", str(estado.responsable_id))] + [("departamento", d) for d in estado.departamentos]
            + [("tema", str(t)) for t in estado.temas])


def sumar(*partes: tuple[list[EstadoLinea], int]) -> None:
    """Suma (signo 1) o resta (signo −1) fotos de líneas en ResumenTablero con una sola sentencia."""
    from django.db import connection

    deltas: dict[tuple, list] = {}
    for estados, signo in partes:
        for e in estados:
            peso, avance, esperado = Decimal(e.peso), Decimal(e.avance), Decimal(e.esperado)
            valores = [signo * peso, signo * peso * avance, signo * peso * esperado, signo,
                       signo * (e.semaforo == calculo.AL_DIA), signo * (e.semaforo == calculo.EN_RIESGO),
                       signo * (e.semaforo == calculo.ATRASADO)]
            for dimension, clave in _claves_resumen(e):
                acumulado = deltas.setdefault((e.agenda_id, e.entidad_id, dimension, clave), [0] * 7)
                for i, v in enumerate(valores):
                    acumulado[i] += v
    filas = [(*k, *v) for k, v in deltas.items() if any(v)]
    if not filas:
        return
    fila_sql = "(%s::bigint, %s::bigint, %s, %s, %s::numeric, %s::numeric, %s::numeric, %s::int, %s::int, %s::int, %s::int)"
    sumar = ", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in _COLUMNAS_RESUMEN)
    sql = (f"INSERT INTO seguimiento_resumentablero AS r (agenda_id, entidad_id, dimension, clave, "
           f"{', '.join(_COLUMNAS_RESUMEN)}) VALUES {', '.join([fila_sql] * len(filas))} "
           f"ON CONFLICT (agenda_id, entidad_id, dimension, clave) DO UPDATE SET {sumar}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for f in filas for v in f])


def restar(estado: EstadoLinea) -> None:
    """Una línea borrada (p. ej. en cascada con su plan) deja de sumar (señal post_delete, en apps.py)."""
    sumar(([estado], -1))
    invalidar()


def invalidar():
    """Invalida la caché del tablero ya y otra vez al confirmar (lo que se lea entretanto no queda)."""
    transaction.on_commit(invalidar_tablero)
    invalidar_tablero()


_NOMBRES_RESUMEN = {
    "asesor": ("att_usuario", "id", "r.clave::bigint"),
    "departamento": ("att_departamento", "codigo", "r.clave"),
    "tema": ("att_tema", "id", "r.clave::bigint"),
}
_CLAVES_SUMAS = ["suma_pesos", "suma_avance", "suma_esperado", "lineas", "al_dia", "en_riesgo", "atrasado"]
_SUMAS_RESUMEN = ", ".join(f"SUM(r.{c}){'::int' if i > 2 else ''} AS {c}" for i, c in enumerate(_CLAVES_SUMAS))


def leer(dimension: str | None, agenda_id, entidad_id, umbrales, limite=None):
    """Total (dimension=None), o filas por entidad, asesor, departamento o tema, desde ResumenTablero."""
    condiciones, params = ["r.dimension = %s"], [dimension if dimension in _NOMBRES_RESUMEN else "asesor"]
    if agenda_id:
        condiciones.append("r.agenda_id = %s")
        params.append(agenda_id)
    if entidad_id:
        condiciones.append("r.entidad_id = %s")
        params.append(entidad_id)
    donde = " AND ".join(condiciones)
    if dimension is None:
        sql = f"SELECT {_SUMAS_RESUMEN} FROM seguimiento_resumentablero r WHERE {donde}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fila = dict(zip(_CLAVES_SUMAS, cursor.fetchone()))
        fila = {k: (v or 0) if k not in ("suma_pesos", "suma_avance", "suma_esperado") else v for k, v in fila.items()}
        return calculo.completar(fila, umbrales)
    if dimension == "entidad":
        tabla, llave, clave = "att_entidad", "id", "r.entidad_id"
    else:
        tabla, llave, clave = _NOMBRES_RESUMEN[dimension]
    sql = (f"SELECT g.clave, t.nombre, {', '.join('g.' + c for c in _CLAVES_SUMAS)} FROM (SELECT {clave} AS clave, {_SUMAS_RESUMEN} "
           f"FROM seguimiento_resumentablero r WHERE {donde} GROUP BY 1 HAVING SUM(r.lineas) > 0) g "
           f"JOIN {tabla} t ON t.{llave} = g.clave ORDER BY t.nombre, g.clave" + (f" LIMIT {int(limite)}" if limite else ""))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        filas = cursor.fetchall()
    return [calculo.completar(dict(zip(["clave_id", "nombre", *_CLAVES_SUMAS], f)), umbrales) for f in filas]


CLAVE_VERSION = "seguimiento:tablero:version"


def invalidar_tablero() -> None:
    """Los consolidados del tablero cambian cuando cambia un estado de línea o la configuración."""
    try:
        cache.incr(CLAVE_VERSION)
    except ValueError:
        cache.set(CLAVE_VERSION, 2, None)
    from att import cifras

    cifras.invalidar("tablero")  # el cuerpo del tablero del DNP ya pintado (seguimiento/views.py)
