"""Lo que la demanda aporta al escritorio de cada persona (`att.escritorio`):

- la entidad territorial: sus demandas abiertas con su estado y qué sigue, y las ofertas que el cruce
  encontró para ellas y que aún no pidió ni descartó;
- el oferente: las demandas que esperan su respuesta (remitidas a su entidad, o que pidieron una de sus ofertas);
- el DNP (y quien lee todo): la cola de demandas por revisar, las más antiguas primero;
- el equipo departamental: sus municipios, con las demandas abiertas de cada uno (enlace a su perfil).

Cada grupo cuesta un número fijo de consultas (un LIMIT; sin consultas por fila)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from att import escritorio, permisos
from att.models import Rol, TipoEntidad
from demanda.models import DecisionCruce, Demanda, EstadoDemanda, TipoDecision
from oferta.models import Oferta

E = EstadoDemanda

# Qué pasa después en cada estado, dicho a la entidad que pidió (la ficha de la demanda y el escritorio).
SIGUIENTE_ET = {
    E.REGISTRADA: gettext_lazy("Revise las ofertas que coinciden y pida la que le sirva, o espere: el DNP "
                               "revisará la demanda y la vinculará a una oferta o la remitirá a la entidad competente."),
    E.EN_ANALISIS: gettext_lazy("El DNP la está analizando: la vinculará a una oferta o la remitirá a la entidad "
                                "competente. Puede pedir una de las ofertas que coinciden."),
    E.REMITIDA: gettext_lazy("La entidad competente la estudia y le responderá; cuando programe la asistencia, la "
                             "demanda pasará a «En atención»."),
    E.VINCULADA: gettext_lazy("La oferta vinculada la atenderá: su oferente programará la asistencia con su entidad."),
    E.EN_ATENCION: gettext_lazy("La asistencia está en curso. Cuando se entregue, la demanda quedará atendida."),
    E.ATENDIDA: gettext_lazy("La asistencia se entregó: califíquela de 1 a 5 para cerrar la demanda."),
    E.CERRADA: gettext_lazy("La demanda está cerrada: no hay nada más que hacer."),
    E.NO_PERTINENTE: gettext_lazy("El DNP la consideró no pertinente (vea el motivo). Puede registrar una nueva "
                                  "demanda si la necesidad cambió."),
}
SIGUIENTE_PIDIO = gettext_lazy("Usted pidió una de las ofertas que coinciden: su oferente y el DNP le responderán; "
                               "cuando la acepten, la demanda quedará vinculada.")
ABIERTAS_ET = [E.ATENDIDA, E.REGISTRADA, E.EN_ANALISIS, E.REMITIDA, E.VINCULADA, E.EN_ATENCION]
POR_DECIDIR = [E.REGISTRADA, E.EN_ANALISIS]
DIAS_COLA = 15  # una demanda que espera revisión más de esto se marca urgente en la cola del DNP


def _detalle(demanda_id: int, ancla: str = "") -> str:
    return reverse("demanda:detalle", args=[demanda_id]) + (f"#{ancla}" if ancla else "")


def _propias_et(usuario):
    """Las entidades por las que la persona pide como funcionaria (no las del equipo departamental)."""
    return permisos.entidades_de(usuario, [Rol.FUNCIONARIO_ET])


def sus_demandas(usuario):
    if not permisos.tiene_rol(usuario, Rol.FUNCIONARIO_ET) or permisos.solo_lectura(usuario):
        return None
    pidio = DecisionCruce.objects.filter(demanda_id=OuterRef("pk"), tipo=TipoDecision.SOLICITADA)
    qs = (Demanda.objects.filter(entidad__in=_propias_et(usuario).values("pk"), estado__in=ABIERTAS_ET)
          .annotate(pidio=Exists(pidio))
          .only("pk", "titulo", "estado", "actualizada").order_by("-actualizada", "-pk")[:escritorio.LIMITE * 3])
    filas = sorted(qs, key=lambda d: (d.estado != E.ATENDIDA,))  # lo que espera su calificación, primero
    return [escritorio.Item(
        titulo=d.titulo, url=_detalle(d.pk), estado=d.get_estado_display(),
        siguiente=str(SIGUIENTE_PIDIO if d.pidio and d.estado in POR_DECIDIR else SIGUIENTE_ET[d.estado]),
        fecha=d.actualizada.date(), urgente=d.estado == E.ATENDIDA) for d in filas]


def coincidencias_por_decidir(usuario):
    """La mejor oferta del último cruce de cada demanda abierta de su entidad, si alcanzó el umbral y la
    entidad aún no la pidió ni la descartó (la ficha muestra todas las que coinciden)."""
    if not permisos.tiene_rol(usuario, Rol.FUNCIONARIO_ET) or permisos.solo_lectura(usuario):
        return None
    from demanda.matching import UMBRAL_BRECHA

    decidida = DecisionCruce.objects.filter(demanda_id=OuterRef("pk"), oferta_id=OuterRef("oferta_cruce_id"))
    qs = (Demanda.objects.filter(entidad__in=_propias_et(usuario).values("pk"), estado__in=POR_DECIDIR,
                                 oferta__isnull=True, oferta_cruce__isnull=False, relevancia_cruce__gte=UMBRAL_BRECHA)
          .filter(~Exists(decidida)).select_related("oferta_cruce__entidad")
          .only("pk", "titulo", "creada", "oferta_cruce__nombre", "oferta_cruce__entidad__nombre",
                "oferta_cruce__entidad__sigla")
          .order_by("-creada", "-pk")[:escritorio.LIMITE])
    return [escritorio.Item(
        titulo=_("«%(o)s» para «%(d)s»") % {"o": d.oferta_cruce.nombre, "d": d.titulo},
        url=_detalle(d.pk, "coincidencias"), estado=d.oferta_cruce.entidad.sigla or d.oferta_cruce.entidad.nombre,
        siguiente=_("Vea por qué coincide y pídala o descártela."), fecha=d.creada.date(), urgente=True) for d in qs]


def por_responder(usuario):
    """Demandas que esperan al oferente: remitidas a su entidad, o que pidieron una de sus ofertas (al
    registrarla o entre las que coinciden) y aún no se vinculan."""
    if not permisos.tiene_rol(usuario, Rol.OFERENTE) or permisos.solo_lectura(usuario):
        return None
    propias = permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
    sus_ofertas = Oferta.objects.filter(entidad__in=propias).values("pk")
    pedidas = DecisionCruce.objects.filter(tipo=TipoDecision.SOLICITADA, oferta__in=sus_ofertas).values("demanda_id")
    qs = (Demanda.objects.filter(
        Q(entidad_competente__in=propias, estado=E.REMITIDA)
        | Q(oferta__in=sus_ofertas, estado__in=POR_DECIDIR)
        | Q(pk__in=pedidas, oferta__isnull=True, estado__in=[*POR_DECIDIR, E.REMITIDA]))
        .select_related("entidad").only("pk", "titulo", "estado", "actualizada", "entidad__nombre")
        .order_by("-actualizada", "-pk")[:escritorio.LIMITE])
    return [escritorio.Item(
        titulo=d.titulo, url=_detalle(d.pk, "coincidencias" if d.estado != E.REMITIDA else ""),
        estado=d.entidad.nombre,
        siguiente=(_("Remitida a su entidad: responda a la entidad territorial y programe la asistencia.")
                   if d.estado == E.REMITIDA else _("La entidad pidió su oferta: acéptela y vincule la demanda.")),
        fecha=d.actualizada.date(), urgente=True) for d in qs]


def cola_dnp(usuario):
    if not permisos.lee_todo(usuario):
        return None
    hace = timezone.now() - timedelta(days=DIAS_COLA)
    qs = (Demanda.objects.filter(estado__in=POR_DECIDIR).select_related("entidad")
          .only("pk", "titulo", "estado", "creada", "entidad__nombre").order_by("creada", "pk")[:escritorio.LIMITE])
    gestiona = permisos.es_admin_dnp(usuario)
    return [escritorio.Item(
        titulo=f"{d.titulo} · {d.entidad.nombre}", url=_detalle(d.pk), estado=d.get_estado_display(),
        siguiente=(_("Revísela: pásela a análisis, vincúlela a una oferta o remítala.") if gestiona
                   else _("Espera la revisión de la administración DNP.")),
        fecha=d.creada.date(), urgente=gestiona and d.creada < hace) for d in qs]


def _mas_cola(usuario):
    return (_("Todas las demandas registradas"), reverse("demanda:mis-demandas") + "?estado=registrada")


def sus_municipios(usuario):
    """Los municipios del departamento del equipo departamental, los de más demandas abiertas primero."""
    if not permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL) or permisos.solo_lectura(usuario):
        return None
    abiertas = Q(demandas__estado__in=[E.REGISTRADA, E.EN_ANALISIS, E.REMITIDA, E.VINCULADA, E.EN_ATENCION])
    qs = (permisos.entidades_de(usuario, [Rol.EQUIPO_DEPARTAMENTAL]).filter(tipo=TipoEntidad.ALCALDIA)
          .annotate(abiertas=Count("demandas", filter=abiertas),
                    por_revisar=Count("demandas", filter=Q(demandas__estado__in=POR_DECIDIR)),
                    atendidas=Count("demandas", filter=Q(demandas__estado=E.ATENDIDA)))
          .only("pk", "nombre", "municipio_id").order_by("-abiertas", "-atendidas", "nombre")[:escritorio.LIMITE])
    items = []
    for e in qs:
        partes = []
        if e.por_revisar:
            partes.append(ngettext("%(n)d espera la revisión del DNP", "%(n)d esperan la revisión del DNP",
                                   e.por_revisar) % {"n": e.por_revisar})
        if e.atendidas:
            partes.append(ngettext("%(n)d atendida espera la calificación de la alcaldía",
                                   "%(n)d atendidas esperan la calificación de la alcaldía", e.atendidas)
                          % {"n": e.atendidas})
        items.append(escritorio.Item(
            titulo=e.nombre, url=reverse("territorio", args=[e.municipio_id]),
            estado=(ngettext("%(n)d demanda abierta", "%(n)d demandas abiertas", e.abiertas) % {"n": e.abiertas})
            if e.abiertas else "",
            siguiente="; ".join(partes) or _("Abra su perfil: sus demandas, planes y seguimiento."),
            urgente=bool(e.atendidas)))
    return items


def _mas_municipios(usuario):
    return (_("Todas las demandas de sus municipios"), reverse("demanda:mis-demandas"))


def registrar() -> None:
    G = escritorio.Grupo
    escritorio.registrar(G(clave="coincidencias", titulo=gettext_lazy("Ofertas que coinciden con sus demandas"),
                           orden=10, items=coincidencias_por_decidir,
                           vacio=gettext_lazy("No hay ofertas nuevas por revisar para sus demandas.")))
    escritorio.registrar(G(clave="mis-demandas", titulo=gettext_lazy("Sus demandas"), orden=20, items=sus_demandas,
                           vacio=gettext_lazy("Su entidad no tiene demandas abiertas."),
                           mas=lambda u: (_("Registrar una necesidad"), reverse("demanda:nueva"))))
    escritorio.registrar(G(clave="por-responder", titulo=gettext_lazy("Demandas que esperan su respuesta"),
                           orden=30, items=por_responder,
                           vacio=gettext_lazy("Ninguna demanda espera la respuesta de su entidad.")))
    escritorio.registrar(G(clave="cola-demandas", titulo=gettext_lazy("Demandas por revisar"), orden=40,
                           items=cola_dnp, vacio=gettext_lazy("No hay demandas por revisar."), mas=_mas_cola))
    escritorio.registrar(G(clave="municipios", titulo=gettext_lazy("Sus municipios"), orden=15, items=sus_municipios,
                           vacio=gettext_lazy("Su departamento no tiene municipios registrados."),
                           mas=_mas_municipios))



