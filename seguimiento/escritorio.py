"""Lo que el seguimiento aporta al escritorio (`att.escritorio`): al oferente, los hitos por reportar
(vencidos o que vencen en 30 días) de las líneas que reporta y sus avances devueltos; al DNP, los avances
por validar y los hitos vencidos sin cumplir."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import escritorio, permisos
from att.models import Rol
from seguimiento.models import Avance, EstadoAvance, Hito

HORIZONTE = timedelta(days=30)


def _hoja_abierta():
    """Un hito sin subhitos (a los que tienen se les reporta por sus subhitos) y aún sin cumplir."""
    return Q(cumplido_en__isnull=True) & ~Exists(Hito.objects.filter(padre=OuterRef("pk")))


def hitos_por_reportar(usuario):
    if not permisos.tiene_rol(usuario, Rol.OFERENTE) or permisos.solo_lectura(usuario):
        return None
    hoy = timezone.localdate()
    propias = permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
    # Los mismos que `seguimiento.rules.reporta_linea`: las líneas de los planes de su entidad o a su cargo.
    suyas = Q(linea__plan__entidad__in=propias) | Q(linea__responsable=usuario)
    hitos = (Hito.objects.filter(suyas, _hoja_abierta(), fecha_planeada__lte=hoy + HORIZONTE)
             .select_related("linea__oferta").only("pk", "nombre", "fecha_planeada", "linea_id", "linea__oferta__nombre")
             .order_by("fecha_planeada", "pk")[:escritorio.LIMITE])
    devueltos = (Avance.objects.filter(estado=EstadoAvance.DEVUELTO).filter(
        Q(hito__linea__plan__entidad__in=propias) | Q(hito__linea__responsable=usuario))
        .select_related("hito").only("pk", "fecha_corte", "hito__nombre", "hito__linea_id")
        .order_by("-fecha_corte", "-pk")[:escritorio.LIMITE])
    items = [escritorio.Item(
        titulo=_("Avance devuelto: %(h)s") % {"h": a.hito.nombre}, url=reverse("seguimiento:linea", args=[a.hito.linea_id]),
        estado=a.get_estado_display(), fecha=a.fecha_corte, urgente=True,
        siguiente=_("Lea el comentario del DNP y reporte el avance corregido.")) for a in devueltos]
    items += [escritorio.Item(
        titulo=f"{h.nombre} · {h.linea.oferta.nombre}", url=reverse("seguimiento:linea", args=[h.linea_id]),
        estado=_("Vencido") if h.fecha_planeada < hoy else _("Vence pronto"), fecha=h.fecha_planeada,
        urgente=h.fecha_planeada < hoy, siguiente=_("Reporte su avance con evidencias.")) for h in hitos]
    return items


def avances_por_validar(usuario):
    if not permisos.lee_todo(usuario):
        return None
    hoy = timezone.localdate()
    avances = (Avance.objects.filter(estado=EstadoAvance.REPORTADO).select_related("hito")
               .only("pk", "registrado_en", "porcentaje", "hito__nombre").order_by("registrado_en", "pk")
               [:escritorio.LIMITE])
    vencidos = (Hito.objects.filter(_hoja_abierta(), fecha_planeada__lt=hoy).select_related("linea__oferta")
                .only("pk", "nombre", "fecha_planeada", "linea_id", "linea__oferta__nombre")
                .order_by("fecha_planeada", "pk")[:escritorio.LIMITE])
    pendientes = reverse("seguimiento:pendientes")
    items = [escritorio.Item(
        titulo=_("Avance de %(p)s %% en «%(h)s»") % {"p": floatformat(a.porcentaje, -1), "h": a.hito.nombre}, url=pendientes,
        estado=a.get_estado_display(), fecha=a.registrado_en.date(),
        siguiente=_("Valídelo o devuélvalo al oferente.")) for a in avances]
    items += [escritorio.Item(
        titulo=f"{h.nombre} · {h.linea.oferta.nombre}", url=reverse("seguimiento:linea", args=[h.linea_id]),
        estado=_("Vencido"), fecha=h.fecha_planeada, urgente=True,
        siguiente=_("El hito venció sin cumplirse: consulte al oferente.")) for h in vencidos]
    return items


def registrar() -> None:
    escritorio.registrar(escritorio.Grupo(
        clave="hitos", titulo=gettext_lazy("Hitos por reportar"), orden=35, items=hitos_por_reportar,
        vacio=gettext_lazy("No tiene hitos vencidos ni que venzan en los próximos 30 días.")))
    escritorio.registrar(escritorio.Grupo(
        clave="avances", titulo=gettext_lazy("Avances por validar y hitos vencidos"), orden=48,
        items=avances_por_validar, vacio=gettext_lazy("No hay avances por validar ni hitos vencidos."),
        mas=lambda u: (_("Todos los avances por validar"), reverse("seguimiento:pendientes"))))
