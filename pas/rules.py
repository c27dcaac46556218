"""Permisos del PAS (sobre `att.permisos`, el único lugar que decide).

- Las acciones y los cortes son públicos (la política y su cronograma son documentos públicos); los
  reportes aprobados por el DNP también. Un reporte en borrador, enviado o devuelto lo ven la entidad
  responsable de la acción y quien lee todo (DNP, auditor).
- La entidad responsable (sus oferentes; el equipo DNP por las acciones del DNP) reporta lo suyo.
- El equipo DNP (administrador o seguimiento) crea y edita acciones, revisa, devuelve, aprueba,
  consolida y cierra los cortes (con la regla de `indicadores.rules.cierra_periodo`).
"""

import rules

from att import permisos
from att.models import Rol
from indicadores.rules import cierra_periodo

ROLES_REPORTAN = {Rol.OFERENTE, Rol.ADMIN_DNP, Rol.SEGUIMIENTO_DNP}


def gestiona_pas(usuario, _objeto=None) -> bool:
    return permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)


def reporta_accion(usuario, accion) -> bool:
    if accion is None or permisos.solo_lectura(usuario):
        return False
    return permisos.actua_por(usuario, accion.entidad, ROLES_REPORTAN)


def ve_reporte(usuario, reporte) -> bool:
    if reporte is None:
        return False
    if reporte.estado == "aprobado" or permisos.lee_todo(usuario):
        return True
    return permisos.actua_por_o_lee(usuario, reporte.accion.entidad)


def cierra_corte(usuario, _objeto=None) -> bool:
    return cierra_periodo(usuario)


rules.add_perm("pas.gestionar", rules.predicate(gestiona_pas, name="pas_gestiona"))
rules.add_perm("pas.reportar", rules.predicate(reporta_accion, name="pas_reporta_accion"))
rules.add_perm("pas.ver_reporte", rules.predicate(ve_reporte, name="pas_ve_reporte"))
rules.add_perm("pas.cerrar_corte", rules.predicate(cierra_corte, name="pas_cierra_corte"))
