"""Piezas de consulta del ORM que Django no trae.

`EnArreglo(F("campo"), ids)`: `campo = ANY(%s)` con la lista como un solo parámetro (un arreglo de
PostgreSQL). Filtra lo mismo que `campo__in=ids` (ids no nulos), pero sin un marcador por valor: con
decenas de miles de ids, armar el `IN (%s, %s, …)` en Django y separarlo de nuevo en psycopg costaba
~0,25 s por consulta (el recálculo diario del seguimiento hace decenas de consultas así).

`ConsultaFija(armar, **testigos)`: una consulta de forma fija que se compila una vez por proceso y
luego solo se ejecuta con otros valores (ver la clase).
"""

from __future__ import annotations

import datetime
import decimal
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.models import Lookup


class EnArreglo(Lookup):
    """Se usa como expresión en `filter()`: `Modelo.objects.filter(EnArreglo(F("linea_id"), ids))`."""

    lookup_name = "en_arreglo"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        super().__init__(lhs, list(rhs))

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        tipo = self.lhs.output_field.db_type(connection)
        return f"{lhs_sql} = ANY(%s::{tipo}[])", (*lhs_params, self.rhs)


def _cursor_preparable(conexion):
    """Un cursor de Django (con sus envoltorios: registro de consultas, `execute_wrapper`) sobre un cursor
    de psycopg con los parámetros enviados aparte (`server-side binding`), el único que psycopg prepara.

    El cursor de siempre de Django une los valores al texto en el cliente y PostgreSQL analiza y planifica
    cada consulta de nuevo. Las de `ConsultaFija` tienen forma fija y corren en casi toda petición (el
    token de la API, la página de ids, el usuario de la sesión y sus membresías): con
    `prepare_threshold` (OPTIONS de la base, ver settings) psycopg las prepara en cada conexión desde la
    ejecución número n y luego solo envía los valores. El resto del ORM sigue con su cursor: Django
    arma su SQL para la unión en el cliente y no todo se puede preparar (#20516 de Django)."""
    if conexion.vendor != "postgresql" or conexion.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return conexion.cursor()
    conexion.close_if_health_check_failed()
    conexion.ensure_connection()
    conexion.validate_thread_sharing()
    with conexion.wrap_database_errors:
        cursor = ServerBindingCursor(conexion.connection)
    if conexion.queries_logged:  # DEBUG o una prueba que cuenta consultas
        return _RegistroConValores(cursor, conexion)
    return conexion.make_cursor(cursor)


def filas_preparadas(sql: str, params=(), using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Las filas de un SQL escrito a mano (marcadores `%s`) por el cursor que psycopg prepara (ver
    `_cursor_preparable`): para consultas de forma fija que corren en cada visita (la huella del portal);
    sin marcadores, PostgreSQL la planifica una vez por conexión. Sin `prepare_threshold`, el cursor de
    siempre."""
    with _cursor_preparable(connections[using]) as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


class _RegistroConValores(CursorDebugWrapper):
    """El registro de consultas de Django (DEBUG, pruebas que cuentan consultas) con los valores en el texto,
    como con el cursor de siempre: Django lo lee del cursor de psycopg, que con una sentencia preparada no
    lo guarda (quedaba `None`)."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            sql = self.db.ops.compose_sql(sql, params)
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


# Los tipos que se escriben como literal (`literales=True`); cualquier otro sigue como parámetro.
_LITERALES = (str, int, float, decimal.Decimal, datetime.date, datetime.datetime, datetime.time)  # bool es int
_MARCADOR = re.compile(r"%%|%s")


def _escribir_literales(conexion, sql: str, params, posiciones: dict) -> tuple[str, list, dict]:
    """El SQL con cada parámetro que no es testigo (de un tipo de `_LITERALES`) escrito como literal por
    psycopg (`compose_sql`, el mismo citado que `mogrify`), con sus `%` doblados porque el texto sigue
    pasando por los marcadores; los demás quedan como `%s`, en su orden, y las posiciones de los
    testigos se recalculan."""
    conservar = set(posiciones.values())
    quedan, nuevas, partes, i, desde = [], {}, [], 0, 0
    for marca in _MARCADOR.finditer(sql):
        partes.append(sql[desde:marca.start()])
        desde = marca.end()
        if marca.group() == "%%":
            partes.append("%%")
            continue
        valor = params[i]
        if i in conservar or not isinstance(valor, _LITERALES):
            for nombre, posicion in posiciones.items():
                if posicion == i:
                    nuevas[nombre] = len(quedan)
            quedan.append(valor)
            partes.append("%s")
        else:
            partes.append(conexion.ops.compose_sql("%s", [valor]).replace("%", "%%"))
        i += 1
    partes.append(sql[desde:])
    if i != len(params):
        raise ImproperlyConfigured(f"ConsultaFija: {i} marcadores para {len(params)} parámetros.")
    return "".join(partes), tuple(quedan), nuevas


class ConsultaFija:
    """Una consulta `values_list` de forma fija, compilada una vez por proceso.

    Django arma el SQL de un QuerySet en cada ejecución: para las membresías vigentes de quien pide
    (cada página con sesión) o el token de la API (cada petición), armarlo costaba ~0,6 y ~1,2 ms, más
    que ejecutarlo. Aquí `armar(**testigos)` da el QuerySet con valores testigo (un valor por parámetro
    que cambia, de un tipo y valor que la consulta no use para otra cosa); se compila una vez, se ubica
    cada testigo entre los parámetros (exactamente una vez, o ImproperlyConfigured) y cada llamada a
    `filas(**valores)` ejecuta ese SQL con los valores en su lugar y aplica los mismos convertidores de
    columna que el ORM. Lo que la consulta calcula al armarse (p. ej. `timezone.localdate()`) debe ir
    como testigo, no quedar fijo.

    `literales=True`: los parámetros que no son testigos (texto, números, fechas) van escritos en el SQL
    (citados por psycopg) y solo los testigos viajan aparte. Sirve a las consultas cuyos valores fijos
    deciden el plan: con `estado = $1` PostgreSQL no puede usar un índice parcial (`WHERE estado =
    'publicada'`) en un plan genérico, así que planificaba de nuevo en cada ejecución (~0,13 ms de la
    página de ids de la API); con el valor escrito el plan preparado se reutiliza."""

    def __init__(self, armar: Callable, *, literales: bool = False, **testigos):
        self._armar, self._testigos, self._literales = armar, testigos, literales
        self._compiladas: dict[str, tuple] = {}
        self._candado = threading.Lock()

    def _compilada(self, alias: str) -> tuple:
        compilada = self._compiladas.get(alias)
        if compilada is None:
            with self._candado:
                compilada = self._compiladas.get(alias) or self._compilar(alias)
                self._compiladas[alias] = compilada
        return compilada

    def _compilar(self, alias: str) -> tuple:
        compilador = self._armar(**self._testigos).query.get_compiler(using=alias)
        sql, params = compilador.as_sql()
        posiciones = {}
        for nombre, testigo in self._testigos.items():
            en = [i for i, p in enumerate(params) if type(p) is type(testigo) and p == testigo]
            if len(en) != 1:
                raise ImproperlyConfigured(f"ConsultaFija: el testigo {nombre}={testigo!r} aparece {len(en)} veces.")
            posiciones[nombre] = en[0]
        if self._literales:
            sql, params, posiciones = _escribir_literales(connections[alias], sql, params, posiciones)
        columnas = [s[0] for s in compilador.select[:compilador.col_count]]
        convertidores = list(compilador.get_converters(columnas).items())
        return sql, tuple(params), posiciones, convertidores

    def filas(self, using: str = DEFAULT_DB_ALIAS, **valores) -> list[tuple]:
        sql, base, posiciones, convertidores = self._compilada(using)
        params = list(base)
        for nombre, i in posiciones.items():
            params[i] = valores[nombre]
        conexion = connections[using]
        with _cursor_preparable(conexion) as cursor:
            cursor.execute(sql, params)
            filas = cursor.fetchall()
        if not convertidores:
            return [tuple(f) for f in filas]
        convertidas = []
        for fila in filas:
            fila = list(fila)
            for posicion, (funciones, expresion) in convertidores:
                valor = fila[posicion]
                for funcion in funciones:
                    valor = funcion(valor, expresion, conexion)
                fila[posicion] = valor
            convertidas.append(tuple(fila))
        return convertidas
