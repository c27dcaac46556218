"""Mapas de Colombia en SVG hechos en el servidor (sin teselas ni nada de internet).

La geometría es el Marco Geoestadístico Nacional 2018 del DANE, simplificado (`att/datos/geo/`).
Se decodifica el TopoJSON (arcos con deltas, cuantizados), se proyecta una sola vez por proceso
(equirectangular escalada por el coseno de la latitud media: Colombia cruza el ecuador, la
deformación es mínima) y se guardan los trazos ya redondeados a décimas de píxel en un lienzo de
~1000 px (`functools.lru_cache`: la geometría no cambia). Cada página solo une cadenas: un `<a>`
por territorio con su `<path>`, una clase de color (`m-0` … `m-5`, `m-n` sin dato; los colores y
el rayado viven en `static/css/mapas.css`: la CSP no deja estilos en línea) y su `<title>`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape

RUTA_TOPOJSON = Path(__file__).parent / "datos" / "geo" / "mgn2018_simplificado.topojson"
OBJETO = {"municipio": "MGN_MPIO_POLITICO", "departamento": "MGN_DPTO_POLITICO"}
CAMPO_CODIGO = {"municipio": "MPIO_CCNCT", "departamento": "DPTO_CCDGO"}

# Conciliación con la DIVIPOLA vigente (ver att/datos/geo/README.md): código del MGN 2018 → código actual.
FUSIONES = {"94663": "94343"}  # Mapiripana (área no municipalizada) hoy es parte de Barrancominas.
SOLO_EN_MAPA = frozenset(FUSIONES)
SOLO_EN_DIVIPOLA: frozenset[str] = frozenset()

ANCHO = 1000  # ancho del lienzo en píxeles (el alto sale de la proporción del país)
MARGEN = 10
# San Andrés, Providencia y Santa Catalina: islas de pocos km², se dibujan ampliadas en un recuadro.
ISLAS, AMPLIACION_ISLAS = "88", 6


@dataclass(frozen=True)
class Territorio:
    codigo: str
    nombre: str
    departamento: str
    trazo: str  # atributo d del <path>
    caja: tuple[float, float, float, float]  # x0, y0, x1, y1 en el lienzo


@lru_cache(maxsize=1)
def _topologia() -> dict:
    with open(RUTA_TOPOJSON, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _arcos() -> list[list[tuple[float, float]]]:
    """Arcos en longitud/latitud: cada punto cuantizado es un delta del anterior."""
    topo = _topologia()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcos = []
    for arco in topo["arcs"]:
        x = y = 0
        puntos = []
        for dx, dy in arco:
            x += dx
            y += dy
            puntos.append((x * sx + tx, y * sy + ty))
        arcos.append(puntos)
    return arcos


def _anillo(indices: list[int], arcos) -> list[tuple[float, float]]:
    """Une los arcos de un anillo; un índice negativo (~i) es el arco i recorrido al revés."""
    puntos: list[tuple[float, float]] = []
    for i in indices:
        arco = arcos[i] if i >= 0 else arcos[~i][::-1]
        puntos.extend(arco[1:] if puntos else arco)
    return puntos


@lru_cache(maxsize=1)
def _proyeccion():
    """(función lon/lat → décimas de píxel, ancho, alto) para el país entero."""
    arcos = _arcos()
    lons = [p[0] for a in arcos for p in a]
    lats = [p[1] for a in arcos for p in a]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, x1, y1 = min(lons) * k, max(lons) * k, max(lats)
    escala = (ANCHO - 2 * MARGEN) / (x1 - x0)
    alto = round((y1 - min(lats)) * escala + 2 * MARGEN)

    def proyectar(lon: float, lat: float) -> tuple[int, int]:
        return round(((lon * k - x0) * escala + MARGEN) * 10), round(((y1 - lat) * escala + MARGEN) * 10)

    return proyectar, ANCHO, alto


def _decimas(n: int) -> str:
    """12 → «1.2», -3 → «-.3», 40 → «4»: décimas de píxel en el texto más corto."""
    signo = "-" if n < 0 else ""
    e, d = divmod(abs(n), 10)
    if not d:
        return f"{signo}{e}"
    return f"{signo}{e if e else ''}.{d}"


def _trazo(anillos: list[list[tuple[int, int]]]) -> str:
    """`M` absoluto y luego `l` relativo (números cortos); los puntos que caen en la misma décima se quitan."""
    partes = []
    for anillo in anillos:
        limpio = [anillo[0]]
        for p in anillo[1:]:
            if p != limpio[-1]:
                limpio.append(p)
        if len(limpio) < 3:
            continue
        x, y = limpio[0]
        numeros = []
        for px, py in limpio[1:]:
            numeros += [_decimas(px - x), _decimas(py - y)]
            x, y = px, py
        partes.append(f"M{_decimas(limpio[0][0])} {_decimas(limpio[0][1])}l" + " ".join(numeros) + "z")
    return "".join(partes).replace(" -", "-")


@lru_cache(maxsize=2)
def territorios(nivel: str) -> dict[str, Territorio]:
    """Trazos proyectados por código DIVIPOLA vigente (`municipio` o `departamento`), en caché."""
    topo = _topologia()
    arcos = _arcos()
    proyectar, _ancho, _alto = _proyeccion()
    anillos_por: dict[str, list[list[tuple[int, int]]]] = {}
    datos: dict[str, tuple[str, str]] = {}
    for geometria in topo["objects"][OBJETO[nivel]]["geometries"]:
        props = geometria["properties"]
        codigo = FUSIONES.get(props[CAMPO_CODIGO[nivel]], props[CAMPO_CODIGO[nivel]])
        poligonos = geometria["arcs"] if geometria["type"] == "MultiPolygon" else [geometria["arcs"]]
        anillos = [[proyectar(*p) for p in _anillo(anillo, arcos)] for poligono in poligonos for anillo in poligono]
        if props["DPTO_CCDGO"] == ISLAS:
            anillos = _ampliar(anillos)
        anillos_por.setdefault(codigo, []).extend(anillos)
        if codigo not in datos or codigo == props[CAMPO_CODIGO[nivel]]:
            nombre = props.get("MPIO_CNMBR") or props["DPTO_CNMBR"]
            datos[codigo] = (nombre, props["DPTO_CCDGO"])
    resultado = {}
    for codigo, anillos in anillos_por.items():
        xs = [x for a in anillos for x, _y in a]
        ys = [y for a in anillos for _x, y in a]
        resultado[codigo] = Territorio(
            codigo=codigo, nombre=datos[codigo][0], departamento=datos[codigo][1], trazo=_trazo(anillos),
            caja=(min(xs) / 10, min(ys) / 10, max(xs) / 10, max(ys) / 10),
        )
    return resultado


# Cada isla, ampliada alrededor de su centro y llevada cerca de la otra (lon, lat): origen → destino.
_ISLAS = [((-81.37, 13.36), (-80.45, 12.35)),  # Providencia y Santa Catalina (anillos al norte de 13° N)
          ((-81.72, 12.55), (-80.7, 11.6))]  # San Andrés


def _ampliar(anillos):
    """Las islas, ampliadas y llevadas a un recuadro en el mar Caribe (donde el mapa está vacío)."""
    proyectar, _a, _h = _proyeccion()
    _x13, y13 = proyectar(-81.5, 13.0)
    resultado = []
    for anillo in anillos:
        norte = min(y for _x, y in anillo) < y13
        (olon, olat), (dlon, dlat) = _ISLAS[0 if norte else 1]
        ox, oy = proyectar(olon, olat)
        dx, dy = proyectar(dlon, dlat)
        k = AMPLIACION_ISLAS
        resultado.append([(round(dx + (x - ox) * k), round(dy + (y - oy) * k)) for x, y in anillo])
    return resultado


def recuadro_islas() -> tuple[float, float, float, float]:
    """Caja (x, y, ancho, alto) del recuadro de San Andrés y Providencia, con margen."""
    cajas = [t.caja for t in territorios("municipio").values() if t.departamento == ISLAS]
    x0, y0 = min(c[0] for c in cajas), min(c[1] for c in cajas)
    x1, y1 = max(c[2] for c in cajas), max(c[3] for c in cajas)
    return x0 - 8, y0 - 8, x1 - x0 + 16, y1 - y0 + 16


def caja_de(codigos) -> tuple[float, float, float, float]:
    """viewBox (x, y, ancho, alto) que encierra los territorios municipales dados, con margen."""
    geo = territorios("municipio")
    cajas = [geo[c].caja for c in codigos if c in geo]
    x0, y0 = min(c[0] for c in cajas), min(c[1] for c in cajas)
    x1, y1 = max(c[2] for c in cajas), max(c[3] for c in cajas)
    margen = max(x1 - x0, y1 - y0) * 0.03 + 2
    return round(x0 - margen, 1), round(y0 - margen, 1), round(x1 - x0 + 2 * margen, 1), round(y1 - y0 + 2 * margen, 1)


@dataclass
class Region:
    """Lo que la página dice de un territorio: clase de color, enlace y texto (nombre y valor)."""
    clase: str
    texto: str
    enlace: str = ""


def svg(nivel: str, regiones: dict[str, Region], *, titulo: str, descripcion: str, ident: str = "mapa",
        departamento: str = "") -> str:
    """El mapa coloreado. `departamento`: solo sus municipios, con el viewBox en su caja."""
    geo = territorios(nivel)
    _p, ancho, alto = _proyeccion()
    if departamento:
        codigos = [c for c, t in geo.items() if t.departamento == departamento]
        caja = caja_de(codigos)
    else:
        codigos = list(geo)
        caja = (0, 0, ancho, alto)
    partes = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="mapa-svg" viewBox="{" ".join(_num(v) for v in caja)}" '
        f'role="group" aria-labelledby="{ident}-t {ident}-d" id="{ident}">'
        f'<title id="{ident}-t">{escape(titulo)}</title><desc id="{ident}-d">{escape(descripcion)}</desc>'
        '<defs><pattern id="rayado" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
        '<rect class="rayado-fondo" width="6" height="6"/><line class="rayado-linea" x1="0" y1="0" x2="0" y2="6"/>'
        "</pattern></defs>")
    ]
    if not departamento:
        x, y, w, h = recuadro_islas()
        partes.append(f'<rect class="mapa-recuadro" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"/>')
    for codigo in codigos:
        region = regiones.get(codigo)
        if region is None:
            continue
        texto = escape(region.texto)
        camino = f'<path class="{region.clase}" d="{geo[codigo].trazo}" data-codigo="{codigo}"><title>{texto}</title></path>'
        if region.enlace:
            partes.append(f'<a href="{escape(region.enlace)}" aria-label="{texto}">{camino}</a>')
        else:
            partes.append(camino)
    partes.append("</svg>")
    return "".join(partes)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


# --- Clases de color ------------------------------------------------------------------------------
CLASES = 5


def cortes(valores) -> list[float]:
    """Hasta cinco cortes por cuantiles de los valores positivos (distintos y crecientes)."""
    positivos = sorted(v for v in valores if v)
    if not positivos:
        return []
    resultado: list[float] = []
    for i in range(1, CLASES + 1):
        v = positivos[min(len(positivos) - 1, math.ceil(i * len(positivos) / CLASES) - 1)]
        if not resultado or v > resultado[-1]:
            resultado.append(v)
    return resultado


def clase_de(valor, limites: list[float]) -> str:
    """`m-n` sin dato, `m-0` cero, `m-1` … `m-5` según el primer corte que no supera."""
    if valor is None:
        return "m-n"
    if not valor:
        return "m-0"
    for i, limite in enumerate(limites, start=1):
        if valor <= limite:
            return f"m-{i + CLASES - len(limites)}"
    return f"m-{CLASES}"


def leyenda(limites: list[float], formato=str) -> list[dict]:
    """Filas {clase, texto} de la leyenda para los cortes dados (la primera es el cero). Con valores
    enteros cada clase va del corte anterior + 1 a su corte."""
    filas = [{"clase": "m-0", "texto": formato(0)}]
    anterior = 0
    for i, limite in enumerate(limites, start=1):
        desde = anterior + 1 if isinstance(limite, int) else anterior
        texto = formato(limite) if desde == limite else f"{formato(desde)} – {formato(limite)}"
        if not isinstance(limite, int) and i == 1:
            texto = f"≤ {formato(limite)}"
        filas.append({"clase": f"m-{i + CLASES - len(limites)}", "texto": texto})
        anterior = limite
    return filas


# --- El mismo mapa para un PDF (reportlab) ---------------------------------------------------------
_ORDEN = re.compile(r"M([^l]*)l([^z]*)z")
_NUMERO = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def anillos_de(trazo: str) -> list[list[tuple[float, float]]]:
    """Los anillos absolutos (x, y en el lienzo, y hacia abajo) de un atributo `d` hecho por `_trazo`."""
    anillos = []
    for inicio, resto in _ORDEN.findall(trazo):
        px, py = (float(n) for n in _NUMERO.findall(inicio))
        puntos = [(px, py)]
        numeros = [float(n) for n in _NUMERO.findall(resto)]
        for dx, dy in zip(numeros[::2], numeros[1::2], strict=True):
            px, py = px + dx, py + dy
            puntos.append((px, py))
        anillos.append(puntos)
    return anillos


def dibujo_pdf(nivel: str, colores: dict[str, str], *, ancho_pt: float, sin_dato: str = "#ffffff",
               borde: str = "#6b7280"):
    """Un `reportlab.graphics.shapes.Drawing` del país con cada territorio relleno de `colores[codigo]`
    (hex) o de `sin_dato`; vectorial, sin pasar por SVG. El alto sale de la proporción del mapa."""
    from reportlab.graphics.shapes import Drawing, Group
    from reportlab.graphics.shapes import Path as Trazo
    from reportlab.lib import colors

    _p, ancho, alto = _proyeccion()
    escala = ancho_pt / ancho
    from att.pdf import FAMILIA, registrar_fuentes

    registrar_fuentes()
    dibujo = Drawing(ancho_pt, alto * escala, initialFontName=FAMILIA)  # sin Helvetica sin incrustar
    grupo = Group()
    for codigo, territorio in territorios(nivel).items():
        camino = Trazo(fillColor=colors.HexColor(colores.get(codigo, sin_dato)), strokeColor=colors.HexColor(borde),
                      strokeWidth=0.25)
        for anillo in anillos_de(territorio.trazo):
            (x0, y0), *resto = anillo
            camino.moveTo(x0 * escala, (alto - y0) * escala)
            for x, y in resto:
                camino.lineTo(x * escala, (alto - y) * escala)
            camino.closePath()
        grupo.add(camino)
    dibujo.add(grupo)
    return dibujo
