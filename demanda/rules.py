"""Permisos de objeto de la demanda, sobre `att.permisos` (el único lugar que decide).

Páginas, administrador y API preguntan `usuario.has_perm("demanda.<accion>", objeto)`.
"""

import rules

from att import permisos
from att.models import Rol

ROLES_REGISTRO = permisos.ROLES_TERRITORIALES | {Rol.INTEGRADOR}
ROLES_ET = permisos.ROLES_TERRITORIALES


def puede_registrar_para(usuario, entidad) -> bool:
    """Un funcionario registra para su entidad; el equipo departamental también para los
    municipios de su departamento. Solo entidades territoriales piden asistencia."""
    return entidad is not None and entidad.es_territorial and permisos.actua_por(usuario, entidad, ROLES_REGISTRO)


def es_de_la_et(usuario, demanda) -> bool:
    return permisos.actua_por(usuario, demanda.entidad, ROLES_ET)


def es_oferente_de(usuario, entidad) -> bool:
    return entidad is not None and permisos.actua_por(usuario, entidad, {Rol.OFERENTE})


def atiende(usuario, demanda) -> bool:
    """El oferente de la oferta vinculada o de la entidad a la que se remitió la demanda."""
    if demanda.oferta_id and es_oferente_de(usuario, demanda.oferta.entidad):
        return True
    return bool(demanda.entidad_competente_id) and es_oferente_de(usuario, demanda.entidad_competente)


def puede_ver(usuario, demanda) -> bool:
    if demanda is None:
        return False
    if permisos.lee_todo(usuario) or permisos.actua_por_o_lee(usuario, demanda.entidad):
        return True
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        from demanda import selectors

        return selectors.demandas_visibles(usuario).filter(pk=demanda.pk).exists()
    return False


@rules.predicate
def registrar(usuario, entidad=None):
    if entidad is None:  # ¿puede registrar para alguna entidad?
        return permisos.tiene_rol(usuario, *ROLES_REGISTRO) and not permisos.solo_lectura(usuario)
    return puede_registrar_para(usuario, entidad)


@rules.predicate
def ver(usuario, demanda):
    return puede_ver(usuario, demanda)


@rules.predicate
def editar(usuario, demanda):
    return demanda is not None and es_de_la_et(usuario, demanda)


@rules.predicate
def gestionar(usuario, demanda=None):
    """Análisis, remisión, vínculo y no pertinencia: la administración DNP/DER."""
    return permisos.es_admin_dnp(usuario)


@rules.predicate
def atender(usuario, demanda):
    """El oferente que atiende, y el equipo DNP (administración y seguimiento), que aprueba los
    planes que la programan y registra la asistencia entregada."""
    return demanda is not None and (permisos.es_equipo_dnp(usuario) or atiende(usuario, demanda))


@rules.predicate
def ver_brechas(usuario, obj=None):
    return permisos.lee_todo(usuario)


rules.add_perm("demanda.registrar", registrar)
rules.add_perm("demanda.ver", ver)
rules.add_perm("demanda.editar", editar)
rules.add_perm("demanda.cerrar", editar)
rules.add_perm("demanda.gestionar", gestionar)
rules.add_perm("demanda.atender", atender)
rules.add_perm("demanda.ver_brechas", ver_brechas)
rules.add_perm("demanda.importar", registrar)
