"""Permisos de objeto de la gestión del conocimiento, sobre `att.permisos` (el único que decide).

Páginas, admin y API preguntan `usuario.has_perm("conocimiento.<accion>", objeto)`.
"""

import rules

from att import permisos
from att.models import Rol

# Roles de personas de la red. El auditor solo lee; el integrador es un sistema que alimenta la
# plataforma por la API (demandas, consultas): no propone prácticas, no se inscribe en cursos ni
# eventos y no participa en la comunidad.
ROLES_RED = frozenset(Rol.values) - {Rol.AUDITOR, Rol.INTEGRADOR}


def es_miembro_red(usuario) -> bool:
    """Una persona con una membresía activa de la red (ni solo de lectura ni de integración)."""
    return bool(usuario and usuario.is_authenticated and not permisos.solo_lectura(usuario)
                and (permisos.es_superusuario(usuario) or permisos.tiene_rol(usuario, *ROLES_RED)))


def modera_espacio(usuario, espacio) -> bool:
    if espacio is None or not usuario or not usuario.is_authenticated or permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario):
        return True
    cache = getattr(usuario, "_conocimiento_moderados", None)
    if cache is None:
        from conocimiento.models import MiembroEspacio, RolMiembro

        cache = set(MiembroEspacio.objects.filter(usuario=usuario, rol=RolMiembro.MODERADOR)
                    .values_list("espacio_id", flat=True))
        usuario._conocimiento_moderados = cache
    return espacio.pk in cache


def atribuye_a_cualquier_entidad(usuario) -> bool:
    """El DNP y los oferentes (que acompañan a muchas entidades) documentan experiencias de cualquier
    entidad territorial; quien solo tiene roles territoriales, de las suyas."""
    return permisos.es_equipo_dnp(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE)


def entidades_atribuibles(usuario):
    from att.models import Entidad

    return Entidad.objects.all() if atribuye_a_cualquier_entidad(usuario) else permisos.entidades_de(usuario)


def gestiona_oferta(usuario, oferta) -> bool:
    """La entidad oferente (sus oferentes) y el equipo DNP mantienen lo que cuelga de una oferta."""
    if oferta is None:
        return False
    return permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, oferta.entidad, {Rol.OFERENTE})


def gestiona_curso(usuario, curso) -> bool:
    if curso is None:
        return permisos.es_equipo_dnp(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE)
    return permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, curso.entidad, {Rol.OFERENTE})


@rules.predicate
def puede_proponer(usuario):
    return es_miembro_red(usuario)


@rules.predicate
def puede_revisar(usuario, recurso=None):
    return permisos.es_equipo_dnp(usuario)


@rules.predicate
def puede_ver_recurso(usuario, recurso):
    if recurso is None:
        return True
    if recurso.publicado:
        return True
    if not usuario or not usuario.is_authenticated:
        return False
    return recurso.propuesto_por_id == usuario.pk or permisos.lee_todo(usuario)


@rules.predicate
def puede_editar_recurso(usuario, recurso):
    if recurso is None or permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario):
        return True
    return recurso.propuesto_por_id == usuario.pk and not recurso.publicado


@rules.predicate
def puede_participar(usuario, espacio=None):
    return es_miembro_red(usuario)


@rules.predicate
def puede_moderar(usuario, espacio):
    return modera_espacio(usuario, espacio)


@rules.predicate
def puede_gestionar_curso(usuario, curso=None):
    return gestiona_curso(usuario, curso)


@rules.predicate
def puede_gestionar_preguntas(usuario, oferta):
    return gestiona_oferta(usuario, oferta)


@rules.predicate
def puede_ver_memoria(usuario, entidad):
    return entidad is not None and permisos.puede_ver_entidad(usuario, entidad)


rules.add_perm("conocimiento.proponer_recurso", puede_proponer)
rules.add_perm("conocimiento.revisar_recurso", puede_revisar)
rules.add_perm("conocimiento.ver_recurso", puede_ver_recurso)
rules.add_perm("conocimiento.editar_recurso", puede_editar_recurso)
rules.add_perm("conocimiento.participar", puede_participar)
rules.add_perm("conocimiento.moderar", puede_moderar)
rules.add_perm("conocimiento.gestionar_curso", puede_gestionar_curso)
rules.add_perm("conocimiento.inscribirse", puede_participar)
rules.add_perm("conocimiento.gestionar_evento", rules.predicate(permisos.es_equipo_dnp))
rules.add_perm("conocimiento.gestionar_preguntas", puede_gestionar_preguntas)
rules.add_perm("conocimiento.ver_memoria", puede_ver_memoria)
