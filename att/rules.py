"""Permisos del núcleo, registrados en `rules` para que páginas, admin y API pregunten igual:
`usuario.has_perm("att.emitir_token")`."""

import rules

from att import permisos

es_admin_dnp = rules.predicate(permisos.es_admin_dnp, name="es_admin_dnp")
es_equipo_dnp = rules.predicate(permisos.es_equipo_dnp, name="es_equipo_dnp")
lee_todo = rules.predicate(permisos.lee_todo, name="lee_todo")


@rules.predicate
def puede_ver_entidad(usuario, entidad):
    return entidad is not None and permisos.puede_ver_entidad(usuario, entidad)


rules.add_perm("att.emitir_token", es_admin_dnp)
rules.add_perm("att.revocar_token", es_admin_dnp)
rules.add_perm("att.importar_atributos", es_admin_dnp)
rules.add_perm("att.ver_entidad", puede_ver_entidad)
rules.add_perm("att.ver_tablero_dnp", lee_todo)
