"""Marcado repetitivo del portal generado en Python: las listas de facetas y las tarjetas de la página
son lo más caro de la plantilla y se repiten en cada búsqueda. Se escapan con `html.escape` de la
biblioteca estándar (lo mismo que `django.utils.html.escape`, sin el envoltorio para textos
perezosos que cuesta una llamada más por valor: eran ~600 por página)."""

import functools
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from att import traduccion

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


@functools.lru_cache(maxsize=4096)
def _vigente_hasta(fecha, idioma: str) -> str:
    """« · Vigente hasta 31 Dic 2026», escapado: las fechas de vigencia se repiten entre tarjetas y entre
    páginas, y formatear una costaba más que el resto de su tarjeta. El idioma va en la clave porque
    el texto y el mes se traducen."""
    return " · " + escape(_("Vigente hasta %(f)s") % {"f": date_format(fecha, "j M Y")})


traduccion.vaciar_al_cambiar_idioma(_vigente_hasta)


# Los textos ya escapados de cada opción de faceta y de cada tarjeta, guardados en el objeto mismo la primera vez
# que se pintan. Las facetas y tarjetas viven en la memoria del proceso (`selectors.portal_resultados`, por
# búsqueda, vista e idioma) y se pintan en cada visita: escaparlos y recortar la necesidad eran ~300 llamadas
# por página. Se guardan datos (textos escapados), no marcado: el HTML se arma en cada visita.
_ATRIBUTO = "_att_textos_html"


def _recordados(objeto, calcular):
    """`calcular(objeto)` la primera vez; luego lo guardado en el objeto."""
    textos = objeto.__dict__.get(_ATRIBUTO)
    if textos is None:
        textos = objeto.__dict__[_ATRIBUTO] = calcular(objeto)
    return textos


def _textos_opciones(faceta) -> list[tuple[str, str, int, bool]]:
    """(valor, nombre, cantidad, elegida) de cada opción, con valor y nombre escapados."""
    return [(escape(str(o.valor)), escape(str(o.nombre)), int(o.cantidad), bool(o.elegida)) for o in faceta.opciones]


def _textos_tarjeta(o) -> tuple:
    """(nombre, entidad, necesidad recortada a 30 palabras, temas, modalidades, canal), escapados."""
    return (escape(o.nombre), escape(o.entidad.nombre), escape(recortar_palabras(o.necesidad, 30)),
            tuple(escape(t.nombre) for t in o.temas.all()), escape(", ".join(m.nombre for m in o.modalidades.all())),
            escape(o.canal.nombre))


@register.simple_tag
def opciones_faceta(faceta):
    """<li> por opción: casilla con su etiqueta y el conteo (con texto para lectores de pantalla)."""
    ofertas = escape(_("ofertas"))
    clave = escape(faceta.clave)
    partes = []
    for valor, nombre, cantidad, elegida in _recordados(faceta, _textos_opciones):
        partes.append(
            f'<li><input type="checkbox" id="f-{clave}-{valor}" name="{clave}" value="{valor}"'
            f'{" checked" if elegida else ""}><label for="f-{clave}-{valor}">{nombre} '
            f'<span class="conteo">({cantidad}<span class="sr-only"> {ofertas}</span>)</span></label></li>')
    return SafeString("".join(partes))


@register.simple_tag
def facetas_portal(facetas, filtros, consulta_ver):
    """Un <details> por faceta con opciones (lo que escribía la plantilla, faceta por faceta): abiertas
    las tres primeras y las que tienen algo elegido; sus casillas (`opciones_faceta`) y, en una lista
    recortada, el enlace «Ver n más» que la muestra entera. Ocho facetas con una decena de nodos cada
    una eran, con las tarjetas ya en Python, cuatro de cada diez nodos que pintaba la página."""
    antes_ver = f"?{escape(consulta_ver)}&amp;" if consulta_ver else "?"
    partes = []
    for i, faceta in enumerate(facetas):
        if not faceta.opciones:
            continue
        clave, etiqueta = escape(faceta.clave), escape(str(faceta.etiqueta))
        abierta = "open" if i < 3 or faceta.clave in filtros.valores else ""
        mas = ""
        if faceta.ocultas:
            texto = escape(_("Ver %(n)s más") % {"n": faceta.ocultas})
            mas = (f'<p><a href="{antes_ver}ver={clave}#f-{clave}">{texto}<span class="sr-only"> ({etiqueta})'
                   "</span></a></p>")
        partes.append(
            f'<details class="faceta" id="f-{clave}" {abierta}>\n'
            f"<summary>{etiqueta}</summary>\n"
            f'<fieldset><legend class="sr-only">{etiqueta}</legend>\n'
            f"<ul>{opciones_faceta(faceta)}</ul>\n{mas}\n"
            "</fieldset>\n</details>\n")
    return SafeString("".join(partes))


@register.simple_tag
def tarjetas_portal(tarjetas, consulta_volver, hoy):
    """<article> por oferta de la página (lo mismo que escribía la plantilla, fila por fila): nombre
    con el enlace a la ficha (y la búsqueda a la que volver), entidad, necesidad recortada, temas,
    modalidades, canal y vigencia. Veinte tarjetas con unos quince nodos cada una eran, después de
    las facetas, lo más caro de la plantilla."""
    volver = escape(f"?volver={quote(consulta_volver, safe='')}" if consulta_volver else "")
    temas_etiqueta, vencida = escape(_("Temas")), escape(_("Vencida"))
    idioma = get_language()
    # Un reverse para toda la página (la dirección de la ficha solo cambia en el número).
    ficha = escape(reverse("oferta:detalle", args=[_MARCA])).split(str(_MARCA))
    partes = []
    for o in tarjetas:
        if o.vigencia_hasta is None:
            vigencia = ""
        elif o.vigencia_hasta < hoy:
            vigencia = f" · <strong>{vencida}</strong>"
        else:
            vigencia = _vigente_hasta(o.vigencia_hasta, idioma)
        nombre, entidad, necesidad, temas, modalidades, canal = _recordados(o, _textos_tarjeta)
        temas = "".join(f'<li class="etiqueta">{t}</li>' for t in temas)
        partes.append(
            f'<article class="tarjeta oferta-tarjeta">\n'
            f'<h3><a href="{ficha[0]}{int(o.pk)}{ficha[1]}{volver}">{nombre}</a></h3>\n'
            f'<p class="oferta-tarjeta__entidad">{entidad}</p>\n'
            f"<p>{necesidad}</p>\n"
            f'<ul class="etiquetas" aria-label="{temas_etiqueta}">{temas}</ul>\n'
            f'<p class="oferta-tarjeta__datos">{modalidades} · {canal}{vigencia}</p>\n'
            "</article>\n")
    return SafeString("".join(partes))
