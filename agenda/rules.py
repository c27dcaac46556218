"""Permisos de objeto de la agenda (sobre `att.permisos`, el único lugar que decide).

- La agenda nacional la gestiona el administrador DNP.
- El oferente edita el plan de su propia entidad solo en borrador o devuelto, y lo envía.
- El DNP (administrador o seguimiento) revisa los planes enviados: aprueba o devuelve.
- El auditor lee todo y no cambia nada.
- El plan concertado lo trabajan sus oferentes, la entidad territorial (y su equipo
  departamental) y el DNP; los compromisos los actualiza además su responsable.
"""

import rules

from agenda.models import EstadoConcertado, EstadoPlan
from att import permisos
from att.models import Rol

ROLES_ET = permisos.ROLES_TERRITORIALES
ESTADOS_EDITABLES = {EstadoPlan.BORRADOR, EstadoPlan.DEVUELTO}


@rules.predicate
def gestiona_agenda(usuario, agenda=None):
    return permisos.es_admin_dnp(usuario)


@rules.predicate
def ver_plan(usuario, plan):
    if plan is None:
        return permisos.lee_todo(usuario)
    return permisos.lee_todo(usuario) or permisos.actua_por_o_lee(usuario, plan.entidad)


@rules.predicate
def crear_plan(usuario, entidad=None):
    if entidad is None:
        return permisos.tiene_rol(usuario, Rol.OFERENTE) and not permisos.solo_lectura(usuario)
    return permisos.actua_por(usuario, entidad, {Rol.OFERENTE})


@rules.predicate
def editar_plan(usuario, plan):
    return (
        plan is not None and plan.estado in ESTADOS_EDITABLES
        and permisos.actua_por(usuario, plan.entidad, {Rol.OFERENTE})
    )


@rules.predicate
def revisar_plan(usuario, plan):
    return (
        plan is not None and plan.estado == EstadoPlan.ENVIADO
        and permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)
    )


def _oferentes_ids(concertado) -> set[int]:
    cache = getattr(concertado, "_oferentes_ids", None)
    if cache is None:
        cache = set(concertado.oferentes.values_list("pk", flat=True))
        concertado._oferentes_ids = cache
    return cache


def participa_en_concertado(usuario, concertado) -> bool:
    """Actúa por la ET (o su equipo departamental) o por uno de los oferentes del acuerdo."""
    if permisos.actua_por(usuario, concertado.entidad_territorial, ROLES_ET):
        return True
    ids = _oferentes_ids(concertado)
    return any(v.rol == Rol.OFERENTE and v.entidad_id in ids for v in permisos.vinculos(usuario)) and \
        not permisos.solo_lectura(usuario)


@rules.predicate
def ver_concertado(usuario, concertado):
    if concertado is None:
        return usuario.is_authenticated
    return (
        permisos.lee_todo(usuario)
        or permisos.puede_ver_entidad(usuario, concertado.entidad_territorial)
        or participa_en_concertado(usuario, concertado)
        or concertado.compromisos.filter(responsable_id=usuario.pk).exists()
    )


@rules.predicate
def crear_concertado(usuario, entidad_territorial=None):
    if permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario) or permisos.tiene_rol(usuario, Rol.OFERENTE):
        return True
    if entidad_territorial is None:
        return permisos.tiene_rol(usuario, *ROLES_ET)
    return permisos.actua_por(usuario, entidad_territorial, ROLES_ET)


def concierta_con(usuario, entidad_territorial, oferentes) -> bool:
    """Quien crea el plan concertado actúa por una de sus partes (la ET o un oferente) o es del DNP:
    nadie concierta en nombre de entidades ajenas."""
    return (
        permisos.es_equipo_dnp(usuario)
        or permisos.actua_por(usuario, entidad_territorial, ROLES_ET)
        or any(permisos.actua_por(usuario, o, {Rol.OFERENTE}) for o in oferentes)
    )


@rules.predicate
def trabajar_concertado(usuario, concertado):
    if concertado is None or concertado.estado == EstadoConcertado.CERRADO or permisos.solo_lectura(usuario):
        return False
    return permisos.es_equipo_dnp(usuario) or participa_en_concertado(usuario, concertado)


@rules.predicate
def actualizar_compromiso(usuario, compromiso):
    if compromiso is None or permisos.solo_lectura(usuario):
        return False
    if compromiso.responsable_id == usuario.pk:
        return True
    if compromiso.sesion_id is not None:
        return gestiona_gobernanza(usuario)
    return trabajar_concertado(usuario, compromiso.plan)


@rules.predicate
def gestiona_gobernanza(usuario, _objeto=None):
    """Las instancias de gobernanza, sus sesiones y decisiones las registra el equipo DNP (secretaría técnica)."""
    return permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)


@rules.predicate
def gestiona_agenda_territorial(usuario, agenda_t=None):
    """El DNP, o quien actúa por una de las entidades territoriales que la suscriben (funcionario de la ET o
    su equipo departamental). Sin objeto: cualquiera con uno de esos roles (puede crear una)."""
    if permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario):
        return True
    if agenda_t is None:
        return permisos.tiene_rol(usuario, *ROLES_ET)
    return any(permisos.actua_por(usuario, e, ROLES_ET) for e in agenda_t.entidades.all())


def vincula_linea(usuario, linea) -> bool:
    """Una línea la declara al servicio de una agenda territorial el oferente dueño del plan o el DNP."""
    return not permisos.solo_lectura(usuario) and (
        permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, linea.plan.entidad, {Rol.OFERENTE}))


def vincula_oferta(usuario, oferta) -> bool:
    return not permisos.solo_lectura(usuario) and (
        permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, oferta.entidad, {Rol.OFERENTE}))


rules.add_perm("agenda.gestionar_agenda", gestiona_agenda)
rules.add_perm("agenda.ver_plan", ver_plan)
rules.add_perm("agenda.crear_plan", crear_plan)
rules.add_perm("agenda.editar_plan", editar_plan)
rules.add_perm("agenda.enviar_plan", editar_plan)
rules.add_perm("agenda.revisar_plan", revisar_plan)
rules.add_perm("agenda.ver_concertado", ver_concertado)
rules.add_perm("agenda.crear_concertado", crear_concertado)
rules.add_perm("agenda.trabajar_concertado", trabajar_concertado)
rules.add_perm("agenda.actualizar_compromiso", actualizar_compromiso)
rules.add_perm("agenda.gestionar_gobernanza", gestiona_gobernanza)
rules.add_perm("agenda.gestionar_agenda_territorial", gestiona_agenda_territorial)
