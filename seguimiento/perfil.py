"""Secciones del seguimiento en el perfil de una entidad territorial:

- «Avance de las líneas en la entidad» (privada): el avance por ET de cada línea que la alcanza
  (`EstadoLineaEntidad`, ver `seguimiento/por_entidad.py`) y la asistencia registrada (asesorías y eventos);
  las calificaciones que dio y su consentimiento son la sección «Percepción» (`seguimiento/perfil_percepcion.py`);
- «Estadísticas abiertas» (pública): cifras agregadas, sin nombres de personas.
"""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil
from att.selectors import filtrar_por_periodo
from demanda.models import Demanda, EstadoDemanda
from seguimiento.models import Asesoria, EstadoLineaEntidad, EventoMasivo, Semaforo

ENC_AVANCE = (gettext_lazy("Línea (oferta)"), gettext_lazy("Entidad oferente"), gettext_lazy("Vigencia"),
              gettext_lazy("Avance en la entidad (%)"), gettext_lazy("Esperado (%)"), gettext_lazy("Semáforo"),
              gettext_lazy("Hitos vencidos"), gettext_lazy("Último reporte"))
ENC_ASISTENCIA = (gettext_lazy("Periodo de gobierno"), gettext_lazy("Tipo"), gettext_lazy("Fecha"), gettext_lazy("Entidad oferente"),
                  gettext_lazy("Descripción"), gettext_lazy("Participantes"))



def _estados(entidad):
    return (EstadoLineaEntidad.objects.filter(entidad=entidad)
            .select_related("oferta", "oferente", "plan")
            .only("pk", "linea_id", "avance", "esperado", "semaforo", "hitos_vencidos", "ultimo_reporte",
                  "oferta__nombre", "oferente__nombre", "oferente__sigla", "plan__vigencia")
            .order_by("-plan__vigencia", "semaforo", "linea_id"))


def _fila_estado(e, *, enlace=True):
    nombre = perfil.Enlace(e.oferta.nombre, reverse("seguimiento:linea", args=[e.linea_id])) if enlace else e.oferta.nombre
    return [nombre, str(e.oferente), str(e.plan.vigencia), e.avance, e.esperado, e.get_semaforo_display(), e.hitos_vencidos,
            e.ultimo_reporte]


def _asesorias(entidad):
    return Asesoria.objects.filter(entidad=entidad).select_related("oferente").order_by("-fecha", "-pk")


def _eventos(entidad):
    return EventoMasivo.objects.filter(entidades=entidad).select_related("oferente").order_by("-fecha", "-pk")


def datos(entidad, usuario, *, periodo=None, limite=perfil.LIMITE_FILAS):
    """`periodo` (página propia de la sección): el avance de las líneas de planes de sus vigencias (como
    `?periodo=` de la API de estados) y la asistencia recibida en ese periodo de gobierno."""
    estados = filtrar_por_periodo(_estados(entidad), "plan__vigencia", periodo)
    cifras = estados.order_by().aggregate(
        n=Count("pk"), avance=Avg("avance"), riesgo=Count("pk", filter=Q(semaforo=Semaforo.EN_RIESGO)),
        atrasadas=Count("pk", filter=Q(semaforo=Semaforo.ATRASADO)))
    resumen = [(_("líneas la alcanzan"), cifras["n"]),
               (_("avance promedio en la entidad (%)"), f"{cifras['avance']:.1f}" if cifras["avance"] is not None else "—"),
               (_("en riesgo"), cifras["riesgo"]), (_("atrasadas"), cifras["atrasadas"])]
    return {"resumen": resumen, "tablas": [
        perfil.tabla(_("Avance por entidad de cada línea que la alcanza"), ENC_AVANCE, estados, _fila_estado,
                     limite=limite, total=cifras["n"], vacio=_("Ninguna línea en seguimiento alcanza a esta entidad.")),
        perfil.tabla(_("Asesorías recibidas"), ENC_ASISTENCIA[2:],
                     filtrar_por_periodo(_asesorias(entidad), "fecha", periodo),
                     lambda a: [a.fecha, str(a.oferente), (a.descripcion or "")[:200], a.participantes], limite=limite),
        perfil.tabla(_("Eventos de asistencia técnica en los que participó"), ENC_ASISTENCIA[2:],
                     filtrar_por_periodo(_eventos(entidad), "fecha", periodo),
                     lambda e: [e.fecha, str(e.oferente), e.nombre, e.participantes], limite=limite),
    ], "enlace": perfil.enlace_ver_todo(entidad, "seguimiento", limite)}


def empalme(entidad):
    periodo = perfil.periodo_de_gobierno()
    asistencia = [[periodo(a.fecha), _("Asesoría"), a.fecha, str(a.oferente), a.descripcion, a.participantes]
                  for a in _asesorias(entidad)]
    asistencia += [[periodo(e.fecha), _("Evento"), e.fecha, str(e.oferente), e.nombre, e.participantes]
                   for e in _eventos(entidad)]
    asistencia.sort(key=lambda f: f[2], reverse=True)
    return [
        (_("Asistencia recibida por periodo de gobierno"), [str(e) for e in ENC_ASISTENCIA], asistencia),
        perfil.tabla(_("Avance por entidad de cada línea"), ENC_AVANCE, _estados(entidad),
                     lambda e: _fila_estado(e, enlace=False), limite=None).hoja(),
    ]


def _escalar(qs, campo_entidad: str, **agregados):
    """Subconsultas escalares de agregados de `qs` para la entidad de la consulta exterior (0/None si no hay filas)."""
    from django.db.models import OuterRef, Subquery

    base = qs.filter(**{campo_entidad: OuterRef("pk")}).order_by().values(campo_entidad)
    return {nombre: Subquery(base.annotate(v=agregado).values("v")[:1]) for nombre, agregado in agregados.items()}


def estadisticas(entidad, usuario):
    """Cifras abiertas (para cualquiera, también el anónimo): conteos y promedios, sin personas. Una sola
    consulta (subconsultas escalares sobre la entidad) en vez de una por tabla."""
    from att.models import Entidad

    atendidas = Q(estado__in=[EstadoDemanda.ATENDIDA, EstadoDemanda.CERRADA])
    fila = Entidad.objects.filter(pk=entidad.pk).annotate(
        **_escalar(Demanda.objects.all(), "entidad", dem_n=Count("pk"), dem_atendidas=Count("pk", filter=atendidas)),
        **_escalar(EstadoLineaEntidad.objects.all(), "entidad", lin_n=Count("pk"), lin_avance=Avg("avance"),
                   lin_oferentes=Count("oferente", distinct=True)),
        **_escalar(Asesoria.objects.all(), "entidad", ases_n=Count("pk")),
        **_escalar(EventoMasivo.entidades.through.objects.all(), "entidad", ev_n=Count("pk")),
    ).values("dem_n", "dem_atendidas", "lin_n", "lin_avance", "lin_oferentes", "ases_n", "ev_n").get()
    demandas = {"n": fila["dem_n"] or 0, "atendidas": fila["dem_atendidas"] or 0}
    lineas = {"n": fila["lin_n"] or 0, "avance": fila["lin_avance"], "oferentes": fila["lin_oferentes"] or 0}
    asesorias, eventos = fila["ases_n"] or 0, fila["ev_n"] or 0
    return {"resumen": [
        (_("demandas registradas"), demandas["n"]), (_("demandas atendidas o cerradas"), demandas["atendidas"]),
        (_("líneas de asistencia la alcanzan"), lineas["n"]), (_("entidades oferentes"), lineas["oferentes"]),
        (_("avance promedio de sus líneas (%)"), f"{lineas['avance']:.1f}" if lineas["avance"] is not None else "—"),
        (_("asesorías recibidas"), asesorias), (_("eventos en los que participó"), eventos),
    ], "texto": _("Datos abiertos de la plataforma ATT, calculados al consultar la página.")}


def registrar_secciones() -> None:
    perfil.registrar(perfil.Seccion(
        clave="estadisticas", titulo=gettext_lazy("Estadísticas abiertas"), orden=10, plantilla="att/perfil/tablas.html",
        datos=estadisticas, publica=True,
        campos=("demanda.Demanda.estado", "seguimiento.EstadoLineaEntidad.avance", "seguimiento.EstadoLineaEntidad.oferente",
                "seguimiento.Asesoria.entidad", "seguimiento.EventoMasivo.entidades"),
    ))
    perfil.registrar(perfil.Seccion(
        clave="seguimiento", titulo=gettext_lazy("Avance de las líneas en la entidad"), orden=50,
        plantilla="att/perfil/tablas.html", datos=datos, empalme=empalme, filtra_periodo=True,
        campos=("seguimiento.EstadoLineaEntidad.entidad", "seguimiento.EstadoLineaEntidad.avance",
                "seguimiento.EstadoLineaEntidad.esperado", "seguimiento.EstadoLineaEntidad.semaforo",
                "seguimiento.EstadoLineaEntidad.hitos_vencidos", "seguimiento.EstadoLineaEntidad.ultimo_reporte",
                "seguimiento.Asesoria.oferente", "seguimiento.EventoMasivo.nombre", "seguimiento.Percepcion.calidad"),
    ))
