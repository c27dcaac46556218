"""Marcado repetitivo del portal generado en Python: las listas de facetas y las tarjetas de la página
son lo más caro de la plantilla y se repiten en cada búsqueda. Se escapan con `html.escape` de la
biblioteca estándar (lo mismo que `django.utils.html.escape`, sin el envoltorio para textos
perezosos que cuesta una llamada más por valor: eran ~600 por página)."""

from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

_MARCA = 987654321  # un número que no aparece en la ruta de la ficha


def recortar_palabras(texto: str, n: int) -> str:
    """Las primeras `n` palabras y « …» si había más: lo mismo que `Truncator(texto).words(n, truncate=" …")`,
    sin su envoltorio perezoso (que se cobraba en cada tarjeta)."""
    palabras = texto.split()
    if len(palabras) <= n:
        return " ".join(palabras)
    recortado = " ".join(palabras[:n])
    return recortado if recortado.endswith(" …") else recortado + " …"


@register.simple_tag
def opciones_faceta(faceta):
    """<li> por opción: casilla con su etiqueta y el conteo (con texto para lectores de pantalla)."""
    ofertas = escape(_("ofertas"))
    clave = escape(faceta.clave)
    partes = []
    for o in faceta.opciones:
        valor = escape(str(o.valor))
        partes.append(
            f'<li><input type="checkbox" id="f-{clave}-{valor}" name="{clave}" value="{valor}"'
            f'{" checked" if o.elegida else ""}><label for="f-{clave}-{valor}">{escape(str(o.nombre))} '
            f'<span class="conteo">({int(o.cantidad)}<span class="sr-only"> {ofertas}</span>)</span></label></li>')
    return SafeString("".join(partes))


@register.simple_tag
def tarjetas_portal(tarjetas, consulta_volver, hoy):
    """<article> por oferta de la página (lo mismo que escribía la plantilla, fila por fila): nombre
    con el enlace a la ficha (y la búsqueda a la que volver), entidad, necesidad recortada, temas,
    modalidades, canal y vigencia. Veinte tarjetas con unos quince nodos cada una eran, después de
    las facetas, lo más caro de la plantilla."""
    volver = escape(f"?volver={quote(consulta_volver, safe='')}" if consulta_volver else "")
    temas_etiqueta, vencida = escape(_("Temas")), escape(_("Vencida"))
    vigente = _("Vigente hasta %(f)s")
    # Un reverse para toda la página (la dirección de la ficha solo cambia en el número) y cada fecha de
    # vigencia formateada una vez (se repiten entre tarjetas).
    ficha = escape(reverse("oferta:detalle", args=[_MARCA])).split(str(_MARCA))
    fechas = {}
    partes = []
    for o in tarjetas:
        if o.vigencia_hasta is None:
            vigencia = ""
        elif o.vigencia_hasta < hoy:
            vigencia = f" · <strong>{vencida}</strong>"
        else:
            vigencia = fechas.get(o.vigencia_hasta)
            if vigencia is None:
                vigencia = fechas[o.vigencia_hasta] = " · " + escape(vigente % {"f": date_format(o.vigencia_hasta, "j M Y")})
        temas = "".join(f'<li class="etiqueta">{escape(t.nombre)}</li>' for t in o.temas.all())
        modalidades = escape(", ".join(m.nombre for m in o.modalidades.all()))
        partes.append(
            f'<article class="tarjeta oferta-tarjeta">\n'
            f'<h3><a href="{ficha[0]}{int(o.pk)}{ficha[1]}{volver}">{escape(o.nombre)}</a></h3>\n'
            f'<p class="oferta-tarjeta__entidad">{escape(o.entidad.nombre)}</p>\n'
            f"<p>{escape(recortar_palabras(o.necesidad, 30))}</p>\n"
            f'<ul class="etiquetas" aria-label="{temas_etiqueta}">{temas}</ul>\n'
            f'<p class="oferta-tarjeta__datos">{modalidades} · {escape(o.canal.nombre)}{vigencia}</p>\n'
            "</article>\n")
    return SafeString("".join(partes))
