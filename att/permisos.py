"""El único lugar que decide qué puede ver y hacer cada persona, según sus membresías.

Páginas, administrador y API preguntan aquí (directamente o a través de los predicados de
`rules` registrados en `att/rules.py` y en el `rules.py` de cada app).

Reglas de base (CONPES 4091 §5.3.1; DOMAIN §2):
- Una persona actúa por una entidad con el rol de su membresía activa en ella.
- El equipo departamental de una gobernación actúa además por los municipios (alcaldías) de su
  departamento: es intermediario.
- El administrador DNP y el equipo de seguimiento leen todo; el auditor lee todo y no cambia nada.
- Un integrador actúa con la entidad y el rol de su token, nada más.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from att.consultas import ConsultaFija
from att.models import Entidad, Membresia, Rol, TipoEntidad

ROLES_DNP = frozenset({Rol.ADMIN_DNP, Rol.SEGUIMIENTO_DNP})
ROLES_LECTURA_GLOBAL = frozenset({Rol.ADMIN_DNP, Rol.SEGUIMIENTO_DNP, Rol.AUDITOR})
ROLES_TERRITORIALES = frozenset({Rol.FUNCIONARIO_ET, Rol.EQUIPO_DEPARTAMENTAL})


@dataclass(frozen=True)
class Vinculo:
    """Una membresía ya resuelta: entidad, su tipo y departamento, y el rol."""

    entidad_id: int
    tipo_entidad: str
    departamento_id: str | None
    rol: str
    entidad_nombre: str = ""  # para el encabezado, sin otra consulta


# Las membresías vigentes, compiladas una vez (att/consultas.py): es la consulta de cada página con sesión.
_VINCULOS = ConsultaFija(
    lambda usuario, fecha: Membresia.objects.vigentes(fecha).filter(usuario_id=usuario)
    .values_list("entidad_id", "entidad__tipo", "entidad__departamento_id", "rol", "entidad__nombre"),
    usuario=-7_654_321, fecha=datetime.date(1901, 2, 3),
)


def vinculos(usuario) -> list[Vinculo]:
    """Membresías vigentes del usuario (activas y sin fecha de fin pasada; una consulta por petición,
    guardada en el objeto)."""
    if usuario is None or not usuario.is_authenticated:
        return []
    cache = getattr(usuario, "_att_vinculos", None)
    if cache is not None:
        return cache
    token = getattr(usuario, "_att_token", None)
    if token is not None:
        entidad = token.entidad
        cache = [Vinculo(entidad.pk, entidad.tipo, entidad.departamento_id, token.rol, entidad.nombre)]
    else:
        filas = _VINCULOS.filas(usuario=usuario.pk, fecha=timezone.localdate())
        cache = [Vinculo(*fila) for fila in filas]
    usuario._att_vinculos = cache
    return cache


def olvidar_vinculos(usuario) -> None:
    """Olvida las membresías leídas y los permisos recordados con ellas (`Usuario.has_perm`)."""
    for atributo in ("_att_vinculos", "_att_permisos"):
        if hasattr(usuario, atributo):  # (también a través de un objeto perezoso de la sesión)
            delattr(usuario, atributo)


def tiene_rol(usuario, *roles: str) -> bool:
    return any(v.rol in roles for v in vinculos(usuario))


def es_superusuario(usuario) -> bool:
    return bool(
        usuario and usuario.is_authenticated and usuario.is_superuser
        and getattr(usuario, "_att_token", None) is None
    )


def es_admin_dnp(usuario) -> bool:
    return es_superusuario(usuario) or tiene_rol(usuario, Rol.ADMIN_DNP)


def es_equipo_dnp(usuario) -> bool:
    """Administrador DNP o equipo de seguimiento: gestionan la política."""
    return es_superusuario(usuario) or tiene_rol(usuario, *ROLES_DNP)


def es_auditor(usuario) -> bool:
    return tiene_rol(usuario, Rol.AUDITOR) and not es_equipo_dnp(usuario)


def lee_todo(usuario) -> bool:
    return es_superusuario(usuario) or tiene_rol(usuario, *ROLES_LECTURA_GLOBAL)


def solo_lectura(usuario) -> bool:
    """El auditor (control interno) lee todo y no cambia nada."""
    return es_auditor(usuario)


def _entidad_en_departamento(entidad: Entidad, departamento_id: str) -> bool:
    if entidad.departamento_id == departamento_id:
        return True
    return entidad.municipio_id is not None and entidad.municipio_id[:2] == departamento_id


def actua_por(usuario, entidad: Entidad | None, roles: Iterable[str]) -> bool:
    """¿Puede el usuario actuar por `entidad` con alguno de `roles`?

    El rol de equipo departamental, si está entre `roles`, alcanza también a las entidades
    territoriales del departamento de su gobernación.
    """
    if entidad is None or solo_lectura(usuario):
        return False
    roles = set(roles)
    for v in vinculos(usuario):
        if v.rol not in roles:
            continue
        if v.entidad_id == entidad.pk:
            return True
        if (
            v.rol == Rol.EQUIPO_DEPARTAMENTAL
            and v.tipo_entidad == TipoEntidad.GOBERNACION
            and v.departamento_id
            and entidad.tipo in TipoEntidad.territoriales()
            and _entidad_en_departamento(entidad, v.departamento_id)
        ):
            return True
    return False


def puede_ver_entidad(usuario, entidad: Entidad) -> bool:
    """Ver lo privado de una entidad: sus miembros, el DNP, el auditor, su equipo departamental."""
    if lee_todo(usuario):
        return True
    return actua_por_o_lee(usuario, entidad)


def puede_ver_perfil_privado(usuario, entidad: Entidad) -> bool:
    """La parte privada del perfil de una entidad territorial (`/territorio/<DIVIPOLA>/`) y su informe de
    empalme: sus funcionarios, su equipo departamental, el DNP y el auditor. Los demás ven la parte pública."""
    return usuario is not None and usuario.is_authenticated and puede_ver_entidad(usuario, entidad)


def actua_por_o_lee(usuario, entidad: Entidad) -> bool:
    todos = {r for r in Rol.values if r != Rol.AUDITOR}
    for v in vinculos(usuario):
        if v.rol in todos and v.entidad_id == entidad.pk:
            return True
    return actua_por(usuario, entidad, {Rol.EQUIPO_DEPARTAMENTAL})


def sin_entidades(usuario, roles: Iterable[str]) -> bool:
    """¿Se sabe, sin consultar, que `entidades_de(usuario, roles)` está vacía? Anónimo, de solo lectura,
    o un token cuyo rol no está en `roles` (un token fija un solo rol)."""
    if not usuario or not usuario.is_authenticated or solo_lectura(usuario):
        return True
    token = getattr(usuario, "_att_token", None)
    return token is not None and token.rol not in roles


def entidades_de(usuario, roles: Iterable[str] | None = None) -> QuerySet[Entidad]:
    """Entidades por las que el usuario puede actuar (sin listas de ids: subconsultas)."""
    roles = list(roles) if roles is not None else [r for r in Rol.values if r != Rol.AUDITOR]
    if sin_entidades(usuario, roles):
        return Entidad.objects.none()
    token = getattr(usuario, "_att_token", None)
    if token is not None:
        filtro = Q(pk=token.entidad_id)
        if token.rol == Rol.EQUIPO_DEPARTAMENTAL and token.entidad.tipo == TipoEntidad.GOBERNACION:
            filtro |= Q(tipo__in=TipoEntidad.territoriales(), departamento_id=token.entidad.departamento_id)
        return Entidad.objects.filter(filtro)
    propias = Membresia.objects.vigentes().filter(usuario=usuario, rol__in=roles, entidad=OuterRef("pk"))
    filtro = Exists(propias)
    if Rol.EQUIPO_DEPARTAMENTAL in roles:
        departamentales = Membresia.objects.vigentes().filter(
            usuario=usuario, rol=Rol.EQUIPO_DEPARTAMENTAL,
            entidad__tipo=TipoEntidad.GOBERNACION, entidad__departamento_id=OuterRef("departamento_id"),
        )
        filtro = filtro | (Q(tipo__in=TipoEntidad.territoriales()) & Exists(departamentales))
    return Entidad.objects.filter(filtro)


def filtro_entidad(usuario, campo: str = "entidad", roles: Iterable[str] | None = None) -> Q:
    """Q para acotar una lista al alcance del usuario por una llave foránea a Entidad."""
    if lee_todo(usuario):
        return Q()
    return Q(**{f"{campo}__in": entidades_de(usuario, roles).values("pk")})


def nombre_entidad_principal(usuario) -> str:
    """El nombre de la entidad del encabezado (la de `entidad_principal`), de las membresías ya leídas."""
    vs = vinculos(usuario)
    return vs[0].entidad_nombre if vs else ""


def entidad_principal(usuario) -> Entidad | None:
    """La entidad que se muestra en el encabezado (la primera membresía activa)."""
    vs = vinculos(usuario)
    if not vs:
        return None
    cache = getattr(usuario, "_att_entidad_principal", None)
    if cache is None:
        cache = Entidad.objects.filter(pk=vs[0].entidad_id).first()
        usuario._att_entidad_principal = cache
    return cache
