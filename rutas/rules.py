"""Permisos de objeto de las rutas (sobre `att.permisos`, el único lugar que decide).

- Ven una ruta el DNP y el auditor, la entidad territorial y su equipo departamental y sus oferentes.
- La crean el DNP, el equipo departamental (para sus entidades) y los oferentes (para sí mismos).
- Marcan «no aplica» y registran el egreso los oferentes de la ruta, su equipo departamental y el DNP.
- Diagnostican la entidad sus funcionarios, su equipo departamental, los oferentes y el DNP.
"""

import rules

from att import permisos
from att import services as att_services
from rutas import services


@rules.predicate
def ver_ruta(usuario, ruta):
    if ruta is None:
        return bool(usuario and usuario.is_authenticated)
    if permisos.lee_todo(usuario) or permisos.actua_por_o_lee(usuario, ruta.entidad):
        return True
    from att.models import Rol

    return any(permisos.actua_por(usuario, o, {Rol.OFERENTE}) for o in ruta.oferentes.all())


@rules.predicate
def crear_ruta(usuario, entidad=None):
    return services.puede_crear(usuario, entidad)


@rules.predicate
def gestionar_ruta(usuario, ruta):
    return ruta is not None and services.puede_gestionar(usuario, ruta)


@rules.predicate
def diagnosticar(usuario, entidad=None):
    if entidad is None:
        return not permisos.solo_lectura(usuario) and bool(
            permisos.es_equipo_dnp(usuario) or permisos.vinculos(usuario))
    return att_services.puede_diagnosticar(usuario, entidad, acompana=services.acompana(usuario, entidad))


rules.add_perm("rutas.ver", ver_ruta)
rules.add_perm("rutas.crear", crear_ruta)
rules.add_perm("rutas.gestionar", gestionar_ruta)
rules.add_perm("rutas.diagnosticar", diagnosticar)
