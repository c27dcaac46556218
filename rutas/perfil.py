"""Secciones del perfil de la entidad territorial que aporta la app de rutas (registradas desde
`RutasConfig.ready()`): «Rutas de asistencia» (estado de los seis pasos y egreso) y «Capacidad»
(diagnósticos y su cambio frente a la línea base, historial MDM, egresos y quién sirvió en cada
administración), cada una con su aporte al informe de empalme."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil, permisos
from att import selectors as att_selectors
from rutas import selectors

TOPE_RUTAS = 50


def rutas_para_perfil(entidad, usuario):
    """Las rutas de la entidad que el usuario puede ver, con sus pasos (consultas fijas), o None."""
    if not getattr(usuario, "is_authenticated", False):
        return None
    qs = selectors.rutas_lista(usuario, entidad=entidad.pk)
    total = qs.count()
    if not total:
        return {"entidad": entidad, "rutas": [], "total": 0}
    return {"entidad": entidad, "rutas": selectors.con_pasos(qs[:TOPE_RUTAS]), "total": total}


def rutas_para_empalme(entidad):
    from rutas.models import Protocolo, Ruta

    rutas = selectors.con_pasos(selectors._con_relaciones(Ruta.objects.filter(entidad=entidad)).order_by("inicio", "pk"))
    periodos = list(att_selectors.periodos_gobierno())
    cabeza = [_("Capacidad"), _("Oferentes"), _("Inicio"), _("Periodo de gobierno"), _("Estado"),
              *[str(p.label) for p in Protocolo], _("Egreso"), _("Fecha del egreso"), _("Motivo del cierre")]
    filas = []
    for r in rutas:
        periodo = next((p.nombre for p in periodos if p.contiene(r.inicio)), "")
        filas.append([r.capacidad.nombre, "; ".join(o.nombre for o in r.oferentes.all()), r.inicio, periodo,
                      str(r.get_estado_display()), *[str(p.estado_texto) for p in r.pasos],
                      str(r.egreso.get_motivo_display()) if r.egreso else "", r.egreso.fecha if r.egreso else None,
                      r.egreso.detalle if r.egreso else ""])
    return [(_("Rutas de asistencia"), cabeza, filas)]


def capacidad_para_perfil(entidad, usuario):
    """Diagnósticos, MDM, egresos y administraciones: para quien ve lo privado de la entidad (ella, su
    equipo departamental, el DNP y el auditor) o la diagnosticó o la acompaña en una ruta."""
    if not getattr(usuario, "is_authenticated", False):
        return None
    puede = permisos.puede_ver_entidad(usuario, entidad) or selectors.diagnosticos_lista(
        usuario, entidad=entidad.pk).exists()
    if not puede:
        return None
    datos = selectors.capacidad_de(entidad)
    datos["administraciones"] = att_selectors.administraciones_de(entidad)
    datos["entidad"] = entidad
    return datos


def capacidad_para_empalme(entidad):
    datos = selectors.capacidad_de(entidad)
    diagnosticos = [
        [f["fecha"], f["periodo"].nombre if f["periodo"] else "", f["capacidad"].nombre, f["valor"], f["base"],
         f["cambio"], f["objetivo"]] for f in datos["filas"]]
    mdm = [[p.anio, p.puntaje, p.grupo] for p in datos["mdm"]]
    egresos = [[e.capacidad.nombre, str(e.get_motivo_display()), e.fecha, e.detalle] for e in datos["egresos"]]
    administraciones = [
        [fila["periodo"].nombre, m.usuario.nombre, m.usuario.cargo, str(m.get_rol_display()), m.desde, m.hasta]
        for fila in att_selectors.administraciones_de(entidad) for m in fila["membresias"]]
    return [
        (_("Diagnósticos de capacidad"), [_("Fecha"), _("Periodo de gobierno"), _("Capacidad"), _("Valoración"),
                                          _("Línea base"), _("Cambio"), _("Objetivo")], diagnosticos),
        (_("Historial MDM"), [_("Año"), _("Puntaje MDM"), _("Grupo MDM")], mdm),
        (_("Egresos"), [_("Capacidad"), _("Motivo"), _("Fecha"), _("Detalle")], egresos),
        (_("Administraciones"), [_("Periodo de gobierno"), _("Persona"), _("Cargo"), _("Rol"), _("Desde"), _("Hasta")],
         administraciones),
    ]


def registrar() -> None:
    perfil.registrar(perfil.Seccion(
        clave="rutas", titulo=gettext_lazy("Rutas de asistencia"), orden=25, plantilla="rutas/perfil/rutas.html",
        datos=rutas_para_perfil, empalme=rutas_para_empalme,
        campos=("rutas.Ruta.entidad", "rutas.Ruta.estado", "rutas.Ruta.capacidad", "rutas.Ruta.oferentes",
                "rutas.Ruta.egreso", "rutas.PasoNoAplica.motivo"),
    ))
    perfil.registrar(perfil.Seccion(
        clave="capacidad", titulo=gettext_lazy("Capacidad"), orden=15, plantilla="rutas/perfil/capacidad.html",
        datos=capacidad_para_perfil, empalme=capacidad_para_empalme,
        campos=("att.DiagnosticoCapacidad.fecha", "att.ValoracionCapacidad.valor", "att.ValoracionCapacidad.objetivo",
                "att.PuntajeMDM.puntaje", "att.PuntajeMDM.grupo", "att.EgresoCapacidad.motivo",
                "att.Membresia.desde", "att.Membresia.hasta"),
    ))
