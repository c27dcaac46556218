"""Piezas de consulta del ORM que Django no trae.

`EnArreglo(F("campo"), ids)`: `campo = ANY(%s)` con la lista como un solo parámetro (un arreglo de
PostgreSQL). Filtra lo mismo que `campo__in=ids` (ids no nulos), pero sin un marcador por valor: con
decenas de miles de ids, armar el `IN (%s, %s, …)` en Django y separarlo de nuevo en psycopg costaba
~0,25 s por consulta (el recálculo diario del seguimiento hace decenas de consultas así).

`ConsultaFija(armar, **testigos)`: una consulta de forma fija que se compila una vez por proceso y
luego solo se ejecuta con otros valores (ver la clase).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
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


class ConsultaFija:
    """Una consulta `values_list` de forma fija, compilada una vez por proceso.

    Django arma el SQL de un QuerySet en cada ejecución: para las membresías vigentes de quien pide
    (cada página con sesión) o el token de la API (cada petición), armarlo costaba ~0,6 y ~1,2 ms, más
    que ejecutarlo. Aquí `armar(**testigos)` da el QuerySet con valores testigo (un valor por parámetro
    que cambia, de un tipo y valor que la consulta no use para otra cosa); se compila una vez, se ubica
    cada testigo entre los parámetros (exactamente una vez, o ImproperlyConfigured) y cada llamada a
    `filas(**valores)` ejecuta ese SQL con los valores en su lugar y aplica los mismos convertidores de
    columna que el ORM. Lo que la consulta calcula al armarse (p. ej. `timezone.localdate()`) debe ir
    como testigo, no quedar fijo."""

    def __init__(self, armar: Callable, **testigos):
        self._armar, self._testigos = armar, testigos
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
        columnas = [s[0] for s in compilador.select[:compilador.col_count]]
        convertidores = list(compilador.get_converters(columnas).items())
        return sql, tuple(params), posiciones, convertidores

    def filas(self, using: str = DEFAULT_DB_ALIAS, **valores) -> list[tuple]:
        sql, base, posiciones, convertidores = self._compilada(using)
        params = list(base)
        for nombre, i in posiciones.items():
            params[i] = valores[nombre]
        conexion = connections[using]
        with conexion.cursor() as cursor:
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
