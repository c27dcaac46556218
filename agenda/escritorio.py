"""Lo que la agenda aporta al escritorio (`att.escritorio`): al oferente, sus planes de trabajo devueltos
para ajuste (y los borradores por enviar); al DNP, los planes enviados que esperan su revisión."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import EstadoPlan, PlanDeTrabajo
from att import escritorio, permisos
from att.models import Rol


def planes_por_ajustar(usuario):
    if not permisos.tiene_rol(usuario, Rol.OFERENTE) or permisos.solo_lectura(usuario):
        return None
    propias = permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
    qs = (PlanDeTrabajo.objects.filter(entidad__in=propias, estado__in=[EstadoPlan.DEVUELTO, EstadoPlan.BORRADOR])
          .select_related("entidad").only("pk", "vigencia", "estado", "actualizado", "entidad__nombre", "entidad__sigla")
          .order_by("-estado", "-actualizado", "-pk")[:escritorio.LIMITE])  # «devuelto» antes que «borrador»
    return [escritorio.Item(
        titulo=_("Plan de trabajo %(v)s · %(e)s") % {"v": p.vigencia, "e": p.entidad.sigla or p.entidad.nombre},
        url=reverse("agenda:plan", args=[p.pk]), estado=p.get_estado_display(), fecha=p.actualizado.date(),
        siguiente=(_("El DNP lo devolvió: vea sus observaciones, ajústelo y vuelva a enviarlo.")
                   if p.estado == EstadoPlan.DEVUELTO else _("Complete sus líneas y envíelo a revisión.")),
        urgente=p.estado == EstadoPlan.DEVUELTO) for p in qs]


def planes_por_revisar(usuario):
    if not permisos.lee_todo(usuario):
        return None
    qs = (PlanDeTrabajo.objects.filter(estado=EstadoPlan.ENVIADO).select_related("entidad")
          .only("pk", "vigencia", "estado", "enviado_en", "entidad__nombre").order_by("enviado_en", "pk")
          [:escritorio.LIMITE])
    gestiona = permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario)
    return [escritorio.Item(
        titulo=_("Plan de trabajo %(v)s · %(e)s") % {"v": p.vigencia, "e": p.entidad.nombre},
        url=reverse("agenda:plan", args=[p.pk]), estado=p.get_estado_display(),
        fecha=p.enviado_en.date() if p.enviado_en else None,
        siguiente=_("Revíselo: apruébelo o devuélvalo con observaciones.") if gestiona
        else _("Espera la revisión del DNP.")) for p in qs]


def registrar() -> None:
    escritorio.registrar(escritorio.Grupo(
        clave="planes-por-ajustar", titulo=gettext_lazy("Planes de trabajo por ajustar o enviar"), orden=50,
        items=planes_por_ajustar, vacio=gettext_lazy("Sus planes de trabajo están enviados o aprobados."),
        mas=lambda u: (_("Todos sus planes de trabajo"), reverse("agenda:planes"))))
    escritorio.registrar(escritorio.Grupo(
        clave="planes-por-revisar", titulo=gettext_lazy("Planes de trabajo por revisar"), orden=45,
        items=planes_por_revisar, vacio=gettext_lazy("No hay planes de trabajo enviados a revisión."),
        mas=lambda u: (_("Todos los planes enviados"), reverse("agenda:planes") + "?estado=enviado")))
