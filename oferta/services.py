"""Toda escritura de la oferta: creación, edición, ciclo de vida y vector de búsqueda.

Ciclo de vida (DOMAIN §4): borrador → en revisión → devuelta (con comentarios del DNP) | publicada
→ archivada. Cada paso lo hace una función de este módulo, verifica el permiso por rol y entidad
(`PermissionDenied`), la regla de estado (`ValidationError`) y deja la transición en la historia.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import Entidad, Rol, TipoEntidad, Usuario
from att.notificaciones import notificar
from att.selectors import usuarios_con_rol
from att.services import exigir_dependencia_elegible
from att.validadores import exigir_largo

from . import rules as reglas
from .models import TODO_EL_PAIS, EstadoOferta, HitoPlantilla, Oferta, TransicionOferta

CAMPOS_M2M = (
    "cooferentes", "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
    "focaliza_departamentos", "focaliza_entidades", "indicadores",
)
M2M_OBLIGATORIOS = ("descriptores", "temas", "capacidades", "etapas", "modalidades")
CATEGORIA_NOTIFICACION = "oferta"


# --- Búsqueda ---------------------------------------------------------------------------------
def _sql_busqueda() -> str:
    o = Oferta._meta.db_table
    m2m = {nombre: Oferta._meta.get_field(nombre).remote_field.through._meta.db_table
           for nombre in ("temas", "descriptores", "cooferentes", "capacidades", "etapas", "modalidades",
                          "focaliza_departamentos", "focaliza_entidades")}

    def ids(campo, columna):
        return f"ARRAY(SELECT x.{columna} FROM {m2m[campo]} x WHERE x.oferta_id = o.id ORDER BY 1)"

    return f"""
    UPDATE {o} AS o SET
        actualizada = clock_timestamp(),
        facetas_descriptores = {ids("descriptores", "descriptortematico_id")},
        facetas_temas = {ids("temas", "tema_id")},
        facetas_capacidades = {ids("capacidades", "capacidad_id")},
        facetas_etapas = {ids("etapas", "etapaciclo_id")},
        facetas_modalidades = {ids("modalidades", "modalidad_id")},
        facetas_departamentos = (
            WITH d AS (SELECT x.departamento_id AS c FROM {m2m["focaliza_departamentos"]} x WHERE x.oferta_id = o.id),
                 l AS (SELECT coalesce(te.departamento_id, left(te.municipio_id, 2)) AS c
                       FROM {m2m["focaliza_entidades"]} x JOIN att_entidad te ON te.id = x.entidad_id
                       WHERE x.oferta_id = o.id)
            SELECT CASE
                WHEN NOT EXISTS (SELECT FROM d) AND NOT EXISTS (SELECT FROM l) THEN ARRAY['{TODO_EL_PAIS}']
                WHEN NOT EXISTS (SELECT FROM l) THEN ARRAY(SELECT c FROM d ORDER BY 1)
                WHEN NOT EXISTS (SELECT FROM d) THEN ARRAY(SELECT DISTINCT c FROM l WHERE c IS NOT NULL ORDER BY 1)
                ELSE ARRAY(SELECT c FROM d INTERSECT SELECT c FROM l ORDER BY 1)
            END::varchar[]),
        facetas_entidades = ARRAY(SELECT o.entidad_id UNION SELECT x.entidad_id FROM {m2m["cooferentes"]} x
                                  WHERE x.oferta_id = o.id AND x.entidad_id <> o.entidad_id),
        busqueda =
        setweight(to_tsvector('es_unaccent', coalesce(o.nombre, '')), 'A')
        || setweight(to_tsvector('es_unaccent',
              coalesce((SELECT string_agg(t.nombre, ' ') FROM {m2m['temas']} ot
                        JOIN att_tema t ON t.id = ot.tema_id WHERE ot.oferta_id = o.id), '')
              || ' ' ||
              coalesce((SELECT string_agg(d.nombre, ' ') FROM {m2m['descriptores']} od
                        JOIN att_descriptortematico d ON d.id = od.descriptortematico_id
                        WHERE od.oferta_id = o.id), '')), 'B')
        || setweight(to_tsvector('es_unaccent', coalesce(o.necesidad, '') || ' ' || coalesce(o.descripcion, '')), 'C')
        || setweight(to_tsvector('es_unaccent',
              e.nombre || ' ' || coalesce(e.sigla, '') || ' ' ||
              coalesce((SELECT string_agg(c.nombre || ' ' || c.sigla, ' ') FROM {m2m['cooferentes']} oc
                        JOIN att_entidad c ON c.id = oc.entidad_id WHERE oc.oferta_id = o.id), '')), 'D')
    FROM att_entidad AS e
    WHERE e.id = o.entidad_id AND o.id = ANY(%s)
    """


def actualizar_busqueda(ofertas_ids: Iterable[int]) -> int:
    """Recalcula el vector de búsqueda ponderado de esas ofertas en una sola sentencia UPDATE
    (y, en la misma, la copia de los ids de sus facetas). Llámela después de cambiar una oferta o
    sus relaciones de muchos a muchos.

    Departamentos cubiertos (faceta del portal), con los criterios combinados con Y como en el cruce
    de la demanda: los focalizados; si hay lista explícita de entidades, los de esas entidades (y,
    con ambos criterios, los que están en los dos); sin ninguno, todo el país ('00').

    Pesos: nombre A; temas y descriptores B; necesidad y descripción C; entidad oferente y
    cooferentes (nombre y sigla) D. Configuración 'es_unaccent': sin tildes ni mayúsculas.
    """
    ids = [int(i) for i in ofertas_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_sql_busqueda(), [ids])
        return cursor.rowcount


# --- Creación y edición -----------------------------------------------------------------------
def _asignar(oferta: Oferta, datos: dict) -> dict:
    """Pone los campos simples en la instancia y devuelve los de muchos a muchos."""
    m2m = {}
    for campo, valor in datos.items():
        if campo in CAMPOS_M2M:
            m2m[campo] = list(valor or [])
        elif campo in ("id", "pk", "estado", "busqueda", "creada_por", "publicada_en", "comentario_revision"):
            continue
        else:
            setattr(oferta, campo, valor)
    return m2m


def _validar(oferta: Oferta, m2m: dict, *, nueva: bool, dependencia_previa=None) -> None:
    errores = {}
    # Las restricciones de la tabla, con su frase en español (la de `full_clean` es genérica).
    if oferta.vigencia_hasta and oferta.vigencia_desde and oferta.vigencia_hasta < oferta.vigencia_desde:
        errores.setdefault("vigencia_hasta", []).append(ValidationError(_("La vigencia termina antes de empezar.")))
    if not (oferta.dirigida_a_alcaldias or oferta.dirigida_a_gobernaciones):
        errores.setdefault("dirigida_a_alcaldias", []).append(
            ValidationError(_("Debe dirigirse a alcaldías, a gobernaciones o a ambas.")))
    try:
        oferta.full_clean(exclude=["busqueda"], validate_constraints=not errores)
    except ValidationError as e:
        errores = e.update_error_dict(errores)
    try:
        exigir_dependencia_elegible(oferta.dependencia, entidad_id=oferta.entidad_id, actual_id=dependencia_previa)
    except ValidationError as e:
        errores = e.update_error_dict(errores)
    for campo in M2M_OBLIGATORIOS:
        if (campo in m2m and not m2m[campo]) or (nueva and campo not in m2m):
            errores.setdefault(campo, []).append(ValidationError(_("Elija al menos una opción.")))
    if oferta.entidad_id and any(
        getattr(e, "pk", e) == oferta.entidad_id for e in m2m.get("cooferentes", [])
    ):
        errores.setdefault("cooferentes", []).append(
            ValidationError(_("La entidad oferente no puede ser a la vez cooferente."))
        )
    lista = m2m.get("focaliza_entidades") or []
    ids = [getattr(e, "pk", e) for e in lista]
    if ids and Entidad.objects.filter(pk__in=ids).exclude(tipo__in=TipoEntidad.territoriales()).exists():
        errores.setdefault("focaliza_entidades", []).append(ValidationError(
            _("La lista explícita solo admite entidades territoriales (alcaldías y gobernaciones).")))
    if errores:
        raise ValidationError(errores)


def _guardar_m2m(oferta: Oferta, m2m: dict) -> None:
    for campo, valores in m2m.items():
        getattr(oferta, campo).set(valores)


def oferta_validar(*, por: Usuario, entidad: Entidad, datos: dict) -> tuple[Oferta, dict]:
    """La validación de un borrador nuevo, sin guardarlo (la misma del formulario y de la importación
    de archivos, `oferta.importacion`). Devuelve la oferta sin guardar y sus valores de muchos a muchos."""
    oferta = Oferta(entidad=entidad, creada_por=por, estado=EstadoOferta.BORRADOR)
    datos = {k: v for k, v in datos.items() if k != "entidad"}
    m2m = _asignar(oferta, datos)
    _validar(oferta, m2m, nueva=True)
    return oferta, m2m


@transaction.atomic
def oferta_crear(*, por: Usuario, entidad: Entidad, datos: dict) -> Oferta:
    """Crea un borrador para `entidad`; solo un oferente de esa entidad."""
    if not reglas.es_oferente_de(por, entidad):
        raise PermissionDenied(_("Solo un oferente de %(entidad)s puede crear ofertas a su nombre.")
                               % {"entidad": entidad})
    oferta, m2m = oferta_validar(por=por, entidad=entidad, datos=datos)
    oferta.save()
    _guardar_m2m(oferta, m2m)
    TransicionOferta.objects.create(
        oferta=oferta, de_estado="", a_estado=EstadoOferta.BORRADOR, por=por, motivo=_("Creación de la oferta.")
    )
    actualizar_busqueda([oferta.pk])
    return oferta


def _bloquear(oferta: Oferta) -> Oferta:
    return Oferta.objects.select_for_update().select_related("entidad").get(pk=oferta.pk)


@transaction.atomic
def oferta_actualizar(*, por: Usuario, oferta: Oferta, datos: dict) -> Oferta:
    """Edita un borrador o una oferta devuelta de la propia entidad."""
    actual = _bloquear(oferta)
    if not reglas.gestiona(por, actual):
        raise PermissionDenied(_("Solo un oferente de la entidad puede editar esta oferta."))
    if actual.estado not in reglas.ESTADOS_EDITABLES:
        raise ValidationError(_("Solo se editan ofertas en borrador o devueltas; esta está «%(estado)s».")
                              % {"estado": actual.get_estado_display()})
    nueva_entidad = datos.get("entidad")
    if nueva_entidad is not None and nueva_entidad.pk != actual.entidad_id:
        if not reglas.es_oferente_de(por, nueva_entidad):
            raise PermissionDenied(_("No puede pasar la oferta a una entidad por la que no actúa."))
        actual.entidad = nueva_entidad
    datos = {k: v for k, v in datos.items() if k != "entidad"}
    previa = actual.dependencia_id
    m2m = _asignar(actual, datos)
    _validar(actual, m2m, nueva=False, dependencia_previa=previa)
    actual.save()
    _guardar_m2m(actual, m2m)
    actualizar_busqueda([actual.pk])
    return actual


# --- Plantilla de hitos del producto -----------------------------------------------------------------
MAXIMO_HITOS_PLANTILLA = 40


@transaction.atomic
def plantilla_hitos_guardar(*, oferta: Oferta, filas: list[dict], por: Usuario) -> list[HitoPlantilla]:
    """Reemplaza los hitos estándar del producto por `filas` (nombre, peso, desfase_dias, en orden).

    Solo el oferente de la entidad. Las líneas que ya copiaron la plantilla conservan sus hitos: la
    plantilla es el punto de partida de las líneas nuevas, nunca reescribe las empezadas. Reenviar las
    mismas filas deja la plantilla igual (sin historial nuevo)."""
    actual = _bloquear(oferta)
    if not reglas.gestiona(por, actual):
        raise PermissionDenied(_("Solo un oferente de la entidad define los hitos del producto."))
    if len(filas) > MAXIMO_HITOS_PLANTILLA:
        raise ValidationError(_("La plantilla admite hasta %(n)s hitos.") % {"n": MAXIMO_HITOS_PLANTILLA})
    nuevas = []
    for orden, fila in enumerate(filas):
        nombre = (fila.get("nombre") or "").strip()
        exigir_largo(HitoPlantilla, "nombre", nombre)
        hito = HitoPlantilla(oferta=actual, orden=orden, nombre=nombre, peso=fila.get("peso") or 1,
                             desfase_dias=fila.get("desfase_dias") or 0)
        try:
            hito.full_clean(exclude=["oferta"])
        except ValidationError as e:
            raise ValidationError({"plantilla_hitos": [
                _("Hito %(n)s: %(error)s") % {"n": orden + 1, "error": " ".join(e.messages)}]}) from e
        nuevas.append(hito)
    existentes = list(actual.plantilla_hitos.order_by("orden", "pk"))
    if [(h.nombre, h.peso, h.desfase_dias) for h in existentes] == [(h.nombre, h.peso, h.desfase_dias) for h in nuevas]:
        return existentes
    for hito in existentes:  # uno por uno: cada borrado queda en el historial
        hito._history_user = por
        hito.delete()
    for hito in nuevas:
        hito._history_user = por
        hito.save()
    return nuevas


# --- Ciclo de vida ----------------------------------------------------------------------------
def _transicion(oferta: Oferta, *, a: str, por: Usuario, motivo: str = "") -> Oferta:
    exigir_largo(TransicionOferta, "motivo", motivo)
    de = oferta.estado
    oferta.estado = a
    oferta.save(update_fields=["estado", "comentario_revision", "publicada_en", "actualizada"])
    TransicionOferta.objects.create(oferta=oferta, de_estado=de, a_estado=a, por=por, motivo=motivo)
    return oferta


def _exigir_estado(oferta: Oferta, permitidos: Iterable[str], accion: str) -> None:
    if oferta.estado not in permitidos:
        raise ValidationError(
            _("No se puede %(accion)s una oferta en estado «%(estado)s».")
            % {"accion": accion, "estado": oferta.get_estado_display()}
        )


def _admins_dnp():
    return usuarios_con_rol(None, Rol.ADMIN_DNP)


def _ve(oferta: Oferta):
    """El predicado de la página de la oferta (`oferta.ver`, el que usa su vista): decide también a
    quién le llega la alerta que la enlaza."""
    return lambda usuario: usuario.has_perm("oferta.ver", oferta)


def _oferentes(oferta: Oferta):
    return usuarios_con_rol(oferta.entidad_id, Rol.OFERENTE)


@transaction.atomic
def oferta_enviar(*, oferta: Oferta, por: Usuario) -> Oferta:
    """Borrador o devuelta → en revisión (el DNP/DER valida)."""
    actual = _bloquear(oferta)
    if not reglas.gestiona(por, actual):
        raise PermissionDenied(_("Solo un oferente de la entidad puede enviar esta oferta a revisión."))
    _exigir_estado(actual, reglas.ESTADOS_EDITABLES, _("enviar a revisión"))
    _transicion(actual, a=EstadoOferta.EN_REVISION, por=por, motivo=_("Enviada a revisión del DNP."))
    notificar(
        usuarios=_admins_dnp(), categoria=CATEGORIA_NOTIFICACION, puede_ver=_ve(actual),
        titulo=_("Oferta para revisar: %(nombre)s") % {"nombre": actual.nombre},
        mensaje=_("%(entidad)s envió una oferta a revisión.") % {"entidad": actual.entidad},
        url=f"/oferta/{actual.pk}/",
    )
    return actual


@transaction.atomic
def oferta_devolver(*, oferta: Oferta, por: Usuario, comentario: str) -> Oferta:
    """En revisión → devuelta, con los comentarios del DNP (obligatorios)."""
    actual = _bloquear(oferta)
    if not reglas.revisa(por):
        raise PermissionDenied(_("Solo un administrador DNP puede devolver ofertas."))
    _exigir_estado(actual, [EstadoOferta.EN_REVISION], _("devolver"))
    comentario = (comentario or "").strip()
    if not comentario:
        raise ValidationError({"comentario": _("Escriba los comentarios para que la entidad corrija la oferta.")})
    exigir_largo(Oferta, "comentario_revision", comentario, clave="comentario")
    actual.comentario_revision = comentario
    _transicion(actual, a=EstadoOferta.DEVUELTA, por=por, motivo=comentario)
    notificar(
        usuarios=_oferentes(actual), categoria=CATEGORIA_NOTIFICACION, puede_ver=_ve(actual),
        titulo=_("Oferta devuelta con comentarios: %(nombre)s") % {"nombre": actual.nombre},
        mensaje=comentario, url=f"/oferta/{actual.pk}/",
    )
    return actual


@transaction.atomic
def oferta_publicar(*, oferta: Oferta, por: Usuario, comentario: str = "") -> Oferta:
    """En revisión → publicada: desde ahora es pública en el portal, la API y los datos abiertos."""
    actual = _bloquear(oferta)
    if not reglas.revisa(por):
        raise PermissionDenied(_("Solo un administrador DNP puede publicar ofertas."))
    _exigir_estado(actual, [EstadoOferta.EN_REVISION], _("publicar"))
    exigir_largo(TransicionOferta, "motivo", comentario, clave="comentario")
    actual.publicada_en = timezone.now()
    actual.comentario_revision = ""
    _transicion(actual, a=EstadoOferta.PUBLICADA, por=por, motivo=(comentario or "").strip() or _("Publicada."))
    notificar(
        usuarios=_oferentes(actual), categoria=CATEGORIA_NOTIFICACION, puede_ver=_ve(actual),
        titulo=_("Oferta publicada: %(nombre)s") % {"nombre": actual.nombre},
        url=f"/oferta/{actual.pk}/",
    )
    from att.salida import encolar

    # Las demandas que eran brecha y comparten tema se vuelven a cruzar (fuera de la petición).
    encolar("demanda.recruzar_brechas", actual.pk, clave=f"recruzar-brechas-{actual.pk}")
    encolar("oferta.refrescar_vocabulario", clave="oferta-vocabulario")
    encolar("oferta.generar_datos_abiertos", clave="oferta-datos-abiertos")  # la instantánea de /oferta/exportar/
    return actual


@transaction.atomic
def oferta_archivar(*, oferta: Oferta, por: Usuario, motivo: str) -> Oferta:
    """Publicada → archivada (deja de ser pública); la entidad oferente o el DNP, con motivo."""
    actual = _bloquear(oferta)
    if not (reglas.gestiona(por, actual) or reglas.revisa(por)):
        raise PermissionDenied(_("Solo un oferente de la entidad o un administrador DNP puede archivar esta oferta."))
    _exigir_estado(actual, [EstadoOferta.PUBLICADA], _("archivar"))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": _("Explique por qué se archiva la oferta.")})
    _transicion(actual, a=EstadoOferta.ARCHIVADA, por=por, motivo=motivo)
    from att.salida import encolar

    # Las demandas de las que era la mejor oferta se vuelven a cruzar (fuera de la petición).
    encolar("demanda.recruzar_de_oferta", actual.pk, clave=f"recruzar-de-oferta-{actual.pk}")
    encolar("oferta.refrescar_vocabulario", clave="oferta-vocabulario")
    encolar("oferta.generar_datos_abiertos", clave="oferta-datos-abiertos")  # la instantánea de /oferta/exportar/
    return actual
