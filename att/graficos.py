"""Gráficos en SVG hechos en el servidor: series mensuales (líneas) y comparaciones ordenadas por valor
(barras horizontales).

Sin JavaScript ni bibliotecas: cargan en una conexión lenta y se imprimen. Accesibles: cada SVG lleva
`role="img"`, `<title>` y `<desc>` con la tendencia en palabras, un `<title>` por punto o barra, y los mismos
datos en una tabla (`Grafico.cabeza` / `Grafico.filas`, que la plantilla `includes/grafico.html` muestra en
«Ver datos»). El color nunca es la única señal: cada serie tiene su forma de marcador y su trazo (continuo,
rayado, punteado) y cada barra lleva su valor escrito al final.

Sin atributos `style` (la Content-Security-Policy, style-src 'self', también los bloquea en un SVG): colores
y trazos van en clases de `static/css/att.css` (`.g-serie-1`, `.g-barra`…) y en atributos de presentación
(fill, stroke), que la política permite y que sirven si el SVG se usa sin la hoja de estilos.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Numero = int | float | Decimal

# Por serie: clase CSS, color por defecto, trazo (stroke-dasharray) y forma del marcador.
_ESTILOS = [
    ("g-serie-1", "#0b3d91", "", "circulo"),
    ("g-serie-2", "#a4161a", "6 4", "cuadrado"),
    ("g-serie-3", "#1b6e20", "2 3", "triangulo"),
]
_NOMBRE_FORMA = {"circulo": "●", "cuadrado": "■", "triangulo": "▲"}


# --- Meses -----------------------------------------------------------------------------------------
def primero_de_mes(dia: date) -> date:
    return date(dia.year, dia.month, 1)


def meses_recientes(n: int = 12, hasta: date | None = None) -> list[date]:
    """Primeros días de los `n` meses que terminan en el mes de `hasta` (hoy si falta), del más antiguo al
    más reciente."""
    from django.utils import timezone

    fin = hasta or timezone.localdate()
    indice = fin.year * 12 + fin.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(indice - n + 1, indice + 1)]


def mes_siguiente(mes: date) -> date:
    indice = mes.year * 12 + mes.month  # el del mes siguiente, contando los meses desde 0
    return date(indice // 12, indice % 12 + 1, 1)


def limites_de_meses(meses: Sequence[date]):
    """Inicio del primer mes y del mes siguiente al último, como fechas y horas de la zona del sitio (para
    filtrar un campo de fecha y hora por el índice, sin convertir cada fila a fecha)."""
    from datetime import datetime

    from django.utils import timezone

    return (timezone.make_aware(datetime(meses[0].year, meses[0].month, 1)),
            timezone.make_aware(datetime.combine(mes_siguiente(meses[-1]), datetime.min.time())))


def rellenar(meses: Sequence[date], valores: dict, relleno=0) -> list:
    """Los valores de `valores` (mes → valor; el mes puede venir como fecha o fecha y hora de TruncMonth) en
    el orden de `meses`, con `relleno` en los meses sin datos."""
    por_mes = {}
    for mes, valor in valores.items():
        if mes is None:
            continue
        dia = mes.date() if hasattr(mes, "date") and callable(mes.date) else mes
        por_mes[primero_de_mes(dia)] = valor
    return [por_mes.get(m, relleno) for m in meses]


def nombre_mes(mes: date, corto: bool = False) -> str:
    if corto:
        return str(MONTHS_3[mes.month]).lower()
    return _("%(mes)s de %(anio)s") % {"mes": str(MONTHS[mes.month]).lower(), "anio": mes.year}


# --- Números ---------------------------------------------------------------------------------------
def numero(valor: Numero | None, decimales: int = 0) -> str:
    """«1.234», «12,5» (es-CO); «sin datos» si falta."""
    if valor is None:
        return _("sin datos")
    texto = f"{float(valor):,.{decimales}f}"
    return texto.replace(",", "X").replace(".", ",").replace("X", ".")


def _con_unidad(valor, decimales: int, unidad: str) -> str:
    texto = numero(valor, decimales)
    if valor is None or not unidad:
        return texto
    return f"{texto} {unidad}" if unidad != "%" else f"{texto} %"


def _tope_y_paso(maximo: float) -> tuple[float, float]:
    """Un tope «redondo» para el eje y y el paso de sus marcas (4 o 5 marcas)."""
    if maximo <= 0:
        return 1.0, 0.25
    bruto = maximo / 4
    magnitud = 10 ** math.floor(math.log10(bruto))
    for factor in (1, 2, 2.5, 5, 10):
        paso = factor * magnitud
        if paso * 4 >= maximo:
            break
    if maximo >= 4 and paso < 1:  # conteos: sin marcas fraccionarias
        paso = 1.0
    return paso * math.ceil(maximo / paso - 1e-9), paso


def _redondo(paso: float) -> bool:
    """1, 2, 2,5 o 5 por una potencia de 10."""
    magnitud = 10 ** math.floor(math.log10(paso))
    return any(abs(paso - f * magnitud) < 1e-9 for f in (1, 2, 2.5, 5, 10))


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --- Modelo del gráfico -----------------------------------------------------------------------------
@dataclass
class Serie:
    nombre: str
    valores: list  # un valor por mes (None: sin datos, el trazo se corta)


@dataclass
class Grafico:
    """Lo que la plantilla `includes/grafico.html` necesita: el SVG y la misma información como tabla."""

    id: str
    titulo: str
    svg: SafeString
    resumen: str
    cabeza: list[str]
    filas: list[list[str]]
    leyenda: list[dict] = field(default_factory=list)


def _marcador(forma: str, x: float, y: float, clase: str, color: str, titulo: str) -> str:
    t = f"<title>{escape(titulo)}</title>"
    if forma == "cuadrado":
        return (f'<rect class="g-marcador {clase}" x="{_f(x - 4.5)}" y="{_f(y - 4.5)}" width="9" height="9" '
                f'fill="{color}">{t}</rect>')
    if forma == "triangulo":
        return (f'<path class="g-marcador {clase}" d="M{_f(x)} {_f(y - 5.5)}L{_f(x + 5.5)} {_f(y + 4.5)}'
                f'L{_f(x - 5.5)} {_f(y + 4.5)}Z" fill="{color}">{t}</path>')
    return f'<circle class="g-marcador {clase}" cx="{_f(x)}" cy="{_f(y)}" r="5" fill="{color}">{t}</circle>'


def _svg(id_: str, titulo: str, resumen: str, ancho: int, alto: int, cuerpo: list[str], clase: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafico__svg {clase}" role="img" id="{escape(id_)}" '
        f'viewBox="0 0 {ancho} {alto}" aria-labelledby="{escape(id_)}-t {escape(id_)}-d" focusable="false">'
        f'<title id="{escape(id_)}-t">{escape(titulo)}</title><desc id="{escape(id_)}-d">{escape(resumen)}</desc>'
        + "".join(cuerpo) + "</svg>"
    )


def _resumen_serie(serie: Serie, meses: Sequence[date], decimales: int, unidad: str) -> str:
    puntos = [(m, v) for m, v in zip(meses, serie.valores) if v is not None]
    if not puntos:
        return _("%(s)s: sin datos en el periodo.") % {"s": serie.nombre}
    (m0, v0), (m1, v1) = puntos[0], puntos[-1]
    mayor = max(puntos, key=lambda p: p[1])
    texto = _("%(s)s: de %(v0)s en %(m0)s a %(v1)s en %(m1)s") % {
        "s": serie.nombre, "v0": _con_unidad(v0, decimales, unidad), "m0": nombre_mes(m0),
        "v1": _con_unidad(v1, decimales, unidad), "m1": nombre_mes(m1),
    }
    if len(puntos) > 2 and mayor[1] not in (v0, v1):
        texto += _("; el mayor valor, %(v)s en %(m)s") % {"v": _con_unidad(mayor[1], decimales, unidad),
                                                          "m": nombre_mes(mayor[0])}
    return texto + "."


def grafico_lineas(*, id: str, titulo: str, meses: Sequence[date], series: Sequence[Serie], unidad: str = "",
                   decimales: int = 0, maximo: Numero | None = None) -> Grafico:
    """Series mensuales (una a tres) sobre un eje de meses; `maximo` fija el tope del eje y (100 para
    porcentajes, 5 para calificaciones)."""
    ancho, alto = 560, 250
    izq, der, arriba, abajo = 50, 28, 14, 40
    w, h = ancho - izq - der, alto - arriba - abajo
    valores = [float(v) for s in series for v in s.valores if v is not None]
    if maximo is not None:
        tope = float(maximo)
        paso = next((tope / k for k in (4, 5, 2) if _redondo(tope / k)), tope / 4)
    else:
        tope, paso = _tope_y_paso(max(valores, default=0))
    n = len(meses)

    def x(i: int) -> float:
        return izq + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v) -> float:
        return arriba + h - h * float(v) / tope

    cuerpo = ['<g class="g-eje" aria-hidden="true">']
    marca = 0.0
    while marca <= tope + 1e-9:
        yy = y(marca)
        cuerpo.append(f'<line class="g-rejilla" x1="{izq}" x2="{ancho - der}" y1="{_f(yy)}" y2="{_f(yy)}" stroke="#d9dce1"/>')
        cuerpo.append(f'<text class="g-texto" x="{izq - 6}" y="{_f(yy + 4)}" text-anchor="end">'
                      f'{escape(numero(marca, 0 if paso >= 1 else 2 if paso < 0.5 else 1))}</text>')
        marca += paso
    for i, m in enumerate(meses):
        # En un teléfono se ocultan los meses alternos (contando desde el último, que siempre se ve).
        alterno = " g-mes--alterno" if (n - 1 - i) % 2 else ""
        cuerpo.append(f'<text class="g-texto{alterno}" x="{_f(x(i))}" y="{alto - abajo + 16}" text-anchor="middle">'
                      f'{escape(nombre_mes(m, corto=True))}</text>')
        if i == 0 or m.month == 1:
            # El año del primer mes se oculta en una caja angosta si enero viene justo después (se montarían).
            junto = " g-anio--junto" if i == 0 and n > 1 and meses[1].month == 1 else ""
            cuerpo.append(f'<text class="g-texto g-texto--anio{junto}" x="{_f(x(i))}" y="{alto - abajo + 32}" '
                          f'text-anchor="middle">{m.year}</text>')
    cuerpo.append(f'<line class="g-base" x1="{izq}" x2="{ancho - der}" y1="{_f(y(0))}" y2="{_f(y(0))}" stroke="#4a4a4a"/>')
    cuerpo.append("</g>")
    leyenda = []
    for k, serie in enumerate(series):
        clase, color, trazo, forma = _ESTILOS[k % len(_ESTILOS)]
        tramos, actual = [], []
        for i, v in enumerate(serie.valores):
            if v is None:
                if actual:
                    tramos.append(actual)
                actual = []
            else:
                actual.append((x(i), y(v)))
        if actual:
            tramos.append(actual)
        d = "".join("M" + "L".join(f"{_f(px)} {_f(py)}" for px, py in t) for t in tramos if t)
        cuerpo.append(f'<g class="g-serie {clase}" data-serie="{k + 1}">')
        if d:
            cuerpo.append(f'<path class="g-linea" d="{d}" fill="none" stroke="{color}" stroke-width="2.5"'
                          + (f' stroke-dasharray="{trazo}"' if trazo else "") + "/>")
        for i, v in enumerate(serie.valores):
            if v is not None:
                cuerpo.append(_marcador(forma, x(i), y(v), "g-punto", color, f"{serie.nombre}, {nombre_mes(meses[i])}: "
                                        f"{_con_unidad(v, decimales, unidad)}"))
        cuerpo.append("</g>")
        leyenda.append({"clase": clase, "nombre": serie.nombre, "forma": forma, "simbolo": _NOMBRE_FORMA[forma],
                        "trazo": trazo, "color": color})
    resumen = " ".join(_resumen_serie(s, meses, decimales, unidad) for s in series)
    cabeza = [_("Mes")] + [s.nombre for s in series]
    filas = [[nombre_mes(m)] + [_con_unidad(s.valores[i], decimales, unidad) for s in series] for i, m in enumerate(meses)]
    return Grafico(id=id, titulo=titulo, svg=_svg(id, titulo, resumen, ancho, alto, cuerpo, "grafico__svg--lineas"),
                   resumen=resumen, cabeza=cabeza, filas=filas, leyenda=leyenda)


def ordenar_por_valor(filas: Iterable[dict], clave: str = "valor") -> list[dict]:
    """De mayor a menor valor; sin valor, al final; empates por nombre."""
    return sorted(filas, key=lambda f: (f[clave] is None, -float(f[clave] or 0), str(f.get("nombre", ""))))


def _recortar(texto: str, largo: int) -> str:
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def grafico_barras(*, id: str, titulo: str, filas: Iterable[dict], unidad: str = "", decimales: int = 0,
                   maximo: Numero | None = None, etiqueta_valor: str = "", limite: int = 25,
                   nombre_marca: str = "") -> Grafico:
    """Barras horizontales ordenadas de mayor a menor valor, con el valor escrito al final de cada barra.

    Cada fila: `nombre`, `valor` y, si se quiere, `marca` (una referencia, p. ej. el avance esperado, que se
    dibuja como una raya vertical con su nombre `nombre_marca`) y `clase` (modificador de color, p. ej. el
    semáforo; su nombre va en `nota`, que se escribe junto al valor: el color no es la única señal).
    Se dibujan las primeras `limite`; la tabla lleva todas."""
    todas = ordenar_por_valor(list(filas))
    dibujadas = todas[:limite]
    # El nombre va encima de su barra (no a la izquierda): cabe entero también en un teléfono, donde el SVG
    # se achica y la hoja de estilos agranda la letra.
    ancho = 560
    alto_fila, arriba = 46, 4
    alto = arriba * 2 + alto_fila * max(len(dibujadas), 1)
    largo_nombre = 48
    espacio_valor = 215 if any(f.get("nota") for f in dibujadas) else 90
    w = ancho - espacio_valor
    valores = [float(f["valor"]) for f in todas if f["valor"] is not None]
    tope = float(maximo) if maximo is not None else (max(valores, default=0) or 1)
    cuerpo = []
    for i, f in enumerate(dibujadas):
        y0 = arriba + i * alto_fila
        nombre = str(f["nombre"])
        valor = f["valor"]
        largo = 0.0 if valor is None else max(0.0, min(1.0, float(valor) / tope)) * w
        texto_valor = _con_unidad(valor, decimales, unidad)
        nota = f" · {f['nota']}" if f.get("nota") else ""
        detalle = f"{nombre}: {texto_valor}{nota}"
        if f.get("marca") is not None and nombre_marca:
            detalle += f" ({nombre_marca}: {_con_unidad(f['marca'], decimales, unidad)})"
        clase = "g-barra" + (f" g-barra--{escape(f['clase'])}" if f.get("clase") else "")
        cuerpo.append(f'<g class="g-fila"><text class="g-texto g-nombre" x="0" y="{y0 + 15}">'
                      f'{escape(_recortar(nombre, largo_nombre))}</text>')
        # El riel (la escala completa) es una raya fina bajo la barra: el valor escrito encima no la tacha.
        cuerpo.append(f'<rect class="g-riel" x="0" y="{y0 + 37}" width="{_f(w)}" height="2" fill="#c4c8cf"/>')
        cuerpo.append(f'<rect class="{clase}" x="0" y="{y0 + 21}" width="{_f(largo)}" height="16" fill="#0b3d91">'
                      f'<title>{escape(detalle)}</title></rect>')
        fin = largo
        if f.get("marca") is not None:
            mx = max(0.0, min(1.0, float(f["marca"]) / tope)) * w
            fin = max(fin, mx)  # el valor se escribe después de la raya, sin tacharlo
            cuerpo.append(f'<line class="g-marca" x1="{_f(mx)}" x2="{_f(mx)}" y1="{y0 + 18}" y2="{y0 + 40}" '
                          f'stroke="#1b1b1b" stroke-width="2"/>')
        cuerpo.append(f'<text class="g-texto g-valor" x="{_f(fin + 6)}" y="{y0 + 34}">'
                      f'{escape(texto_valor + nota)}</text></g>')
    if not dibujadas:
        cuerpo.append(f'<text class="g-texto" x="{ancho / 2}" y="{arriba + 17}" text-anchor="middle">'
                      f'{escape(_("Sin datos."))}</text>')
    if todas and todas[0]["valor"] is not None:
        resumen = _("%(n)s elementos ordenados de mayor a menor. Mayor: %(a)s (%(va)s); menor: %(b)s (%(vb)s).") % {
            "n": len(todas), "a": todas[0]["nombre"], "va": _con_unidad(todas[0]["valor"], decimales, unidad),
            "b": [f for f in todas if f["valor"] is not None][-1]["nombre"],
            "vb": _con_unidad([f for f in todas if f["valor"] is not None][-1]["valor"], decimales, unidad),
        }
        if len(todas) > len(dibujadas):
            resumen += " " + _("El gráfico muestra los primeros %(n)s; la tabla, todos.") % {"n": len(dibujadas)}
    else:
        resumen = _("Sin datos.")
    cabeza = [_("Nombre"), etiqueta_valor or _("Valor")] + ([nombre_marca] if nombre_marca else [])
    filas_tabla = [[str(f["nombre"]), _con_unidad(f["valor"], decimales, unidad) + (f" · {f['nota']}" if f.get("nota") else "")]
                   + ([_con_unidad(f.get("marca"), decimales, unidad)] if nombre_marca else []) for f in todas]
    leyenda = [{"clase": "g-marca", "nombre": nombre_marca, "forma": "raya", "simbolo": "|"}] if nombre_marca and any(
        f.get("marca") is not None for f in dibujadas) else []
    return Grafico(id=id, titulo=titulo, svg=_svg(id, titulo, resumen, ancho, alto, cuerpo, "grafico__svg--barras"),
                   resumen=resumen, cabeza=cabeza, filas=filas_tabla, leyenda=leyenda)
