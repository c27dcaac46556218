"""Sección «Agenda y planes» del perfil de una entidad territorial: quién hace qué en ella (las líneas de
todos los oferentes que la focalizan), los planes concertados, sus mesas y sus compromisos. Reemplaza la
página `/agenda/territorio/<id>/`, que ahora redirige aquí. Privada.

Para el informe de empalme aporta la asistencia programada por vigencia, los compromisos aún abiertos y los
contactos de los oferentes que la asistieron."""

from __future__ import annotations

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda import selectors
from agenda.models import Compromiso, EstadoCompromiso, LineaPlan, MesaDeTrabajo
from att import perfil
from att.selectors import filtrar_por_periodo

ABIERTOS = (EstadoCompromiso.PENDIENTE, EstadoCompromiso.EN_CURSO)


def _miles(valor) -> str:
    return f"{int(valor or 0):,}".replace(",", ".")


def _lineas(qs):
    # Solo las columnas que pinta la fila: la oferta y el usuario enlazados son anchos (descripciones, clave…).
    return (qs.select_related("plan__entidad", "oferta", "responsable", "etapa")
            .only("pk", "objetivo", "fecha_inicio", "fecha_fin", "inversion", "plan__vigencia", "plan__estado",
                  "plan__entidad__nombre", "oferta__nombre", "responsable__nombre", "responsable__email",
                  "etapa__nombre", "etapa__orden")
            .order_by("-plan__vigencia", "etapa__orden", "fecha_inicio", "pk"))


def _fila_linea(ln):
    return [str(ln.plan.vigencia), ln.plan.entidad.nombre, ln.oferta.nombre, ln.objetivo[:160], ln.etapa.nombre,
            f"{ln.fecha_inicio:%d/%m/%Y} – {ln.fecha_fin:%d/%m/%Y}", str(ln.responsable), _miles(ln.inversion),
            ln.plan.get_estado_display()]


ENC_LINEAS = (gettext_lazy("Vigencia"), gettext_lazy("Quién (oferente)"), gettext_lazy("Oferta"),
              gettext_lazy("Objetivo"), gettext_lazy("Etapa"), gettext_lazy("Cuándo"), gettext_lazy("Responsable"),
              gettext_lazy("Inversión (COP)"), gettext_lazy("Estado del plan"))
ENC_COMPROMISOS = (gettext_lazy("Compromiso"), gettext_lazy("Plan concertado"), gettext_lazy("Vigencia"),
                   gettext_lazy("Responsable"), gettext_lazy("Fecha límite"), gettext_lazy("Estado"))


def _compromisos(qs, entidad):
    return perfil.con_autor_activo(
        qs.filter(plan__entidad_territorial=entidad).select_related("plan", "responsable")
        .order_by("-fecha_limite", "-pk"), "responsable", entidad)


def _fila_compromiso(c):
    return [c.descripcion[:200], c.plan.nombre, str(c.plan.vigencia), perfil.autor(c, "responsable"), c.fecha_limite,
            c.get_estado_display()]


def datos(entidad, usuario, *, periodo=None, limite=perfil.LIMITE_FILAS):
    """`periodo` (página propia de la sección): las líneas que empiezan en ese periodo de gobierno (como
    `?periodo=` de la API de líneas) y los planes concertados de sus vigencias, con sus mesas y compromisos."""
    lineas = filtrar_por_periodo(selectors.lineas_de_entidad_territorial(usuario, entidad, por_ids=True), "fecha_inicio",
                                 periodo)
    cifras = lineas.order_by().aggregate(n=Count("pk"), oferentes=Count("plan__entidad", distinct=True),
                                         inversion=Sum("inversion"))
    concertados = filtrar_por_periodo(selectors.concertados_visibles(usuario).filter(entidad_territorial=entidad),
                                      "vigencia", periodo)
    hoy_abiertos = Compromiso.objects.filter(plan__in=concertados.values("pk"), estado__in=ABIERTOS).count()
    resumen = [(_("líneas programadas"), cifras["n"]), (_("entidades oferentes"), cifras["oferentes"]),
               (_("COP de inversión"), _miles(cifras["inversion"])), (_("compromisos abiertos"), hoy_abiertos)]
    tablas = [
        perfil.tabla(_("Quién hace qué: líneas de los planes de trabajo que la focalizan"), ENC_LINEAS,
                     _lineas(lineas), _fila_linea, limite=limite, total=cifras["n"],
                     vacio=_("Ninguna entidad ha programado asistencia técnica para esta entidad territorial.")),
        perfil.tabla(
            _("Planes concertados con la entidad"),
            [_("Plan"), _("Vigencia"), _("Estado"), _("Oferentes"), _("Mesas")],
            concertados.annotate(n_oferentes=Count("oferentes", distinct=True), n_mesas=Count("mesas", distinct=True))
            .order_by("-vigencia", "-pk"),
            lambda p: [perfil.Enlace(p.nombre, reverse("agenda:concertado", args=[p.pk])), str(p.vigencia),
                       p.get_estado_display(), p.n_oferentes, p.n_mesas], limite=limite,
            vacio=_("No hay planes concertados con esta entidad.")),
        perfil.tabla(_("Compromisos"), ENC_COMPROMISOS,
                     _compromisos(Compromiso.objects.filter(plan__in=concertados.values("pk")), entidad),
                     _fila_compromiso, limite=limite),
        perfil.tabla(
            _("Mesas de trabajo"), [_("Plan concertado"), _("Fecha"), _("Temas y conclusiones"), _("Registrada por")],
            perfil.con_autor_activo(
                MesaDeTrabajo.objects.filter(plan__in=concertados.values("pk")).select_related("plan", "registrada_por")
                .order_by("-fecha", "-pk"), "registrada_por", entidad),
            lambda m: [m.plan.nombre, m.fecha.date(), (m.temas or "")[:200], perfil.autor(m, "registrada_por")],
            limite=limite),
        perfil.tabla(
            _("Agendas territoriales que la entidad suscribe o que sirven las líneas que la focalizan"),
            [_("Agenda territorial"), _("Tipo"), _("Líneas que llegan a la entidad y la sirven")],
            selectors.agendas_territoriales_de_et(usuario, entidad),
            lambda a: [perfil.Enlace(a.nombre, reverse("agenda:territorial", args=[a.pk])), a.get_tipo_display(),
                       a.n_lineas_et],
            limite=None, vacio=_("Ninguna agenda territorial registrada la vincula.")),
    ]
    return {"resumen": resumen, "tablas": tablas, "enlace": perfil.enlace_ver_todo(entidad, "agenda", limite)}


def empalme(entidad):
    periodo = perfil.periodo_de_gobierno()
    lineas = perfil.tabla(_("Asistencia programada por periodo de gobierno (líneas de plan)"),
                          [_("Periodo de gobierno"), *ENC_LINEAS], _lineas(LineaPlan.objects.filter(territorios=entidad)),
                          lambda ln: [periodo(ln.plan.vigencia), *_fila_linea(ln)], limite=None)
    abiertos = perfil.tabla(
        _("Compromisos aún abiertos"), [_("Periodo de gobierno"), *ENC_COMPROMISOS],
        _compromisos(Compromiso.objects.filter(estado__in=ABIERTOS), entidad),
        lambda c: [periodo(c.plan.vigencia), *_fila_compromiso(c)], limite=None)
    contactos = perfil.tabla(
        _("Contactos de los oferentes"), [_("Entidad oferente"), _("Oferta"), _("Contacto"), _("Correo"), _("Teléfono"),
                                          _("Última vigencia")],
        LineaPlan.objects.filter(Q(territorios=entidad) | Q(planes_concertados__entidad_territorial=entidad))
        .order_by().values_list("plan__entidad__nombre", "oferta__nombre", "oferta__contacto_nombre",
                                "oferta__contacto_email", "oferta__contacto_telefono")
        .annotate(ultima=Max("plan__vigencia")).order_by("plan__entidad__nombre", "oferta__nombre"),
        list, limite=None)
    return [lineas.hoja(), abiertos.hoja(), contactos.hoja()]


def registrar_secciones() -> None:
    perfil.registrar(perfil.Seccion(
        clave="agenda", titulo=gettext_lazy("Agenda, planes y compromisos"), orden=40,
        plantilla="att/perfil/tablas.html", datos=datos, empalme=empalme, filtra_periodo=True,
        campos=("agenda.LineaPlan.territorios", "agenda.LineaPlan.inversion", "agenda.LineaPlan.plan__vigencia",
                "agenda.PlanConcertado.entidad_territorial", "agenda.Compromiso.estado", "agenda.Compromiso.fecha_limite",
                "agenda.MesaDeTrabajo.registrada_por", "oferta.Oferta.contacto_telefono"),
    ))
