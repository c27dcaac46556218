"""Toda escritura de la gestión del conocimiento: permisos verificados adentro, mensajes en español."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from att import permisos
from att.models import Usuario
from att.notificaciones import notificar
from att.salida import encolar
from att.selectors import usuarios_con_rol
from att.validadores import exigir_largo, validar_adjunto
from conocimiento import certificados
from conocimiento.models import (
    Curso,
    Discusion,
    EspacioComunidad,
    EstadoInscripcion,
    EstadoRecurso,
    EstadoReporte,
    Evento,
    Inscripcion,
    Material,
    MiembroEspacio,
    PreguntaFrecuente,
    Recurso,
    RegistroEvento,
    ReporteAbuso,
    Respuesta,
    RolMiembro,
    SesionFormacion,
    TipoMaterial,
    TipoRecurso,
)
from conocimiento.rules import (
    entidades_atribuibles,
    es_miembro_red,
    gestiona_curso,
    gestiona_oferta,
    modera_espacio,
)

CONFIG_BUSQUEDA = "es_unaccent"
# Documentos del repositorio: tipos de oficina y PDF, 20 MB como máximo.
EXTENSIONES_MATERIAL = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "jpg", "jpeg", "png"]
MAX_BYTES_MATERIAL = 20 * 1024 * 1024

CAMPOS_RECURSO = (
    "titulo", "resumen", "contenido", "entidad", "municipio", "departamento", "oferta", "plan",
    "experiencia", "periodo", "resultados", "como_replicarla", "recomendacion",
)


def _exigir(condicion: bool, mensaje: str) -> None:
    if not condicion:
        raise PermissionDenied(mensaje)


# --- Repositorio -----------------------------------------------------------------------------
def vector_busqueda(recurso_ids) -> None:
    """Recalcula el vector ponderado de los recursos dados: título A; resumen y temas B; texto y oferta
    enlazada C; entidad, municipio y departamento D. Los temas cuentan: «agua» encuentra una práctica
    del tema «Agua potable y saneamiento básico» aunque su texto hable solo del acueducto."""
    from django.contrib.postgres.aggregates import StringAgg
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from att.models import Entidad, Tema
    from oferta.models import Oferta

    temas = Subquery(
        Tema.objects.filter(recursos_conocimiento=OuterRef("pk"))
        .values("recursos_conocimiento").annotate(t=StringAgg("nombre", " ")).values("t")[:1]
    )
    oferta = Coalesce(Subquery(Oferta.objects.filter(pk=OuterRef("oferta_id")).values("nombre")[:1]), Value(""))
    entidad = Coalesce(Subquery(Entidad.objects.filter(pk=OuterRef("entidad_id")).values("nombre")[:1]), Value(""))
    Recurso.objects.filter(pk__in=recurso_ids).update(
        busqueda=(
            SearchVector("titulo", weight="A", config=CONFIG_BUSQUEDA)
            + SearchVector("resumen", weight="B", config=CONFIG_BUSQUEDA)
            + SearchVector(temas, weight="B", config=CONFIG_BUSQUEDA)
            + SearchVector("contenido", "resultados", "como_replicarla", "recomendacion", oferta,
                           weight="C", config=CONFIG_BUSQUEDA)
            + SearchVector(entidad, weight="D", config=CONFIG_BUSQUEDA)
        )
    )


def _exigir_entidad_propia(recurso: Recurso, por: Usuario) -> None:
    """Quien solo tiene roles territoriales documenta experiencias de sus propias entidades; el DNP
    y los oferentes (que acompañan a muchas) pueden atribuirlas a cualquier entidad territorial."""
    if recurso.entidad_id and not entidades_atribuibles(por).filter(pk=recurso.entidad_id).exists():
        raise ValidationError({"entidad": _("Elija una entidad por la que usted actúa: solo puede documentar experiencias de sus propias entidades.")})


def _completar_territorio(recurso: Recurso) -> None:
    if recurso.entidad_id and not recurso.municipio_id and recurso.entidad.municipio_id:
        recurso.municipio_id = recurso.entidad.municipio_id
    if not recurso.departamento_id:
        if recurso.municipio_id:
            recurso.departamento_id = recurso.municipio_id[:2]
        elif recurso.entidad_id and recurso.entidad.departamento_id:
            recurso.departamento_id = recurso.entidad.departamento_id
    if recurso.experiencia_id and recurso.tipo != TipoRecurso.BUENA_PRACTICA:
        recurso.experiencia = None
    if recurso.experiencia_id and recurso.experiencia.tipo != TipoRecurso.EXPERIENCIA:
        raise ValidationError({"experiencia": _("Solo una experiencia significativa puede reunir buenas prácticas.")})


def _exigir_enlaces_visibles(recurso: Recurso, por: Usuario, antes: Recurso | None = None) -> None:
    """La experiencia, la oferta y el plan enlazados deben estar publicados (o aprobado, el plan) o ser
    de quien propone: de lo contrario sus títulos quedarían a la vista en la ficha del recurso (y el
    plan en borrador de otra entidad, con su entidad y vigencia). Al editar solo se revisa el enlace
    que cambia."""
    from agenda.models import EstadoPlan
    from agenda.selectors import planes_visibles
    from oferta.selectors import ofertas_visibles

    if recurso.plan_id and (antes is None or antes.plan_id != recurso.plan_id):
        visible = (planes_visibles(por).filter(pk=recurso.plan_id).exists()
                   or recurso.plan.estado == EstadoPlan.APROBADO)
        if not visible:
            raise ValidationError({"plan": _("Elija un plan de trabajo aprobado o de su entidad.")})

    experiencia = recurso.experiencia if recurso.experiencia_id else None
    if antes is not None and antes.experiencia_id == recurso.experiencia_id:
        experiencia = None
    if (experiencia is not None and not experiencia.publicado and experiencia.propuesto_por_id != por.pk
            and not permisos.es_equipo_dnp(por)):
        raise ValidationError({"experiencia": _("Elija una experiencia significativa ya publicada en el repositorio.")})
    if antes is not None and antes.oferta_id == recurso.oferta_id:
        return
    if recurso.oferta_id and not ofertas_visibles(por).filter(pk=recurso.oferta_id).exists():
        raise ValidationError({"oferta": _("Elija una oferta publicada en el portal.")})


@transaction.atomic
def recurso_proponer(*, por: Usuario, tipo: str, temas=(), **datos) -> Recurso:
    """Cualquier miembro de la red propone; queda en revisión del DNP y el DNP recibe la alerta."""
    _exigir(es_miembro_red(por), _("Solo los miembros de la red pueden proponer al repositorio."))
    if tipo not in TipoRecurso.values:
        raise ValidationError({"tipo": _("Elija si comparte una experiencia significativa, una buena práctica o una lección aprendida.")})
    recurso = Recurso(tipo=tipo, propuesto_por=por, estado=EstadoRecurso.PROPUESTO,
                      **{k: v for k, v in datos.items() if k in CAMPOS_RECURSO})
    _exigir_entidad_propia(recurso, por)
    _completar_territorio(recurso)
    _exigir_enlaces_visibles(recurso, por)
    recurso.full_clean(exclude=["busqueda"])
    recurso.save()
    recurso.temas.set(temas)
    vector_busqueda([recurso.pk])
    revisores = usuarios_con_rol(None, permisos.ROLES_DNP)
    notificar(
        usuarios=list(revisores), categoria="conocimiento",
        titulo=_("Nueva propuesta para el repositorio: %(t)s") % {"t": recurso.titulo},
        mensaje=_("%(p)s propuso un recurso; revíselo para publicarlo.") % {"p": por},
        url=reverse("conocimiento:revision"), clave=f"recurso-propuesto-{recurso.pk}",
        puede_ver=lambda u: u.has_perm("conocimiento.revisar_recurso"),
    )
    return recurso


@transaction.atomic
def recurso_editar(*, recurso: Recurso, por: Usuario, temas=None, **datos) -> Recurso:
    recurso = Recurso.objects.select_for_update().get(pk=recurso.pk)
    _exigir(por.has_perm("conocimiento.editar_recurso", recurso), _("Solo quien propuso el recurso (mientras no esté publicado) y el equipo del DNP pueden editarlo."))
    antes = Recurso(experiencia_id=recurso.experiencia_id, oferta_id=recurso.oferta_id, plan_id=recurso.plan_id)
    for campo, valor in datos.items():
        if campo in CAMPOS_RECURSO:
            setattr(recurso, campo, valor)
    _exigir_entidad_propia(recurso, por)
    _completar_territorio(recurso)
    _exigir_enlaces_visibles(recurso, por, antes)
    if recurso.estado == EstadoRecurso.DEVUELTO and not permisos.es_equipo_dnp(por):
        recurso.estado = EstadoRecurso.PROPUESTO  # vuelve a revisión con los ajustes
    recurso.full_clean(exclude=["busqueda"])
    recurso.save()
    if temas is not None:
        recurso.temas.set(temas)
    vector_busqueda([recurso.pk])
    return recurso


@transaction.atomic
def recurso_revisar(*, recurso: Recurso, por: Usuario, publicar: bool, comentario: str = "") -> Recurso:
    """El equipo DNP publica o devuelve con comentarios; quien propuso recibe la alerta."""
    _exigir(permisos.es_equipo_dnp(por), _("Solo el equipo del DNP revisa y publica el repositorio."))
    recurso = Recurso.objects.select_for_update().get(pk=recurso.pk)
    if recurso.estado not in (EstadoRecurso.PROPUESTO, EstadoRecurso.DEVUELTO):
        raise ValidationError(_("Este recurso ya fue revisado (estado: %(e)s).") % {"e": recurso.get_estado_display()})
    if not publicar and not comentario.strip():
        raise ValidationError({"comentario": _("Explique qué se debe ajustar antes de devolver la propuesta.")})
    exigir_largo(Recurso, "comentario_revision", comentario, clave="comentario")
    recurso.revisado_por = por
    recurso.comentario_revision = comentario
    if publicar:
        recurso.estado = EstadoRecurso.PUBLICADO
        recurso.publicado_en = timezone.now()
        titulo = _("Su propuesta «%(t)s» fue publicada en el repositorio") % {"t": recurso.titulo}
    else:
        recurso.estado = EstadoRecurso.DEVUELTO
        titulo = _("Su propuesta «%(t)s» fue devuelta con comentarios") % {"t": recurso.titulo}
    recurso.save(update_fields=["estado", "publicado_en", "revisado_por", "comentario_revision", "actualizado"])
    if publicar:
        encolar("conocimiento.refrescar_vocabulario", clave="conocimiento-vocabulario")
    notificar(usuarios=[recurso.propuesto_por], categoria="conocimiento", titulo=titulo, mensaje=comentario,
              url=reverse("conocimiento:recurso", args=[recurso.pk]),
              puede_ver=lambda u: u.has_perm("conocimiento.ver_recurso", recurso))
    return recurso


@transaction.atomic
def recurso_retirar(*, recurso: Recurso, por: Usuario, motivo: str) -> Recurso:
    _exigir(permisos.es_equipo_dnp(por), _("Solo el equipo del DNP retira recursos publicados."))
    recurso = Recurso.objects.select_for_update().get(pk=recurso.pk)
    if not recurso.publicado:
        raise ValidationError(_("Solo se retiran recursos publicados."))
    if not motivo.strip():
        raise ValidationError({"motivo": _("Explique por qué se retira el recurso.")})
    exigir_largo(Recurso, "comentario_revision", motivo, clave="motivo")
    recurso.estado = EstadoRecurso.RETIRADO
    recurso.comentario_revision = motivo
    recurso.revisado_por = por
    recurso.save(update_fields=["estado", "comentario_revision", "revisado_por", "actualizado"])
    encolar("conocimiento.refrescar_vocabulario", clave="conocimiento-vocabulario")
    return recurso


@transaction.atomic
def material_agregar(*, recurso: Recurso, por: Usuario, tipo: str, titulo: str, archivo=None, url: str = "") -> Material:
    _exigir(por.has_perm("conocimiento.editar_recurso", recurso), _("Solo quien propuso el recurso (mientras no esté publicado) y el equipo del DNP pueden agregarle materiales."))
    if tipo == TipoMaterial.DOCUMENTO:
        if archivo is None:
            raise ValidationError({"archivo": _("Adjunte el documento.")})
        try:
            validar_adjunto(archivo, extensiones=EXTENSIONES_MATERIAL, max_bytes=MAX_BYTES_MATERIAL)
        except ValidationError as e:
            raise ValidationError({"archivo": e.messages}) from e
        material = Material(recurso=recurso, tipo=tipo, titulo=titulo, archivo=archivo, tamano=archivo.size,
                            subido_por=por)
    else:
        if not url:
            raise ValidationError({"url": _("Escriba el enlace al video o al pódcast.")})
        material = Material(recurso=recurso, tipo=tipo, titulo=titulo, url=url, subido_por=por)
    material.full_clean(exclude=["archivo"] if archivo is not None else None)
    material.save()
    return material


# --- Comunidad de práctica -------------------------------------------------------------------
@transaction.atomic
def espacio_crear(*, por: Usuario, nombre: str, tipo: str, descripcion: str = "", tema=None, region: str = "") -> EspacioComunidad:
    _exigir(permisos.es_equipo_dnp(por), _("Solo el equipo del DNP abre espacios de la comunidad."))
    espacio = EspacioComunidad(nombre=nombre, slug=slugify(nombre)[:160], tipo=tipo, descripcion=descripcion,
                               tema=tema, region=region)
    espacio.full_clean()
    espacio.save()
    return espacio


@transaction.atomic
def espacio_unirse(*, espacio: EspacioComunidad, por: Usuario, sigue: bool = True) -> MiembroEspacio:
    _exigir(es_miembro_red(por), _("Para unirse a la comunidad necesita pertenecer a una entidad con un rol que no sea solo de consulta."))
    _exigir_espacio_activo(espacio)
    miembro, creado = MiembroEspacio.objects.get_or_create(espacio=espacio, usuario=por, defaults={"sigue": sigue})
    if not creado and miembro.sigue != sigue:
        miembro.sigue = sigue
        miembro.save(update_fields=["sigue"])
    return miembro


@transaction.atomic
def espacio_salir(*, espacio: EspacioComunidad, por: Usuario) -> None:
    MiembroEspacio.objects.filter(espacio=espacio, usuario=por).delete()


def _exigir_espacio_activo(espacio: EspacioComunidad) -> None:
    if not espacio.activo:
        raise ValidationError(_("Este espacio de la comunidad está cerrado."))


def _ve_discusion(discusion):
    """La regla de la página de la discusión decide también a quién le llega su alerta."""
    from conocimiento.selectors import puede_ver_discusion

    return lambda usuario: puede_ver_discusion(usuario, discusion)


def _ve_sesion(sesion):
    """La de la página de la sesión (`sesiones_visibles`, como su vista)."""
    from conocimiento.selectors import sesiones_visibles

    return lambda usuario: sesiones_visibles(usuario).filter(pk=sesion.pk).exists()


def _es_miembro(espacio, usuario) -> bool:
    return MiembroEspacio.objects.filter(espacio=espacio, usuario=usuario).exists()


@transaction.atomic
def moderador_designar(*, espacio: EspacioComunidad, usuario: Usuario, por: Usuario) -> MiembroEspacio:
    _exigir(permisos.es_equipo_dnp(por), _("Solo el equipo del DNP designa moderadores."))
    miembro, _c = MiembroEspacio.objects.update_or_create(
        espacio=espacio, usuario=usuario, defaults={"rol": RolMiembro.MODERADOR}
    )
    return miembro


@transaction.atomic
def discusion_abrir(*, espacio: EspacioComunidad, por: Usuario, titulo: str, cuerpo: str) -> Discusion:
    _exigir(es_miembro_red(por) and (_es_miembro(espacio, por) or modera_espacio(por, espacio)),
            _("Únase al espacio para abrir discusiones."))
    _exigir_espacio_activo(espacio)
    discusion = Discusion(espacio=espacio, autor=por, titulo=titulo, cuerpo=cuerpo)
    discusion.full_clean()
    discusion.save()
    discusion.seguidores.add(por)
    seguidores = Usuario.objects.filter(
        espacios_comunidad__espacio=espacio, espacios_comunidad__sigue=True, is_active=True
    ).exclude(pk=por.pk)
    notificar(
        usuarios=list(seguidores), categoria="comunidad",
        titulo=_("Nueva discusión en %(e)s: %(t)s") % {"e": espacio.nombre, "t": titulo},
        mensaje=cuerpo[:300], url=reverse("conocimiento:discusion", args=[discusion.pk]),
        clave=f"discusion-{discusion.pk}", puede_ver=_ve_discusion(discusion),
    )
    return discusion


@transaction.atomic
def respuesta_publicar(*, discusion: Discusion, por: Usuario, cuerpo: str) -> Respuesta:
    discusion = Discusion.objects.select_for_update().select_related("espacio").get(pk=discusion.pk)
    moderador = modera_espacio(por, discusion.espacio)
    _exigir(es_miembro_red(por) and (_es_miembro(discusion.espacio, por) or moderador),
            _("Únase al espacio para responder."))
    if discusion.oculta and not moderador:
        raise PermissionDenied(_("Esta discusión fue ocultada por moderación."))
    if discusion.cerrada:
        raise ValidationError(_("La discusión está cerrada: ya no recibe respuestas."))
    _exigir_espacio_activo(discusion.espacio)
    if not cuerpo.strip():
        raise ValidationError({"cuerpo": _("Escriba su respuesta.")})
    exigir_largo(Respuesta, "cuerpo", cuerpo)
    respuesta = Respuesta.objects.create(discusion=discusion, autor=por, cuerpo=cuerpo)
    ahora = timezone.now()
    Discusion.objects.filter(pk=discusion.pk).update(ultima_actividad=ahora, actualizado=ahora)
    discusion.seguidores.add(por)
    seguidores = discusion.seguidores.filter(is_active=True).exclude(pk=por.pk)
    notificar(
        usuarios=list(seguidores), categoria="comunidad",
        titulo=_("Nueva respuesta en «%(t)s»") % {"t": discusion.titulo},
        mensaje=f"{por}: {cuerpo[:300]}", url=reverse("conocimiento:discusion", args=[discusion.pk]) + f"#r{respuesta.pk}",
        clave=f"respuesta-{respuesta.pk}", puede_ver=_ve_discusion(discusion),
    )
    return respuesta


@transaction.atomic
def discusion_seguir(*, discusion: Discusion, por: Usuario, seguir: bool) -> None:
    _exigir(es_miembro_red(por), _("Solo los miembros de la red pueden seguir discusiones."))
    _exigir_espacio_activo(discusion.espacio)
    if seguir and discusion.oculta and not modera_espacio(por, discusion.espacio):
        raise PermissionDenied(_("Esta discusión fue ocultada por moderación."))
    if seguir:
        discusion.seguidores.add(por)
    else:
        discusion.seguidores.remove(por)


@transaction.atomic
def moderar(*, objeto: Discusion | Respuesta, por: Usuario, ocultar: bool | None = None,
            cerrar: bool | None = None, motivo: str = "") -> Discusion | Respuesta:
    """Ocultar o mostrar una discusión o respuesta; cerrar o reabrir una discusión."""
    espacio = objeto.espacio if isinstance(objeto, Discusion) else objeto.discusion.espacio
    _exigir(modera_espacio(por, espacio), _("Solo los moderadores del espacio pueden moderar."))
    if ocultar is None and (cerrar is None or isinstance(objeto, Respuesta)):
        raise ValidationError(_("Elija una acción de moderación: ocultar, mostrar, cerrar o reabrir."))
    campos = []
    if ocultar is not None:
        if ocultar and not motivo.strip():
            raise ValidationError({"motivo": _("Indique el motivo para ocultar el mensaje.")})
        exigir_largo(type(objeto), "motivo_moderacion", motivo, clave="motivo")
        objeto.oculta = ocultar
        objeto.motivo_moderacion = motivo if ocultar else ""
        campos += ["oculta", "motivo_moderacion"]
        if isinstance(objeto, Respuesta):
            objeto.moderada_por = por
            campos.append("moderada_por")
    if cerrar is not None and isinstance(objeto, Discusion):
        objeto.cerrada = cerrar
        campos.append("cerrada")
    if campos:
        objeto.save(update_fields=campos)
    filtro = {"respuesta": objeto} if isinstance(objeto, Respuesta) else {"discusion": objeto, "respuesta": None}
    if ocultar is not None:
        atendidos = list(ReporteAbuso.objects.filter(estado=EstadoReporte.ABIERTO, **filtro))
        for reporte in atendidos:
            reporte.estado = EstadoReporte.ATENDIDO
        bulk_update_with_history(atendidos, ReporteAbuso, ["estado"], default_user=por,
                                 default_change_reason="moderación")
    return objeto


@transaction.atomic
def reportar_abuso(*, por: Usuario, discusion: Discusion, motivo: str, respuesta: Respuesta | None = None) -> ReporteAbuso:
    _exigir(es_miembro_red(por), _("Solo los miembros de la red pueden reportar mensajes."))
    _exigir_espacio_activo(discusion.espacio)
    if not motivo.strip():
        raise ValidationError({"motivo": _("Cuéntenos por qué el mensaje es inapropiado.")})
    exigir_largo(ReporteAbuso, "motivo", motivo)
    if respuesta is not None and respuesta.discusion_id != discusion.pk:
        raise ValidationError(_("La respuesta no pertenece a esta discusión."))
    reporte = ReporteAbuso.objects.create(discusion=discusion, respuesta=respuesta, reportado_por=por, motivo=motivo)
    moderadores = Usuario.objects.filter(
        espacios_comunidad__espacio_id=discusion.espacio_id, espacios_comunidad__rol=RolMiembro.MODERADOR,
        is_active=True,
    )
    notificar(
        usuarios=list(moderadores), categoria="comunidad",
        titulo=_("Reporte de abuso en «%(t)s»") % {"t": discusion.titulo}, mensaje=motivo[:300],
        url=reverse("conocimiento:discusion", args=[discusion.pk]), clave=f"reporte-{reporte.pk}",
        puede_ver=_ve_discusion(discusion),
    )
    return reporte


# --- Plan de formación -----------------------------------------------------------------------
@transaction.atomic
def curso_crear(*, por: Usuario, entidad, **datos) -> Curso:
    curso = Curso(entidad=entidad, **datos)
    _exigir(gestiona_curso(por, curso), _("Solo la entidad que ofrece el curso o el DNP pueden crearlo."))
    curso.full_clean()
    curso.save()
    return curso


@transaction.atomic
def sesion_crear(*, por: Usuario, curso: Curso, **datos) -> SesionFormacion:
    _exigir(gestiona_curso(por, curso), _("Solo la entidad que ofrece el curso o el DNP programan sesiones."))
    sesion = SesionFormacion(curso=curso, **datos)
    sesion.full_clean()
    sesion.save()
    return sesion


def _ocupados(sesion_id: int) -> int:
    return Inscripcion.objects.filter(sesion_id=sesion_id, estado=EstadoInscripcion.INSCRITA).count()


@transaction.atomic
def inscribir(*, sesion: SesionFormacion, por: Usuario) -> Inscripcion:
    """Cupo si queda; si no, lista de espera. El bloqueo de la sesión ordena las inscripciones simultáneas."""
    _exigir(es_miembro_red(por), _("Para inscribirse necesita pertenecer a una entidad con un rol que no sea solo de consulta."))
    sesion = SesionFormacion.objects.select_for_update().select_related("curso").get(pk=sesion.pk)
    if not sesion.curso.publicado:
        raise ValidationError(_("Este curso no está publicado: no recibe inscripciones."))
    if sesion.inicio <= timezone.now():
        raise ValidationError(_("La sesión ya empezó: no recibe inscripciones."))
    estado = EstadoInscripcion.INSCRITA if _ocupados(sesion.pk) < sesion.cupos else EstadoInscripcion.EN_ESPERA
    entidad = permisos.entidad_principal(por)
    inscripcion = Inscripcion.objects.filter(sesion=sesion, usuario=por).first()
    if inscripcion is not None:
        if inscripcion.estado != EstadoInscripcion.CANCELADA:
            raise ValidationError(_("Ya está inscrito en esta sesión."))
        inscripcion.estado = estado
        inscripcion.solicitada = timezone.now()  # vuelve al final de la fila
        inscripcion._history_user = por
        inscripcion.save(update_fields=["estado", "solicitada"])
    else:
        inscripcion = Inscripcion.objects.create(sesion=sesion, usuario=por, entidad=entidad, estado=estado)
    return inscripcion


def _promover(sesion: SesionFormacion, *, por: Usuario) -> list[Inscripcion]:
    """Sube de la lista de espera a quien sigue, mientras haya cupos (la sesión ya está bloqueada).
    Una sesión que ya empezó no promueve: nadie alcanzaría a asistir."""
    libres = sesion.cupos - _ocupados(sesion.pk)
    if libres <= 0 or sesion.inicio <= timezone.now():
        return []
    siguientes = list(
        Inscripcion.objects.select_for_update().select_related("usuario")
        .filter(sesion=sesion, estado=EstadoInscripcion.EN_ESPERA).order_by("solicitada", "pk")[:libres]
    )
    if not siguientes:
        return []
    for i in siguientes:
        i.estado = EstadoInscripcion.INSCRITA
        i.actualizado = timezone.now()  # bulk_update no toca auto_now (actualizado_desde)
    # Quien liberó el cupo (canceló o amplió los cupos) queda como autor de la promoción.
    bulk_update_with_history(siguientes, Inscripcion, ["estado", "actualizado"], default_user=por,
                             default_change_reason="promovida desde la lista de espera")
    notificar(
        usuarios=[i.usuario for i in siguientes], categoria="formacion",
        titulo=_("Se liberó un cupo: quedó inscrito en %(c)s") % {"c": sesion.curso.nombre},
        mensaje=_("Sesión del %(f)s.") % {"f": timezone.localtime(sesion.inicio).strftime("%Y-%m-%d %H:%M")},
        url=reverse("conocimiento:sesion", args=[sesion.pk]), puede_ver=_ve_sesion(sesion),
    )
    return siguientes


@transaction.atomic
def cancelar_inscripcion(*, inscripcion: Inscripcion, por: Usuario) -> list[Inscripcion]:
    """Cancela; si liberó un cupo, sube automáticamente al primero de la lista de espera."""
    sesion = SesionFormacion.objects.select_for_update().select_related("curso").get(pk=inscripcion.sesion_id)
    inscripcion = Inscripcion.objects.select_for_update().get(pk=inscripcion.pk)
    _exigir(inscripcion.usuario_id == por.pk or gestiona_curso(por, sesion.curso),
            _("Solo la persona inscrita o quien organiza el curso pueden cancelar la inscripción."))
    if inscripcion.estado == EstadoInscripcion.CANCELADA:
        return []
    if sesion.inicio <= timezone.now() and not gestiona_curso(por, sesion.curso):
        raise ValidationError(_("La sesión ya empezó: su inscripción queda en la memoria de la entidad. "
                                "Si hay un error, pida a quien organiza el curso que la corrija."))
    inscripcion.estado = EstadoInscripcion.CANCELADA
    inscripcion.save(update_fields=["estado"])
    return _promover(sesion, por=por)


@transaction.atomic
def sesion_ampliar_cupos(*, sesion: SesionFormacion, por: Usuario, cupos: int) -> list[Inscripcion]:
    sesion = SesionFormacion.objects.select_for_update().select_related("curso").get(pk=sesion.pk)
    _exigir(gestiona_curso(por, sesion.curso), _("Solo quien organiza el curso cambia los cupos."))
    if cupos < _ocupados(sesion.pk):
        raise ValidationError({"cupos": _("Ya hay %(n)s personas inscritas: los cupos no pueden ser menos.")
                               % {"n": _ocupados(sesion.pk)}})
    sesion.cupos = cupos
    sesion.full_clean()
    sesion.save(update_fields=["cupos"])
    return _promover(sesion, por=por)


@transaction.atomic
def registrar_asistencia(*, sesion: SesionFormacion, por: Usuario, asistentes_ids) -> int:
    _exigir(gestiona_curso(por, sesion.curso), _("Solo quien organiza el curso registra la asistencia."))
    if sesion.inicio > timezone.now():
        raise ValidationError(_("La asistencia se registra cuando la sesión ya empezó (el certificado la exige)."))
    try:
        asistentes_ids = {int(i) for i in asistentes_ids}
    except (TypeError, ValueError) as e:
        raise ValidationError(_("La lista de asistentes no es válida.")) from e
    cambiadas = []
    for inscripcion in Inscripcion.objects.filter(sesion=sesion, estado=EstadoInscripcion.INSCRITA):
        asistio = inscripcion.pk in asistentes_ids
        if inscripcion.asistio != asistio:
            inscripcion.asistio = asistio
            if asistio and not inscripcion.codigo_certificado:
                # El código sobrevive a una corrección de la asistencia: si vuelve a marcarse, es el mismo.
                inscripcion.codigo_certificado = certificados.nuevo_codigo()
            inscripcion.actualizado = timezone.now()  # bulk_update no toca auto_now (actualizado_desde)
            cambiadas.append(inscripcion)
    bulk_update_with_history(cambiadas, Inscripcion, ["asistio", "codigo_certificado", "actualizado"],
                             default_user=por,
                             default_change_reason="asistencia")
    return len(asistentes_ids)


# --- Eventos ---------------------------------------------------------------------------------
@transaction.atomic
def evento_registrarse(*, evento: Evento, por: Usuario) -> RegistroEvento:
    _exigir(es_miembro_red(por), _("Para registrarse necesita pertenecer a una entidad con un rol que no sea solo de consulta."))
    evento = Evento.objects.select_for_update().get(pk=evento.pk)
    if evento.fin < timezone.now():
        raise ValidationError(_("El evento ya terminó: no recibe registros."))
    if RegistroEvento.objects.filter(evento=evento, usuario=por).exists():
        raise ValidationError(_("Ya está registrado en este evento."))
    if evento.cupos is not None and evento.registros.count() >= evento.cupos:
        raise ValidationError(_("El evento no tiene cupos disponibles."))
    return RegistroEvento.objects.create(evento=evento, usuario=por, entidad=permisos.entidad_principal(por))


@transaction.atomic
def evento_presentar_practica(*, evento: Evento, recurso: Recurso, por: Usuario) -> None:
    _exigir(permisos.es_equipo_dnp(por), _("Solo el equipo del DNP arma la agenda del evento."))
    if not recurso.publicado:
        raise ValidationError(_("Solo se presentan prácticas publicadas en el repositorio."))
    evento.practicas.add(recurso)


# --- Preguntas frecuentes --------------------------------------------------------------------
@transaction.atomic
def pregunta_guardar(*, oferta, por: Usuario, pregunta: str, respuesta: str, orden: int = 0,
                     publicada: bool = True, instancia: PreguntaFrecuente | None = None) -> PreguntaFrecuente:
    _exigir(gestiona_oferta(por, oferta),
            _("Solo la entidad oferente mantiene las preguntas frecuentes de su oferta."))
    if instancia is not None and instancia.oferta_id != oferta.pk:
        raise ValidationError(_("La pregunta no pertenece a esta oferta."))
    p = instancia or PreguntaFrecuente(oferta=oferta)
    p.pregunta, p.respuesta, p.orden, p.publicada, p.actualizada_por = pregunta, respuesta, orden, publicada, por
    p.full_clean()
    p.save()
    return p


@transaction.atomic
def pregunta_eliminar(*, instancia: PreguntaFrecuente, por: Usuario) -> None:
    _exigir(gestiona_oferta(por, instancia.oferta),
            _("Solo la entidad oferente mantiene las preguntas frecuentes de su oferta."))
    instancia.delete()

