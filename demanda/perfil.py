"""Sección «Demandas» del perfil de una entidad territorial: sus demandas, su estado y las ofertas cruzadas
con cada una (la vinculada, la mejor del cruce y las que alguien decidió), sus documentos y las
calificaciones dadas al cerrar. Privada: la ven quienes ven la entidad (`demanda.selectors.demandas_visibles`)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil
from demanda import selectors
from demanda.models import AdjuntoDemanda, DecisionCruce, Demanda, EstadoDemanda

ENCABEZADOS = (gettext_lazy("Demanda"), gettext_lazy("Estado"), gettext_lazy("Registrada"),
               gettext_lazy("Registrada por"), gettext_lazy("Oferta vinculada"), gettext_lazy("Mejor oferta del cruce"),
               gettext_lazy("Ofertas decididas"), gettext_lazy("Calificación"))


def _demandas(qs, entidad):
    return perfil.con_autor_activo(
        qs.filter(entidad=entidad).select_related("registrada_por", "oferta", "oferta_cruce")
        # Solo lo que pinta la fila: las ofertas y el usuario enlazados son anchos (descripciones, clave…).
        .only("pk", "titulo", "estado", "creada", "calificacion", "comentario_cierre", "registrada_por__nombre",
              "registrada_por__email", "oferta__nombre", "oferta_cruce__nombre")
        .prefetch_related(Prefetch("decisiones", queryset=DecisionCruce.objects.select_related("oferta")
                                   .only("pk", "demanda_id", "tipo", "cuando", "oferta__nombre").order_by("-cuando")))
        .order_by("-creada", "-pk"),
        "registrada_por", entidad)


def _fila(d, *, enlace: bool = True):
    decididas = "; ".join(f"{x.oferta.nombre} ({x.get_tipo_display()})" for x in d.decisiones.all())
    titulo = perfil.Enlace(d.titulo, reverse("demanda:detalle", args=[d.pk])) if enlace else d.titulo
    return [titulo, d.get_estado_display(), d.creada.date(), perfil.autor(d, "registrada_por"),
            d.oferta.nombre if d.oferta_id else None, d.oferta_cruce.nombre if d.oferta_cruce_id else None,
            decididas or None,
            (f"{d.calificacion} · {d.comentario_cierre}" if d.comentario_cierre else d.calificacion)
            if d.calificacion else None]


def datos(entidad, usuario):
    visibles = selectors.demandas_visibles(usuario)
    etiquetas = dict(EstadoDemanda.choices)
    por_estado = (visibles.filter(entidad=entidad).order_by().values_list("estado").annotate(n=Count("pk")))
    resumen = [(etiquetas.get(estado, estado), n) for estado, n in sorted(por_estado, key=lambda x: -x[1])]
    demandas = perfil.tabla(_("Demandas y ofertas cruzadas"), ENCABEZADOS, _demandas(visibles, entidad), _fila,
                            vacio=_("La entidad no ha registrado demandas."))
    adjuntos = perfil.tabla(
        _("Documentos de las demandas"), [_("Documento"), _("Demanda"), _("Subido"), _("Subido por")],
        perfil.con_autor_activo(
            AdjuntoDemanda.objects.filter(demanda__in=visibles.filter(entidad=entidad).values("pk"))
            .select_related("demanda", "subido_por").order_by("-subido", "-pk"), "subido_por", entidad),
        lambda a: [perfil.Enlace(a.nombre, reverse("demanda:adjunto", args=[a.demanda_id, a.pk])), a.demanda.titulo,
                   a.subido.date(), perfil.autor(a, "subido_por")])
    return {"resumen": resumen, "tablas": [demandas, adjuntos]}


def empalme(entidad):
    periodo = perfil.periodo_de_gobierno()
    todas = perfil.tabla(_("Demandas y ofertas cruzadas"), [_("Periodo de gobierno"), *ENCABEZADOS],
                         _demandas(Demanda.objects.all(), entidad),
                         lambda d: [periodo(d.creada), *_fila(d, enlace=False)], limite=None)
    calificadas = perfil.tabla(
        _("Calificaciones dadas al cerrar demandas"), [_("Demanda"), _("Oferta"), _("Calificación (1–5)"),
                                                         _("Comentario"), _("Fecha")],
        Demanda.objects.filter(entidad=entidad, calificacion__isnull=False).select_related("oferta")
        .order_by("-actualizada", "-pk"),
        lambda d: [d.titulo, d.oferta.nombre if d.oferta_id else None, d.calificacion, d.comentario_cierre,
                   d.actualizada], limite=None)
    return [todas.hoja(), calificadas.hoja()]


def registrar_secciones() -> None:
    perfil.registrar(perfil.Seccion(
        clave="demandas", titulo=gettext_lazy("Demandas y su estado"), orden=30, plantilla="att/perfil/tablas.html",
        datos=datos, empalme=empalme,
        campos=("demanda.Demanda.entidad", "demanda.Demanda.estado", "demanda.Demanda.oferta",
                "demanda.Demanda.oferta_cruce", "demanda.Demanda.calificacion", "demanda.Demanda.comentario_cierre",
                "demanda.Demanda.registrada_por", "demanda.DecisionCruce.tipo", "demanda.AdjuntoDemanda.subido_por"),
    ))
