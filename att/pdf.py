"""Lo que comparten los PDF de la plataforma (informe de seguimiento, certificados): fuentes
incrustadas, estilos, metadatos, idioma, esquema (marcadores) y «Página N de M».

Fuentes: DejaVu Sans (regular, negrita, oblicua y negrita oblicua; licencia de Bitstream Vera con las
adiciones de DejaVu, libre para redistribuir e incrustar). Los TTF vienen en el paquete `matplotlib`
de PyPI (`mpl-data/fonts/ttf/`), que instala `uv sync`: se leen del disco sin importar matplotlib.
Con las 14 fuentes estándar de PDF (Helvetica) nada se incrusta y lo que sale de Latin-1 («—» sí,
«✓», «≥», «−» no) se imprime como ■; DejaVu cubre esos signos y se incrusta (subconjunto) en el PDF.

PDF etiquetado (PDF/UA): reportlab no escribe el árbol de estructura (/StructTreeRoot, /MarkInfo),
así que los PDF no son etiquetados. Lo que sí se hace para la accesibilidad: título del documento
(mostrado en la barra del lector), idioma es-CO (/Lang), esquema navegable con las secciones, texto
real (no imágenes) y cada gráfico acompañado de su tabla de datos.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

IDIOMA = "es-CO"
FAMILIA = "DejaVuSans"
NEGRITA = "DejaVuSans-Bold"
CURSIVA = "DejaVuSans-Oblique"
NEGRITA_CURSIVA = "DejaVuSans-BoldOblique"
_ARCHIVOS = {FAMILIA: "DejaVuSans.ttf", NEGRITA: "DejaVuSans-Bold.ttf", CURSIVA: "DejaVuSans-Oblique.ttf",
             NEGRITA_CURSIVA: "DejaVuSans-BoldOblique.ttf"}
# Lo que las hojas de estilo de reportlab traen → su equivalente DejaVu.
_EQUIVALENTES = {"Helvetica": FAMILIA, "Helvetica-Bold": NEGRITA, "Helvetica-Oblique": CURSIVA,
                 "Helvetica-BoldOblique": NEGRITA_CURSIVA, "Times-Roman": FAMILIA, "Times-Bold": NEGRITA,
                 "Times-Italic": CURSIVA, "Times-BoldItalic": NEGRITA_CURSIVA}


def carpeta_fuentes() -> Path:
    spec = importlib.util.find_spec("matplotlib")  # no ejecuta el paquete: solo lo ubica
    if spec is None or not spec.origin:
        raise RuntimeError("Falta el paquete matplotlib (trae las fuentes DejaVu de los PDF): ejecute «uv sync».")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


@functools.cache
def registrar_fuentes() -> str:
    """Registra DejaVu Sans (las cuatro variantes y su familia) una sola vez por proceso; devuelve
    el nombre de la familia, que los párrafos usan con <b> e <i>."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    carpeta = carpeta_fuentes()
    for nombre, archivo in _ARCHIVOS.items():
        pdfmetrics.registerFont(TTFont(nombre, str(carpeta / archivo)))
    pdfmetrics.registerFontFamily(FAMILIA, normal=FAMILIA, bold=NEGRITA, italic=CURSIVA, boldItalic=NEGRITA_CURSIVA)
    for negrita, cursiva, nombre in ((0, 0, FAMILIA), (1, 0, NEGRITA), (0, 1, CURSIVA), (1, 1, NEGRITA_CURSIVA)):
        addMapping(FAMILIA, negrita, cursiva, nombre)
    return FAMILIA


def estilos():
    """La hoja de estilos de muestra de reportlab con DejaVu en vez de Helvetica/Times; los títulos
    (Title, Heading1–6) nunca quedan solos al final de una página (`keepWithNext`)."""
    from reportlab.lib.styles import getSampleStyleSheet

    registrar_fuentes()
    hoja = getSampleStyleSheet()
    for estilo in hoja.byName.values():
        if hasattr(estilo, "fontName"):
            estilo.fontName = _EQUIVALENTES.get(estilo.fontName, estilo.fontName)
        if estilo.name.startswith("Heading") or estilo.name == "Title":
            estilo.keepWithNext = 1
    return hoja


def titulo(texto: str, estilo, nivel: int):
    """Un título de sección: entra al esquema del PDF (marcador) con ese nivel (0 = sección)."""
    from reportlab.platypus import Paragraph

    parrafo = Paragraph(texto, estilo)
    parrafo.nivel_esquema = nivel
    return parrafo


def _clase_total_paginas():
    from reportlab.platypus.flowables import Flowable

    class TotalPaginas(Flowable):
        """Flowable invisible e «indexador»: hace que `multiBuild` dé una segunda pasada hasta que el
        total de páginas de la pasada anterior coincide con el de esta («Página N de M»)."""

        def __init__(self):
            super().__init__()
            self.total = None
            self.anterior = None

        def isIndexing(self):
            return 1

        def isSatisfied(self):
            return self.total is not None and self.total == self.anterior

        def beforeBuild(self):
            self.anterior = self.total

        def afterBuild(self):
            pass

        def wrap(self, ancho, alto):
            return (0, 0)

        def draw(self):
            pass

    return TotalPaginas


def _clase_titulo_con_siguiente():
    from reportlab.platypus.flowables import KeepTogether

    class TituloConSiguiente(KeepTogether):
        """`keepWithNext` sin huecos grandes: si el título y lo que sigue no caben juntos en lo que
        queda de la página, el título se queda con el primer trozo de lo que sigue (el encabezado y unas
        filas de una tabla larga); solo si ni ese trozo cabe, pasan juntos a la página siguiente
        (lo que hace KeepTogether, que con una tabla mediana dejaba media página en blanco)."""

        def split(self, aW, aH):
            if getattr(self, "_wrapInfo", None) != (aW, aH):
                self.wrap(aW, aH)
            *delante, ultimo = self._content
            if self._H > aH and delante:
                alto = 0
                for i, f in enumerate(delante):
                    alto += f.wrapOn(self.canv, aW, aH)[1] + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
                resto = aH - alto - ultimo.getSpaceBefore()
                partes = ultimo.splitOn(self.canv, aW, resto) if resto > 0 else []
                if len(partes) > 1:
                    return [*delante, *partes]
            return super().split(aW, aH)

    return TituloConSiguiente


def documento(destino, *, titulo_doc: str, asunto: str = "", autor: str = "DNP – Asistencia Técnica Territorial",
              pagesize=None, pie: str = "", **opciones):
    """Un DocTemplate con metadatos (título, autor, asunto, idioma es-CO), esquema de marcadores desde
    los títulos (`titulo(...)`), pie «Página N de M» y el registro de qué se dibujó en qué página."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    registrar_fuentes()
    TotalPaginas = _clase_total_paginas()

    class DocumentoATT(BaseDocTemplate):
        def __init__(self):
            super().__init__(
                destino, pagesize=pagesize or A4, title=titulo_doc, author=autor, subject=asunto,
                creator="Plataforma ATT", lang=IDIOMA, displayDocTitle=1, initialFontName=FAMILIA,
                keepTogetherClass=_clase_titulo_con_siguiente(),
                **{"leftMargin": 1.5 * cm, "rightMargin": 1.5 * cm, "topMargin": 1.5 * cm,
                   "bottomMargin": 1.5 * cm, **opciones},
            )
            alto_pie = 0.8 * cm
            marco = Frame(self.leftMargin, self.bottomMargin + alto_pie, self.width, self.height - alto_pie, id="cuerpo")
            self.addPageTemplates([PageTemplate(id="pagina", frames=[marco], onPage=self._pie)])
            self.contador = TotalPaginas()
            self.registro: list[tuple[int, int | None, str]] = []  # (página, nivel de esquema, texto)

        def beforeDocument(self):
            self.registro = []
            self._ultimo_nivel = -1
            self.canv.showOutline()

        def afterFlowable(self, flowable):
            nivel = getattr(flowable, "nivel_esquema", None)
            texto = flowable.getPlainText() if hasattr(flowable, "getPlainText") else type(flowable).__name__
            self.registro.append((self.page, nivel, texto))
            if nivel is not None:
                nivel = min(nivel, self._ultimo_nivel + 1)  # el esquema no salta niveles
                self._ultimo_nivel = nivel
                clave = f"seccion-{len(self.registro)}"
                self.canv.bookmarkPage(clave)
                self.canv.addOutlineEntry(texto, clave, level=nivel, closed=False)

        def afterPage(self):
            self.contador.total = self.page

        def _pie(self, canv, doc):
            canv.saveState()
            canv.setFont(FAMILIA, 8)
            canv.setFillGray(0.3)
            total = self.contador.anterior or self.contador.total or self.page
            canv.drawRightString(self.pagesize[0] - self.rightMargin, self.bottomMargin,
                                 f"Página {doc.page} de {total}")
            if pie:
                canv.drawString(self.leftMargin, self.bottomMargin, pie)
            canv.restoreState()

        def construir(self, historia: list) -> None:
            self.multiBuild([self.contador, *historia], maxPasses=4)

    return DocumentoATT()
