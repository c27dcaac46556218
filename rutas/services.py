"""Escrituras de las rutas: crear, marcar un paso que no aplica (con motivo) y egresar.

Los pasos no se marcan como hechos aquí: los completan los servicios de las demás apps al crear sus
registros (ver `rutas/models.py`). Cada escritura es idempotente (repetirla deja lo mismo) y se
anuncia por la bandeja de salida (`rutas.avisar`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att import permisos
from att import services as att_services
from att.models import Capacidad, Entidad, MotivoEgreso, Rol
from att.salida import encolar
from att.selectors import usuarios_con_rol
from att.validadores import exigir_largo
from rutas.models import EstadoRuta, PasoNoAplica, Protocolo, Ruta


def puede_crear(usuario, entidad=None, oferentes=()) -> bool:
    """Crea una ruta el DNP, el equipo departamental para sus entidades y un oferente para sí (puede
    sumar a otros oferentes: plan articulado)."""
    if permisos.solo_lectura(usuario) or not getattr(usuario, "is_authenticated", False):
        return False
    if permisos.es_equipo_dnp(usuario):
        return True
    if entidad is not None and permisos.actua_por(usuario, entidad, {Rol.EQUIPO_DEPARTAMENTAL}):
        return True
    if entidad is None and permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL, Rol.OFERENTE):
        return True
    return any(permisos.actua_por(usuario, o, {Rol.OFERENTE}) for o in oferentes)


def puede_gestionar(usuario, ruta: Ruta) -> bool:
    """Marcan pasos que no aplican y registran el egreso: el DNP, los oferentes de la ruta y el
    equipo departamental de la entidad."""
    if permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario) or permisos.actua_por(usuario, ruta.entidad, {Rol.EQUIPO_DEPARTAMENTAL}):
        return True
    return any(permisos.actua_por(usuario, o, {Rol.OFERENTE}) for o in ruta.oferentes.all())


def acompana(usuario, entidad) -> bool:
    """¿El usuario es oferente de una ruta abierta con la entidad? (así diagnostica su línea base)."""
    return Ruta.objects.filter(
        entidad=entidad, estado=EstadoRuta.ABIERTA,
        oferentes__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")).exists()


def diagnostico_registrar(*, entidad, por, **datos):
    """El diagnóstico de `att` con el permiso del oferente que acompaña a la entidad en una ruta."""
    return att_services.diagnostico_registrar(entidad=entidad, por=por, acompana=acompana(por, entidad), **datos)


def _clave(entidad, capacidad, oferentes) -> str:
    return f"{entidad.pk}:{capacidad.pk}:" + ",".join(str(pk) for pk in sorted({o.pk for o in oferentes}))


def ruta_verificar(*, entidad, capacidad, oferentes, por) -> None:
    if entidad is None or not isinstance(entidad, Entidad) or not entidad.es_territorial:
        raise ValidationError({"entidad": _("La ruta es de una alcaldía o una gobernación.")})
    if not isinstance(capacidad, Capacidad):
        raise ValidationError({"capacidad": _("Elija la capacidad que la ruta fortalece.")})
    oferentes = list(oferentes or [])
    if not oferentes:
        raise ValidationError({"oferentes": _("Elija al menos una entidad oferente.")})
    if any(o.es_territorial for o in oferentes):
        raise ValidationError({"oferentes": _("Los oferentes de la ruta no pueden ser alcaldías ni gobernaciones.")})
    if not puede_crear(por, entidad, oferentes):
        raise PermissionDenied(_("No puede crear rutas de asistencia para %(e)s con esos oferentes.") % {"e": entidad})


@transaction.atomic
def ruta_crear(*, entidad, capacidad, oferentes, por, inicio=None) -> Ruta:
    """Abre la ruta (o devuelve la abierta con la misma entidad, capacidad y oferentes)."""
    oferentes = list(oferentes or [])
    ruta_verificar(entidad=entidad, capacidad=capacidad, oferentes=oferentes, por=por)
    inicio = inicio or timezone.localdate()
    if inicio > timezone.localdate():
        raise ValidationError({"inicio": _("La ruta no puede empezar en el futuro.")})
    clave = _clave(entidad, capacidad, oferentes)
    existente = Ruta.objects.filter(clave=clave, estado=EstadoRuta.ABIERTA).first()
    if existente is not None:
        return existente
    ruta = Ruta(entidad=entidad, capacidad=capacidad, inicio=inicio, clave=clave, creada_por=por)
    ruta._history_user = por
    try:
        with transaction.atomic():
            ruta.save()
    except IntegrityError:  # otra petición igual la abrió a la vez
        return Ruta.objects.get(clave=clave, estado=EstadoRuta.ABIERTA)
    ruta.oferentes.set(oferentes)
    encolar("rutas.avisar", ruta.pk, "creada", clave=f"ruta:{ruta.pk}:creada")
    return ruta


def _exigir_abierta(ruta: Ruta) -> None:
    if ruta.estado != EstadoRuta.ABIERTA:
        raise ValidationError(_("La ruta ya terminó (%(e)s): no se puede cambiar.") % {"e": ruta.get_estado_display()})


@transaction.atomic
def paso_no_aplica(*, ruta: Ruta, protocolo: int, motivo: str, por) -> PasoNoAplica:
    """Marca un protocolo como «no aplica» con su motivo (repetirlo actualiza el motivo)."""
    if not puede_gestionar(por, ruta):
        raise PermissionDenied(_("Solo los oferentes de la ruta, su equipo departamental o el DNP marcan pasos."))
    _exigir_abierta(ruta)
    if protocolo not in Protocolo.values:
        raise ValidationError({"protocolo": _("Elija uno de los seis protocolos.")})
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": _("Escriba por qué este paso no aplica a la ruta.")})
    exigir_largo(PasoNoAplica, "motivo", motivo)
    paso, creado = PasoNoAplica.objects.get_or_create(ruta=ruta, protocolo=protocolo,
                                                      defaults={"motivo": motivo, "por": por})
    if not creado and paso.motivo != motivo:
        paso.motivo, paso.por = motivo, por
        paso._history_user = por
        paso.save(update_fields=["motivo", "por"])
    Ruta.objects.filter(pk=ruta.pk).update(actualizado=timezone.now())
    encolar("rutas.avisar", ruta.pk, f"no_aplica_{protocolo}", clave=f"ruta:{ruta.pk}:no_aplica:{protocolo}")
    return paso


@transaction.atomic
def paso_aplica(*, ruta: Ruta, protocolo: int, por) -> None:
    """Deshace un «no aplica» (el paso vuelve a depender de sus registros)."""
    if not puede_gestionar(por, ruta):
        raise PermissionDenied(_("Solo los oferentes de la ruta, su equipo departamental o el DNP marcan pasos."))
    _exigir_abierta(ruta)
    for paso in PasoNoAplica.objects.filter(ruta=ruta, protocolo=protocolo):
        paso._history_user = por
        paso.delete()
    Ruta.objects.filter(pk=ruta.pk).update(actualizado=timezone.now())


@transaction.atomic
def ruta_egresar(*, ruta: Ruta, motivo: str, por, detalle: str = "", diagnostico=None) -> Ruta:
    """Termina la ruta con un egreso: objetivo cumplido (un diagnóstico de la entidad valora la
    capacidad en o por encima del objetivo acordado) o cerrada con motivo. Idempotente: repetirlo
    sobre la ruta ya terminada la devuelve igual."""
    ruta = Ruta.objects.select_for_update().get(pk=ruta.pk)
    if not puede_gestionar(por, ruta):
        raise PermissionDenied(_("Solo los oferentes de la ruta, su equipo departamental o el DNP registran el egreso."))
    if ruta.estado != EstadoRuta.ABIERTA:
        return ruta
    egreso = att_services.egreso_registrar(
        entidad=ruta.entidad, capacidad=ruta.capacidad, motivo=motivo, por=por, detalle=detalle,
        diagnostico=diagnostico, clave=f"ruta:{ruta.pk}", acompana=True,  # puede_gestionar ya lo verificó
    )
    ruta.egreso = egreso
    ruta.estado = EstadoRuta.EGRESADA if egreso.motivo == MotivoEgreso.CUMPLIDO else EstadoRuta.CERRADA
    ruta._history_user = por
    ruta.save(update_fields=["egreso", "estado", "actualizado"])
    encolar("rutas.avisar", ruta.pk, "egreso", clave=f"ruta:{ruta.pk}:egreso")
    return ruta


def avisar(ruta_id: int, evento: str) -> int:
    """Alerta a la entidad territorial, su equipo departamental y los oferentes de la ruta (idempotente
    por la clave de la alerta)."""
    from att.models import CategoriaAlerta
    from att.notificaciones import notificar
    from rutas import rules

    ruta = Ruta.objects.select_related("entidad", "capacidad").filter(pk=ruta_id).first()
    if ruta is None:
        return 0
    entidades = [ruta.entidad_id, *ruta.oferentes.values_list("pk", flat=True)]
    usuarios = usuarios_con_rol(entidades, [Rol.FUNCIONARIO_ET, Rol.OFERENTE])
    titulos = {
        "creada": _("Nueva ruta de asistencia de %(e)s en «%(c)s»"),
        "egreso": _("Terminó la ruta de asistencia de %(e)s en «%(c)s»"),
    }
    titulo = titulos.get(evento, _("Cambió la ruta de asistencia de %(e)s en «%(c)s»")) % {
        "e": ruta.entidad, "c": ruta.capacidad}
    return len(notificar(usuarios=usuarios, categoria=CategoriaAlerta.SEGUIMIENTO, titulo=titulo,
                         url=f"/rutas/{ruta.pk}/", clave=f"ruta-{ruta.pk}-{evento}",
                         puede_ver=lambda u: rules.ver_ruta(u, ruta)))
