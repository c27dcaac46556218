"""Sección «Percepción» del perfil de la ET (`/territorio/<DIVIPOLA>/`) y su aporte al informe de empalme.

Registrada desde `SeguimientoConfig.ready()` en el registro de `att.perfil`. La ve quien ve lo privado de la
entidad (`att.permisos.puede_ver_entidad`: la ET, su equipo departamental, el DNP, el auditor): calificaciones
que la ET dio (con la asistencia calificada y su oferente) y el estado de su consentimiento. Tres consultas,
sin importar cuántas calificaciones tenga.
"""

from __future__ import annotations

from django.db.models import Avg, Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil, permisos
from seguimiento.models import ConsentimientoPercepcion, Percepcion

RECIENTES = 10


def _asistencia(p: Percepcion) -> str:
    if p.linea_id:
        return _("Línea: %(n)s") % {"n": p.linea.oferta.nombre}
    if p.asesoria_id:
        return _("Asesoría del %(f)s") % {"f": p.asesoria.fecha.isoformat()}
    if p.evento_id:
        return _("Evento: %(n)s") % {"n": p.evento.nombre}
    return _("sin asistencia registrada")


def _calificaciones(entidad):
    return (Percepcion.objects.filter(entidad=entidad)
            .select_related("oferente", "linea__oferta", "asesoria", "evento").order_by("-fecha", "-pk"))


def datos(entidad, usuario):
    """Lo que pinta la sección, o None si el usuario no ve lo privado de la entidad."""
    if usuario is None or not usuario.is_authenticated or not permisos.puede_ver_entidad(usuario, entidad):
        return None
    totales = Percepcion.objects.filter(entidad=entidad).aggregate(
        n=Count("pk"), calidad=Avg("calidad"), pertinencia=Avg("pertinencia"), oportunidad=Avg("oportunidad"))
    recientes = [{"p": p, "asistencia": _asistencia(p)} for p in _calificaciones(entidad)[:RECIENTES]]
    consentimiento = (ConsentimientoPercepcion.objects.select_related("otorgado_por", "revocado_por")
                      .filter(entidad=entidad).first())
    return {"totales": totales, "recientes": recientes, "consentimiento": consentimiento}


def empalme(entidad):
    """Hojas del informe de empalme: calificaciones dadas por la ET y su consentimiento."""
    filas = [[p.fecha, p.oferente.nombre if p.oferente else "", _asistencia(p), p.calidad, p.pertinencia,
              p.oportunidad, p.promedio, p.comentario] for p in _calificaciones(entidad)]
    c = ConsentimientoPercepcion.objects.select_related("otorgado_por", "revocado_por").filter(entidad=entidad).first()
    consentimiento = [[
        _("vigente") if c.vigente else _("revocado"), c.otorgado_en, str(c.otorgado_por), c.revocado_en,
        str(c.revocado_por or ""), c.motivo_revocacion,
    ]] if c else [[_("sin consentimiento"), None, "", None, "", ""]]
    return [
        (str(_("Calificaciones dadas")), [str(_("Fecha")), str(_("Oferente")), str(_("Asistencia")), str(_("Calidad")),
                                          str(_("Pertinencia")), str(_("Oportunidad")), str(_("Promedio")),
                                          str(_("Comentario"))], filas),
        (str(_("Consentimiento")), [str(_("Estado")), str(_("Otorgado el")), str(_("Otorgado por")),
                                    str(_("Revocado el")), str(_("Revocado por")), str(_("Motivo"))], consentimiento),
    ]


def registrar() -> None:
    perfil.registrar(perfil.Seccion(
        clave="percepcion", titulo=gettext_lazy("Percepción de la asistencia"), orden=70,
        plantilla="seguimiento/perfil/percepcion.html", datos=datos, empalme=empalme,
        campos=("seguimiento.Percepcion.entidad", "seguimiento.Percepcion.calidad",
                "seguimiento.Percepcion.pertinencia", "seguimiento.Percepcion.oportunidad",
                "seguimiento.Percepcion.oferente", "seguimiento.Percepcion.linea",
                "seguimiento.Percepcion.asesoria", "seguimiento.Percepcion.evento",
                "seguimiento.ConsentimientoPercepcion.entidad", "seguimiento.ConsentimientoPercepcion.revocado_en"),
    ))
