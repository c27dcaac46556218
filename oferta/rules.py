"""Permisos de la oferta, sobre `att.permisos` (el único lugar que decide).

- Oferente: persona con rol OFERENTE que actúa por la entidad oferente de la oferta.
- DNP: el administrador DNP/DER revisa (publica o devuelve); el equipo DNP ve los solapamientos.
- Auditor: lee todo y no cambia nada (`actua_por` y `es_admin_dnp` ya lo excluyen).

Los permisos por rol y entidad están aquí; las reglas del ciclo de vida (desde qué estado se puede
pasar a cuál) las aplican los servicios con `ValidationError`. Los permisos "editar", "enviar",
"revisar" y "archivar" combinan ambas cosas para que las páginas muestren solo lo posible.
"""

import rules

from att import permisos
from att.models import Entidad, Rol

from .models import EstadoOferta

ESTADOS_EDITABLES = (EstadoOferta.BORRADOR, EstadoOferta.DEVUELTA)


def es_oferente_de(usuario, entidad) -> bool:
    return entidad is not None and permisos.actua_por(usuario, entidad, {Rol.OFERENTE})


def gestiona(usuario, oferta) -> bool:
    """¿Actúa el usuario como oferente por la entidad de la oferta?"""
    return oferta is not None and es_oferente_de(usuario, oferta.entidad)


def revisa(usuario) -> bool:
    return permisos.es_admin_dnp(usuario)


def es_oferente(usuario) -> bool:
    return permisos.tiene_rol(usuario, Rol.OFERENTE) and not permisos.solo_lectura(usuario)


def puede_ver(usuario, oferta) -> bool:
    if oferta is None:
        return False
    if oferta.esta_publicada():
        return True
    if permisos.lee_todo(usuario):
        return True
    return permisos.puede_ver_entidad(usuario, oferta.entidad)


@rules.predicate
def p_crear(usuario, entidad=None):
    if isinstance(entidad, Entidad):
        return es_oferente_de(usuario, entidad)
    return es_oferente(usuario)


@rules.predicate
def p_ver(usuario, oferta):
    return puede_ver(usuario, oferta)


@rules.predicate
def p_gestiona(usuario, oferta):
    return gestiona(usuario, oferta)


@rules.predicate
def p_editable(usuario, oferta):
    return oferta is not None and oferta.estado in ESTADOS_EDITABLES


@rules.predicate
def p_en_revision(usuario, oferta):
    return oferta is not None and oferta.estado == EstadoOferta.EN_REVISION


@rules.predicate
def p_publicada(usuario, oferta):
    return oferta is not None and oferta.estado == EstadoOferta.PUBLICADA  # archivar: también una ya vencida


p_revisa = rules.predicate(revisa, name="revisa_oferta")
p_lee_todo = rules.predicate(permisos.lee_todo, name="lee_todo_oferta")
p_es_equipo_dnp = rules.predicate(permisos.es_equipo_dnp, name="es_equipo_dnp_oferta")

rules.add_perm("oferta.crear", p_crear)
rules.add_perm("oferta.ver", p_ver)
rules.add_perm("oferta.gestionar", p_gestiona)
rules.add_perm("oferta.editar", p_gestiona & p_editable)
rules.add_perm("oferta.enviar", p_gestiona & p_editable)
rules.add_perm("oferta.revisar", p_revisa & p_en_revision)
rules.add_perm("oferta.archivar", (p_gestiona | p_revisa) & p_publicada)
rules.add_perm("oferta.ver_solapamientos", p_lee_todo)
# Importar crea borradores a nombre de la entidad, como registrar: solo el oferente (el DNP revisa, no
# registra; antes podía abrir la importación pero cada fila fallaba por no actuar por la entidad).
rules.add_perm("oferta.importar", rules.predicate(es_oferente))
