"""Permisos del seguimiento (sobre `att.permisos`, el único lugar que decide).

- El oferente registra hitos y avances solo en las líneas de los planes de su entidad (o de las que
  es responsable). Medir indicadores y cerrar periodos: `indicadores/rules.py`.
- El equipo DNP (administrador o seguimiento) valida o devuelve avances y genera informes; lee todo.
- La entidad territorial (o su equipo departamental) califica la asistencia recibida.
- El auditor lee todo y no cambia nada.
"""

import rules

from att import permisos
from att.models import Rol

ROLES_ET = permisos.ROLES_TERRITORIALES


def reporta_linea(usuario, linea) -> bool:
    if linea is None or permisos.solo_lectura(usuario) or not usuario.is_authenticated:
        return False
    if permisos.es_equipo_dnp(usuario):
        return True
    return permisos.actua_por(usuario, linea.plan.entidad, {Rol.OFERENTE}) or (
        linea.responsable_id == usuario.pk and permisos.tiene_rol(usuario, Rol.OFERENTE)
    )


def valida(usuario, _objeto=None) -> bool:
    return permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)


def califica(usuario, entidad) -> bool:
    if entidad is None or permisos.solo_lectura(usuario):
        return False
    return permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, entidad, ROLES_ET)


def ve_seguimiento(usuario, _objeto=None) -> bool:
    return permisos.lee_todo(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE, *ROLES_ET)


def evalua_linea(usuario, linea) -> bool:
    """La evaluación intermedia y final de una línea: su oferente (quien reporta sus avances) o el DNP."""
    return reporta_linea(usuario, linea)


def ve_costo(usuario, _objeto=None) -> bool:
    """El costo de la asistencia: el DNP y el auditor (todo) y el oferente (el de sus líneas)."""
    return permisos.lee_todo(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE)


def registra_asistencia(usuario, oferente) -> bool:
    if oferente is None or permisos.solo_lectura(usuario):
        return False
    return permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, oferente, {Rol.OFERENTE})


rules.add_perm("seguimiento.reportar_avance", rules.predicate(reporta_linea, name="reporta_linea"))
rules.add_perm("seguimiento.validar_avance", rules.predicate(valida, name="valida_avance"))
rules.add_perm("seguimiento.generar_informe", rules.predicate(valida, name="genera_informe"))
rules.add_perm("seguimiento.importar_mdm", rules.predicate(valida, name="importa_mdm"))
rules.add_perm("seguimiento.sortear_muestra", rules.predicate(valida, name="sortea_muestra"))
rules.add_perm("seguimiento.calificar", rules.predicate(califica, name="califica"))
rules.add_perm("seguimiento.ver", rules.predicate(ve_seguimiento, name="ve_seguimiento"))
rules.add_perm("seguimiento.ver_tablero_dnp", rules.predicate(permisos.lee_todo, name="seg_lee_todo"))
rules.add_perm("seguimiento.registrar_asistencia", rules.predicate(registra_asistencia, name="registra_asistencia"))
rules.add_perm("seguimiento.evaluar_linea", rules.predicate(evalua_linea, name="evalua_linea"))
rules.add_perm("seguimiento.ver_costo", rules.predicate(ve_costo, name="ve_costo"))
