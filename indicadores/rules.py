"""Permisos de los indicadores (sobre `att.permisos`, el único lugar que decide).

- La entidad responsable de un indicador (su oferente) o el equipo DNP registran sus mediciones.
- El equipo de seguimiento del DNP (administrador o seguimiento) cierra los periodos.
"""

import rules

from att import permisos
from att.models import Rol


def mide_indicador(usuario, indicador) -> bool:
    if indicador is None or permisos.solo_lectura(usuario):
        return False
    return permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, indicador.entidad, {Rol.OFERENTE})


def cierra_periodo(usuario, _objeto=None) -> bool:
    return permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)


rules.add_perm("indicadores.registrar_medicion", rules.predicate(mide_indicador, name="ind_mide_indicador"))
rules.add_perm("indicadores.cerrar_periodo", rules.predicate(cierra_periodo, name="ind_cierra_periodo"))
