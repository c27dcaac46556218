"""Escrituras de la demanda: registro, cambios, adjuntos y cada paso del ciclo de vida
(registrada → en análisis → remitida | vinculada → en atención → atendida → cerrada; o no pertinente).

Cada paso verifica el permiso, bloquea la fila (`select_for_update`), deja un `EventoDemanda`
con quién, cuándo y por qué, y avisa a quien corresponde con `att.notificaciones.notificar`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import permisos
from att.models import CategoriaAlerta, Entidad, Rol, Usuario
from att.notificaciones import notificar
from att.salida import encolar
from att.selectors import egresada, usuarios_con_rol
from att.validadores import TEXTO_CORTO, exigir_largo, validar_adjunto
from demanda import rules
from demanda.models import (
    ESTADOS_OCUPAN_CUPO,
    AdjuntoDemanda,
    DecisionCruce,
    Demanda,
    EstadoDemanda,
    EventoDemanda,
    TipoDecision,
)
from oferta.models import Oferta

E = EstadoDemanda
ESTADOS_EDITABLES = frozenset({E.REGISTRADA, E.EN_ANALISIS})
CAMPOS_EDITABLES = (
    "titulo", "descripcion", "capacidad", "etapa", "fecha_deseada", "modalidad", "canal", "fuente",
)


# --- Registro y cambios ---------------------------------------------------------------------------

def errores_de_adjuntos(adjuntos) -> list[str]:
    """Los mensajes de `att.validadores.validar_adjunto` para todos los archivos (no solo el primero)."""
    errores = []
    for archivo in adjuntos:
        try:
            validar_adjunto(archivo)
        except ValidationError as e:
            errores.extend(e.messages)
    return errores


def _validar_adjuntos(adjuntos) -> None:
    errores = errores_de_adjuntos(adjuntos)
    if errores:
        raise ValidationError({"adjuntos": errores})


def _guardar_adjuntos(demanda, adjuntos, por) -> None:
    for archivo in adjuntos:
        AdjuntoDemanda.objects.create(
            demanda=demanda, archivo=archivo, nombre=archivo.name[:255], tamano=archivo.size, subido_por=por,
        )


def _descriptores_de(temas):
    ids = {t.descriptor_id for t in temas if t.descriptor_id}
    from att.models import DescriptorTematico

    return list(DescriptorTematico.objects.filter(pk__in=ids))


MENSAJE_FECHA_PASADA = gettext_lazy("La fecha deseada no puede ser anterior a hoy.")


def puede_importar_para(por, entidad) -> bool:
    """Quien registra para la entidad (su funcionario, su equipo departamental) o un administrador
    DNP, que importa lo recogido en diálogos regionales, talleres o encuestas de cualquier ET."""
    return rules.puede_registrar_para(por, entidad) or (
        entidad is not None and entidad.es_territorial and permisos.es_admin_dnp(por))


def puede_actualizar(por, demanda) -> bool:
    """Lo que exige `demanda_actualizar`: la entidad solicitante, mientras no se ha remitido ni vinculado."""
    return rules.es_de_la_et(por, demanda) and demanda.estado in ESTADOS_EDITABLES


def exigir_importar(por) -> None:
    if not (por.has_perm("demanda.importar") or permisos.es_admin_dnp(por)):
        raise PermissionDenied(_("Solo los funcionarios territoriales, los equipos departamentales y el DNP "
                                 "importan demandas."))


def demanda_validar(
    *, por, entidad: Entidad, titulo: str, descripcion: str, fuente: str, temas, capacidad=None, etapa=None,
    fecha_deseada=None, modalidad=None, canal=None, oferta: Oferta | None = None, llaves_resueltas: bool = False,
    permiso_verificado: bool = False,
) -> Demanda:
    """La validación pública de una demanda nueva (formulario, API e importación): permiso, temas,
    oferta publicada y las reglas del modelo. Devuelve la demanda sin guardar.

    `llaves_resueltas`: las llaves foráneas son objetos ya leídos de la base (la importación los
    resuelve una vez por archivo), así que `full_clean` no vuelve a consultarlas fila por fila."""
    if not permiso_verificado and not rules.puede_registrar_para(por, entidad):
        raise PermissionDenied(_("No puede registrar demandas para %(entidad)s.") % {"entidad": entidad})
    temas = list(temas)
    if not temas:
        raise ValidationError({"temas": _("Indique al menos un tema.")})
    if oferta is not None and not oferta.esta_publicada():
        raise ValidationError({"oferta": _("Solo se puede solicitar una oferta publicada.")})
    demanda = Demanda(
        entidad=entidad, registrada_por=por, titulo=titulo, descripcion=descripcion, fuente=fuente,
        capacidad=capacidad, etapa=etapa, fecha_deseada=fecha_deseada, modalidad=modalidad, canal=canal,
        oferta=oferta, estado=E.REGISTRADA,
    )
    excluir = ["oferta"]
    if llaves_resueltas:
        excluir += ["entidad", "registrada_por", "capacidad", "etapa", "modalidad", "canal", "entidad_competente"]
    demanda.full_clean(exclude=excluir, validate_unique=not llaves_resueltas, validate_constraints=not llaves_resueltas)
    return demanda


@transaction.atomic
def demanda_registrar(
    *, por, entidad: Entidad, titulo: str, descripcion: str, fuente: str, temas, descriptores=(),
    capacidad=None, etapa=None, fecha_deseada=None, modalidad=None, canal=None, oferta: Oferta | None = None,
    adjuntos=(), alertar: bool = True,
) -> Demanda:
    """Registra la necesidad de una entidad territorial (o de un municipio, si la registra el
    equipo departamental de su departamento). Con `oferta`: «Solicitar esta asistencia»."""
    temas = list(temas)
    demanda = demanda_validar(
        por=por, entidad=entidad, titulo=titulo, descripcion=descripcion, fuente=fuente, temas=temas,
        capacidad=capacidad, etapa=etapa, fecha_deseada=fecha_deseada, modalidad=modalidad, canal=canal, oferta=oferta,
    )
    _validar_adjuntos(adjuntos)
    demanda.save()
    demanda.temas.set(temas)
    demanda.descriptores.set(list(descriptores) or _descriptores_de(temas))
    _guardar_adjuntos(demanda, adjuntos, por)
    motivo = (
        _("Solicitud de la oferta «%(oferta)s».") % {"oferta": oferta.nombre} if oferta else _("Registro de la necesidad.")
    )
    EventoDemanda.objects.create(demanda=demanda, de_estado="", a_estado=E.REGISTRADA, por=por, motivo=motivo)
    if oferta is not None:  # «Solicitar esta asistencia»: la misma decisión que pedir una oferta propuesta
        _guardar_decision(demanda=demanda, oferta=oferta, tipo=TipoDecision.SOLICITADA, por=por)
    if alertar:
        # Fuera de la petición (el cruce lee toda la oferta publicada): la tarea se pide en la misma
        # transacción que la demanda y corre al confirmarse (`att.salida`).
        encolar("demanda.alertar_importadas", [demanda.pk])
    return demanda


@transaction.atomic
def demanda_actualizar(*, demanda: Demanda, por, temas=None, descriptores=None, adjuntos=(), **campos) -> Demanda:
    """La entidad corrige o completa su demanda mientras no se ha remitido ni vinculado."""
    demanda = Demanda.objects.select_for_update().get(pk=demanda.pk)
    if not rules.es_de_la_et(por, demanda):
        raise PermissionDenied(_("Solo la entidad solicitante puede cambiar esta demanda."))
    if demanda.estado not in ESTADOS_EDITABLES:
        raise ValidationError(_("La demanda ya está «%(estado)s»: no se puede cambiar.") % {"estado": demanda.get_estado_display()})
    desconocidos = set(campos) - set(CAMPOS_EDITABLES)
    if desconocidos:
        raise ValidationError(_("Campos que no se pueden cambiar: %(c)s.") % {"c": ", ".join(sorted(desconocidos))})
    _validar_adjuntos(adjuntos)
    for nombre, valor in campos.items():
        setattr(demanda, nombre, valor)
    demanda.full_clean(exclude=["oferta"])
    demanda.save()
    if temas is not None:
        temas = list(temas)
        if not temas:
            raise ValidationError({"temas": _("Indique al menos un tema.")})
        demanda.temas.set(temas)
        demanda.descriptores.set(list(descriptores or ()) or _descriptores_de(temas))
    elif descriptores is not None:
        demanda.descriptores.set(descriptores)
    _guardar_adjuntos(demanda, adjuntos, por)
    EventoDemanda.objects.create(
        demanda=demanda, de_estado=demanda.estado, a_estado=demanda.estado, por=por,
        motivo=_("La entidad actualizó los datos de la demanda."),
    )
    # La marca del cambio se fija aquí: una tarea entregada dos veces no repite la alerta.
    encolar("demanda.alertar_cambio", demanda.pk, timezone.now().strftime("%Y%m%d%H%M%S%f"))
    return demanda


@transaction.atomic
def demanda_agregar_adjunto(*, demanda: Demanda, por, archivo) -> AdjuntoDemanda:
    if not rules.es_de_la_et(por, demanda):
        raise PermissionDenied(_("Solo la entidad solicitante puede agregar adjuntos a esta demanda."))
    if demanda.estado in (E.CERRADA, E.NO_PERTINENTE):
        raise ValidationError(_("La demanda está cerrada: no admite adjuntos nuevos."))
    _validar_adjuntos([archivo])
    return AdjuntoDemanda.objects.create(
        demanda=demanda, archivo=archivo, nombre=archivo.name[:255], tamano=archivo.size, subido_por=por,
    )


# --- Ciclo de vida --------------------------------------------------------------------------------

def _transicionar(demanda: Demanda, *, por, desde, hacia, motivo: str = "", permiso: str, **campos) -> Demanda:
    exigir_largo(EventoDemanda, "motivo", motivo)
    fila = Demanda.objects.select_for_update(of=("self",)).select_related("entidad", "oferta", "entidad_competente").get(pk=demanda.pk)
    if not por.has_perm(permiso, fila):
        raise PermissionDenied(_("No tiene permiso para pasar esta demanda a «%(estado)s».") % {"estado": E(hacia).label})
    if fila.estado not in desde:
        raise ValidationError(
            _("La demanda está «%(actual)s»: no puede pasar a «%(nuevo)s».")
            % {"actual": fila.get_estado_display(), "nuevo": E(hacia).label}
        )
    anterior = fila.estado
    for nombre, valor in campos.items():
        setattr(fila, nombre, valor)
    fila.estado = hacia
    fila.save()
    EventoDemanda.objects.create(demanda=fila, de_estado=anterior, a_estado=hacia, por=por, motivo=motivo)
    avisar_estado_a_la_et(fila, motivo)
    # El objeto del llamador queda al día.
    demanda.__dict__.update({k: v for k, v in fila.__dict__.items() if not k.startswith("_")})
    return fila


def avisar_estado_a_la_et(demanda: Demanda, motivo: str) -> list:
    """A quien registró la demanda, su estado actual (si aún puede verla)."""
    return notificar(
        usuarios=[demanda.registrada_por], puede_ver=lambda u: rules.puede_ver(u, demanda),
        categoria="demanda_estado",
        titulo=_("Su demanda «%(t)s» está ahora «%(e)s»") % {"t": demanda.titulo[:120], "e": demanda.get_estado_display()},
        mensaje=motivo,
        url=reverse("demanda:detalle", args=[demanda.pk]),
    )


@transaction.atomic
def demanda_iniciar_analisis(*, demanda: Demanda, por, motivo: str = "") -> Demanda:
    return _transicionar(demanda, por=por, desde={E.REGISTRADA}, hacia=E.EN_ANALISIS, motivo=motivo,
                         permiso="demanda.gestionar")


@transaction.atomic
def demanda_remitir(*, demanda: Demanda, por, entidad_competente: Entidad, motivo: str = "") -> Demanda:
    """Remite la demanda a la entidad competente para atenderla (y avisa a sus oferentes)."""
    if entidad_competente is None:
        raise ValidationError({"entidad_competente": _("Indique la entidad competente.")})
    if entidad_competente.pk == demanda.entidad_id:
        raise ValidationError({"entidad_competente": _("No se puede remitir la demanda a la misma entidad que la pide.")})
    fila = _transicionar(
        demanda, por=por, desde={E.REGISTRADA, E.EN_ANALISIS}, hacia=E.REMITIDA,
        motivo=motivo or _("Remitida a %(e)s.") % {"e": entidad_competente.nombre},
        permiso="demanda.gestionar", entidad_competente=entidad_competente,
    )
    if permisos.es_admin_dnp(por):
        # El DNP juzgó que la oferta propuesta no atiende la demanda: el cruce lo aprende.
        for oferta in _ofertas_propuestas(fila, salvo_entidad=entidad_competente.pk):
            decision_registrar(demanda=fila, oferta=oferta, tipo=TipoDecision.REMITIDA, por=por,
                               motivo=(motivo or "")[:TEXTO_CORTO])
    notificar(
        usuarios=_oferentes_de([entidad_competente.pk]), puede_ver=lambda u: rules.puede_ver(u, fila),
        categoria="demanda_remitida",
        titulo=_("Demanda remitida a su entidad: %(t)s") % {"t": fila.titulo[:150]},
        mensaje=_("%(et)s necesita asistencia técnica. %(m)s") % {"et": fila.entidad.nombre, "m": motivo},
        url=reverse("demanda:detalle", args=[fila.pk]),
        clave=f"demanda-{fila.pk}-remitida-{entidad_competente.pk}",
    )
    return fila


def _ofertas_propuestas(demanda: Demanda, *, salvo_entidad: int) -> list[Oferta]:
    """Las ofertas que el cruce propone para la demanda: la que pidió la entidad y la mejor del último
    cruce (`Demanda.oferta_cruce`), si alcanzó `matching.UMBRAL_BRECHA`; no las de `salvo_entidad`
    (remitir a la entidad de una oferta no es juzgar que esa oferta no sirve)."""
    from demanda.matching import UMBRAL_BRECHA

    ids = {demanda.oferta_id}
    if (demanda.relevancia_cruce or 0) >= UMBRAL_BRECHA:
        ids.add(demanda.oferta_cruce_id)
    ids.discard(None)
    return list(Oferta.objects.filter(pk__in=ids).exclude(entidad_id=salvo_entidad).order_by("pk"))


def puede_vincular(por, demanda: Demanda, oferta: Oferta) -> bool:
    """Quién vincula (`demanda_vincular`; la ficha muestra el botón solo si se cumple): el DNP; el oferente de
    la oferta si la entidad la pidió (al registrar la demanda o entre las que coinciden) o si la demanda se
    remitió a su entidad."""
    if permisos.es_admin_dnp(por):
        return True
    if not rules.es_oferente_de(por, oferta.entidad):
        return False
    return (demanda.oferta_id == oferta.pk or demanda.entidad_competente_id == oferta.entidad_id
            or DecisionCruce.objects.filter(demanda=demanda, oferta=oferta, tipo=TipoDecision.SOLICITADA).exists())


@transaction.atomic
def demanda_vincular(*, demanda: Demanda, por, oferta: Oferta, motivo: str = "") -> Demanda:
    """Vincula la demanda a una oferta publicada con cupos. El DNP lo hace desde la pantalla de
    candidatas; el oferente, si la demanda se le remitió o si la entidad solicitó su oferta."""
    oferta = Oferta.objects.select_for_update(of=("self",)).select_related("entidad").get(pk=oferta.pk)
    if not puede_vincular(por, demanda, oferta):
        raise PermissionDenied(_("No tiene permiso para vincular esta demanda a la oferta «%(o)s».") % {"o": oferta.nombre})
    if not oferta.esta_publicada():
        raise ValidationError({"oferta": _("Solo se puede vincular una oferta publicada.")})
    if oferta.cupos is not None:
        ocupados = Demanda.objects.filter(oferta=oferta, estado__in=ESTADOS_OCUPAN_CUPO).exclude(pk=demanda.pk).count()
        if ocupados >= oferta.cupos:
            raise ValidationError({"oferta": _("La oferta «%(o)s» no tiene cupos disponibles.") % {"o": oferta.nombre}})
    fila = _transicionar(
        demanda, por=por, desde={E.REGISTRADA, E.EN_ANALISIS, E.REMITIDA}, hacia=E.VINCULADA,
        motivo=motivo or _("Vinculada a la oferta «%(o)s» de %(e)s.") % {"o": oferta.nombre, "e": oferta.entidad},
        permiso="demanda.ver", oferta=oferta,
    )
    _guardar_decision(demanda=fila, oferta=oferta, tipo=TipoDecision.VINCULADA, por=por, motivo=motivo)
    notificar(
        # Quien vincula no se avisa a sí mismo (el oferente que acepta desde la ficha).
        usuarios=[u for u in _oferentes_de([oferta.entidad_id]) if u.pk != por.pk],
        puede_ver=lambda u: rules.puede_ver(u, fila),
        categoria="demanda_vinculada",
        titulo=_("Demanda vinculada a su oferta «%(o)s»") % {"o": oferta.nombre[:120]},
        mensaje=_("%(et)s: %(t)s") % {"et": fila.entidad.nombre, "t": fila.titulo},
        url=reverse("demanda:detalle", args=[fila.pk]),
        clave=f"demanda-{fila.pk}-vinculada-{oferta.pk}",
    )
    return fila


@transaction.atomic
def demanda_poner_en_atencion(*, demanda: Demanda, por, motivo: str = "") -> Demanda:
    """La asistencia empezó (la agenda lo llama al programarla). Idempotente si ya está en atención."""
    if Demanda.objects.filter(pk=demanda.pk, estado=E.EN_ATENCION).exists() and por.has_perm("demanda.atender", demanda):
        demanda.estado = E.EN_ATENCION
        return demanda
    return _transicionar(demanda, por=por, desde={E.VINCULADA, E.REMITIDA}, hacia=E.EN_ATENCION,
                         motivo=motivo, permiso="demanda.atender")


@transaction.atomic
def demanda_marcar_atendida(*, demanda: Demanda, por, motivo: str = "") -> Demanda:
    """La asistencia se entregó (el seguimiento lo llama al registrar la asesoría o cerrar la línea).
    Desde «en atención», o desde «vinculada»/«remitida» pasando por «en atención». Idempotente."""
    if Demanda.objects.filter(pk=demanda.pk, estado=E.ATENDIDA).exists() and por.has_perm("demanda.atender", demanda):
        demanda.estado = E.ATENDIDA
        return demanda
    # Una asesoría registrada sin plan previo atiende una demanda aún vinculada o remitida: se
    # deja también el paso «en atención» para que la línea de tiempo quede completa.
    if Demanda.objects.filter(pk=demanda.pk, estado__in=[E.VINCULADA, E.REMITIDA]).exists():
        _transicionar(demanda, por=por, desde={E.VINCULADA, E.REMITIDA}, hacia=E.EN_ATENCION, motivo=motivo,
                      permiso="demanda.atender")
    return _transicionar(demanda, por=por, desde={E.EN_ATENCION}, hacia=E.ATENDIDA, motivo=motivo,
                         permiso="demanda.atender")


@transaction.atomic
def demanda_cerrar(*, demanda: Demanda, por, calificacion: int, comentario: str = "") -> Demanda:
    """La entidad territorial cierra la demanda atendida con su calificación de 1 a 5."""
    try:
        calificacion = int(calificacion)
    except (TypeError, ValueError):
        calificacion = 0
    if not 1 <= calificacion <= 5:
        raise ValidationError({"calificacion": _("La calificación debe ser un número entero de 1 a 5.")})
    exigir_largo(Demanda, "comentario_cierre", comentario, clave="comentario")
    return _transicionar(
        demanda, por=por, desde={E.ATENDIDA}, hacia=E.CERRADA,
        motivo=_("Calificación %(c)d de 5. %(m)s") % {"c": calificacion, "m": comentario},
        permiso="demanda.cerrar", calificacion=calificacion, comentario_cierre=comentario,
    )


@transaction.atomic
def demanda_marcar_no_pertinente(*, demanda: Demanda, por, motivo: str) -> Demanda:
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": _("Explique por qué la demanda no es pertinente.")})
    exigir_largo(Demanda, "motivo_no_pertinente", motivo, clave="motivo")
    return _transicionar(
        demanda, por=por, desde={E.REGISTRADA, E.EN_ANALISIS}, hacia=E.NO_PERTINENTE, motivo=motivo,
        permiso="demanda.gestionar", motivo_no_pertinente=motivo,
    )


# --- Decisiones sobre ofertas propuestas (aprende el cruce) --------------------------------------

# Quién toma cada decisión: el DNP vincula o remite a otra parte; la entidad territorial pide o descarta.
DECIDE_DNP = frozenset({TipoDecision.VINCULADA, TipoDecision.REMITIDA})
DECIDE_ET = frozenset({TipoDecision.SOLICITADA, TipoDecision.DESCARTADA})
# La entidad pide o descarta una oferta, no las dos cosas: la última reemplaza a la otra.
OPUESTA = {TipoDecision.SOLICITADA: TipoDecision.DESCARTADA, TipoDecision.DESCARTADA: TipoDecision.SOLICITADA}


def _guardar_decision(*, demanda: Demanda, oferta: Oferta, tipo: str, por, motivo: str = "") -> DecisionCruce:
    from demanda.matching import huella

    temas, terminos = huella(demanda)
    decision, _creada = DecisionCruce.objects.update_or_create(
        demanda=demanda, oferta=oferta, tipo=tipo,
        defaults={"por": por, "motivo": motivo, "temas": temas, "terminos": terminos},
    )
    if tipo in OPUESTA:
        for otra in DecisionCruce.objects.filter(demanda=demanda, oferta=oferta, tipo=OPUESTA[tipo]):
            otra.delete()
    return decision


@transaction.atomic
def decision_registrar(*, demanda: Demanda, oferta: Oferta, tipo: str, por, motivo: str = "") -> DecisionCruce:
    """Guarda lo que se decidió sobre una oferta propuesta para una demanda; el cruce lo usa para las
    demandas parecidas (`demanda.matching`). Repetir la misma decisión no la duplica (la actualiza).

    - `VINCULADA`: la guarda `demanda_vincular` (no hace falta llamarla aparte);
    - `REMITIDA`: el DNP juzga que esa oferta no atiende la demanda y la envía a otra parte;
    - `SOLICITADA` / `DESCARTADA`: la entidad territorial pide la oferta propuesta o la descarta (la
      una reemplaza a la otra). La pide solo si está publicada.
    """
    if tipo not in TipoDecision.values:
        raise ValidationError({"tipo": _("Decisión desconocida.")})
    if tipo in DECIDE_DNP and not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo el DNP vincula una demanda o la remite a otra parte."))
    if tipo in DECIDE_ET and not rules.es_de_la_et(por, demanda):
        raise PermissionDenied(_("Solo la entidad que registró la demanda pide o descarta una oferta propuesta."))
    if tipo == TipoDecision.SOLICITADA and not oferta.esta_publicada():
        raise ValidationError({"oferta": _("Solo se puede pedir una oferta publicada.")})
    motivo = (motivo or "").strip()
    exigir_largo(DecisionCruce, "motivo", motivo, clave="motivo")
    if tipo in DECIDE_ET and demanda.estado not in ESTADOS_EDITABLES:
        raise ValidationError(_("La demanda ya está «%(estado)s»: ya no se piden ni descartan ofertas para ella.")
                              % {"estado": demanda.get_estado_display()})
    decision = _guardar_decision(demanda=demanda, oferta=oferta, tipo=tipo, por=por, motivo=motivo)
    if tipo == TipoDecision.SOLICITADA:
        _avisar_solicitud(demanda, oferta, motivo)
    return decision


def puede_decidir_como_et(por, demanda: Demanda) -> bool:
    """Lo que exige `decision_registrar` para pedir o descartar una oferta propuesta (la ficha de la demanda
    muestra los botones solo si se cumple): la entidad que registró la demanda, mientras no se vincula ni remite."""
    return rules.es_de_la_et(por, demanda) and demanda.estado in ESTADOS_EDITABLES


def _avisar_solicitud(demanda: Demanda, oferta: Oferta, motivo: str) -> None:
    """La entidad pidió una oferta que coincide: se avisa a los oferentes de esa oferta (la pueden abrir: una
    demanda que pidió su oferta es visible para ellos) y a la administración DNP, que la revisa. Una sola
    alerta por persona aunque se pida dos veces (la clave)."""
    titulo = _("%(et)s pidió su oferta «%(o)s»") % {"et": demanda.entidad.nombre, "o": oferta.nombre[:120]}
    mensaje = _("Para su demanda «%(t)s». %(m)s") % {"t": demanda.titulo[:200], "m": motivo}
    url = reverse("demanda:detalle", args=[demanda.pk])
    clave = f"demanda-{demanda.pk}-solicitada-{oferta.pk}"
    categoria = CategoriaAlerta.DEMANDA_SOLICITADA
    notificar(usuarios=_oferentes_de([oferta.entidad_id]), puede_ver=lambda u: rules.puede_ver(u, demanda),
              categoria=categoria, titulo=titulo, mensaje=mensaje, url=url + "#coincidencias", clave=clave)
    notificar(usuarios=_admins_dnp(), puede_ver=lambda u: rules.puede_ver(u, demanda), categoria=categoria,
              titulo=_("Una entidad pidió una oferta que coincide: %(t)s") % {"t": demanda.titulo[:140]},
              mensaje=titulo, url=url, clave=clave)


# --- Alertas --------------------------------------------------------------------------------------

def _oferentes_de(entidades_ids) -> list[Usuario]:
    return list(usuarios_con_rol(list(entidades_ids), Rol.OFERENTE))


def _admins_dnp() -> list[Usuario]:
    return list(usuarios_con_rol(None, Rol.ADMIN_DNP))


def guardar_relevancia(demanda: Demanda, candidatas: list) -> bool:
    """Guarda la relevancia de la mejor candidata (la que decide la brecha) y dice si es brecha."""
    from demanda.matching import es_brecha

    la_mejor = max(candidatas, key=lambda o: o.relevancia, default=None)
    mejor = la_mejor.relevancia if la_mejor is not None else 0.0
    oferta_id = la_mejor.pk if la_mejor is not None else None
    # Campos técnicos, fuera del historial: un UPDATE de dos columnas (sin tocar `actualizada`).
    Demanda.objects.filter(pk=demanda.pk).update(relevancia_cruce=mejor, oferta_cruce_id=oferta_id)
    demanda.relevancia_cruce, demanda.oferta_cruce_id = mejor, oferta_id
    return es_brecha(candidatas)


def alertar_oferentes(*, demanda: Demanda, nueva: bool, marca: str = "") -> list:
    """Avisa a los oferentes de las ofertas publicadas que atienden la demanda (candidatas que alcanzan
    `matching.UMBRAL_BRECHA`); si ninguna lo alcanza, al DNP: es una brecha (`selectors.demandas_en_brecha`)."""
    from demanda.matching import UMBRAL_BRECHA, ofertas_candidatas

    candidatas = ofertas_candidatas(demanda, limite=50)
    guardar_relevancia(demanda, candidatas)
    if demanda.capacidad_id and egresada(demanda.entidad_id, demanda.capacidad_id):
        # La entidad egresó de esa capacidad con el objetivo cumplido (ruta de asistencia): la demanda
        # se cruza igual (relevancia, brechas) pero no se alerta a oferentes ni al DNP por ella.
        return []
    entidades = {o.entidad_id for o in candidatas if o.relevancia >= UMBRAL_BRECHA}
    if demanda.oferta_id:
        entidades.add(Oferta.objects.filter(pk=demanda.oferta_id).values_list("entidad_id", flat=True).get())
    # Solo quien puede abrir la demanda (el mismo predicado que su página): la coincidencia del
    # matching pesa más criterios que la visibilidad del oferente (temas de sus ofertas publicadas).
    usuarios = [u for u in _oferentes_de(entidades) if rules.puede_ver(u, demanda)] if entidades else []
    url = reverse("demanda:detalle", args=[demanda.pk])
    marca = "nueva" if nueva else (marca or timezone.now().strftime("%Y%m%d%H%M%S%f"))
    entidad = demanda.entidad
    if usuarios:
        titulo = (_("Nueva demanda que coincide con su oferta: %(t)s") if nueva
                  else _("Cambió una demanda que coincide con su oferta: %(t)s")) % {"t": demanda.titulo[:140]}
        return notificar(
            usuarios=usuarios, categoria="demanda_coincide", titulo=titulo,
            mensaje=_("%(et)s registró una necesidad de asistencia técnica que coincide con su oferta publicada.")
            % {"et": entidad.nombre},
            url=url, clave=f"demanda-{demanda.pk}-{marca}",
        )
    titulo = (_("Demanda sin oferta que la atienda: %(t)s") if nueva
              else _("Cambió una demanda sin oferta que la atienda: %(t)s")) % {"t": demanda.titulo[:140]}
    return notificar(
        usuarios=_admins_dnp(), puede_ver=lambda u: rules.puede_ver(u, demanda), categoria="demanda_sin_oferta",
        titulo=titulo,
        mensaje=_("Ninguna oferta publicada atiende la necesidad de %(et)s: es una brecha.") % {"et": entidad.nombre},
        url=url, clave=f"demanda-{demanda.pk}-{marca}",
    )


def _recruzar(demandas) -> int:
    from demanda.matching import ofertas_candidatas

    n = 0
    for demanda in demandas.select_related("entidad", "entidad__municipio", "entidad__departamento"):
        guardar_relevancia(demanda, ofertas_candidatas(demanda, limite=5))
        n += 1
    return n


def recruzar_brechas(*, oferta_id: int, tope: int = 2000) -> int:
    """Una oferta recién publicada puede atender demandas que eran brecha: se vuelven a cruzar las
    abiertas, sin vincular, con relevancia bajo el umbral y algún tema en común con la oferta o alguna
    palabra útil de su texto en el título o la descripción de la demanda (las más recientes primero,
    hasta `tope`). Sin alertas: solo la relevancia guardada (el informe de brechas)."""
    from django.db.models.expressions import RawSQL

    from demanda.matching import UMBRAL_BRECHA, lexemas_utiles
    from demanda.selectors import ESTADOS_ABIERTOS

    temas = list(Oferta.temas.through.objects.filter(oferta_id=oferta_id).values_list("tema_id", flat=True))
    lexemas = lexemas_utiles(oferta_id)
    t = Demanda._meta.db_table
    por_texto = RawSQL(
        f"tsvector_to_array(to_tsvector('es_unaccent', {t}.titulo || ' ' || {t}.descripcion)) && %s::text[]",
        [lexemas], output_field=BooleanField(),
    )
    brechas = Demanda.objects.filter(estado__in=ESTADOS_ABIERTOS, oferta__isnull=True,
                                     relevancia_cruce__lt=UMBRAL_BRECHA)
    ids = set(brechas.filter(temas__in=temas).order_by("-creada").values_list("pk", flat=True)[:tope]) if temas else set()
    if lexemas:
        ids |= set(brechas.annotate(por_texto=por_texto).filter(por_texto=True)
                   .order_by("-creada").values_list("pk", flat=True)[:tope])
    return _recruzar(Demanda.objects.filter(pk__in=sorted(ids)[-tope:]))


def recruzar_de_oferta(*, oferta_id: int) -> int:
    """La oferta que era la mejor de algunas demandas se archivó o cambió: se vuelven a cruzar esas
    demandas (abiertas y sin vincular). Segura de repetir: solo recalcula la relevancia guardada."""
    from demanda.selectors import ESTADOS_ABIERTOS

    return _recruzar(Demanda.objects.filter(oferta_cruce_id=oferta_id, estado__in=ESTADOS_ABIERTOS,
                                            oferta__isnull=True).order_by("pk"))


def recruzar_lote(*, desde: int = 0, lote: int = 500) -> tuple[int, int | None]:
    """Cruce de las demandas abiertas que nunca se cruzaron (anteriores a la relevancia guardada) o
    cuya mejor oferta se guardó sin su id, en orden de id a partir de `desde`. Devuelve cuántas cruzó y
    el id desde el que sigue el siguiente lote (None: no quedan)."""
    from demanda.selectors import ESTADOS_ABIERTOS

    pendientes = Demanda.objects.filter(estado__in=ESTADOS_ABIERTOS, oferta__isnull=True, pk__gt=desde).filter(
        Q(relevancia_cruce__isnull=True) | Q(oferta_cruce__isnull=True, relevancia_cruce__gt=0))
    ids = list(pendientes.order_by("pk").values_list("pk", flat=True)[:lote])
    n = _recruzar(Demanda.objects.filter(pk__in=ids).order_by("pk"))
    return n, (ids[-1] if len(ids) == lote else None)


# --- Importación ----------------------------------------------------------------------------------

def demandas_importar(*, filas: list[dict], por, confirmar: bool):
    """Ensayo (nada se escribe) o, con `confirmar`, importación de todo o nada de filas ya leídas
    ({columna: valor}; la primera es la fila 2 del archivo). La página y el comando usan el flujo de
    `att.importacion` (archivo, ensayo, confirmación, segundo plano); esto es lo mismo, sin archivo."""
    from att import importacion
    from demanda.importacion import ImportadorDemandas

    return importacion.importar_filas(ImportadorDemandas(por=por), filas, confirmar=confirmar)
