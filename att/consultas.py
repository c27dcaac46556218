"""Piezas de consulta del ORM que Django no trae.

`EnArreglo(F("campo"), ids)`: `campo = ANY(%s)` con la lista como un solo parámetro (un arreglo de
PostgreSQL). Filtra lo mismo que `campo__in=ids` (ids no nulos), pero sin un marcador por valor: con
decenas de miles de ids, armar el `IN (%s, %s, …)` en Django y separarlo de nuevo en psycopg costaba
~0,25 s por consulta (el recálculo diario del seguimiento hace decenas de consultas así).
"""

from __future__ import annotations

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
