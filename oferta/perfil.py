"""Sección «Oferta que la alcanza» del perfil de una entidad territorial (pública)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil
from oferta import selectors

TOPE_CONTEO = 500


def ofertas_que_alcanzan(entidad):
    """Ofertas publicadas y vigentes cuya focalización incluye a la entidad (`selectors.vigentes()`)."""
    return (
        selectors.vigentes().filter(selectors.filtro_focalizacion(entidad))
        .select_related("entidad").only("pk", "nombre", "vigencia_hasta", "entidad__nombre", "entidad__sigla",
                                        "contacto_nombre", "contacto_email")
        .order_by("-publicada_en", "-pk")
    )


def datos(entidad, usuario):
    tabla = perfil.tabla(
        _("Ofertas publicadas y vigentes que la alcanzan"),
        [_("Oferta"), _("Entidad oferente"), _("Vigente hasta"), _("Contacto")],
        ofertas_que_alcanzan(entidad),
        lambda o: [perfil.Enlace(o.nombre, reverse("oferta:detalle", args=[o.pk])), str(o.entidad),
                   o.vigencia_hasta.strftime("%d/%m/%Y") if o.vigencia_hasta else _("Continua"),
                   f"{o.contacto_nombre} · {o.contacto_email}"],
        vacio=_("Ninguna oferta publicada y vigente alcanza hoy a esta entidad."),
        # A una gobernación llegan miles: sin contarlas todas (la ventana leía cada oferta que la alcanza).
        tope_total=TOPE_CONTEO,
    )
    return {"tablas": [tabla], "enlace": perfil.Enlace(_("Buscar en todo el portafolio de oferta"), reverse("oferta:portal"))}


def registrar_secciones() -> None:
    perfil.registrar(perfil.Seccion(
        clave="oferta", titulo=gettext_lazy("Oferta que la alcanza"), orden=20, plantilla="att/perfil/tablas.html",
        datos=datos, publica=True,
        campos=("oferta.Oferta.estado", "oferta.Oferta.vigencia_hasta", "oferta.Oferta.focaliza_entidades",
                "oferta.Oferta.focaliza_departamentos", "oferta.Oferta.contacto_email"),
    ))
