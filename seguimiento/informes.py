"""Informe de seguimiento (mensual o corte semestral) en PDF (reportlab) y XLSX (openpyxl).

Tres perspectivas (CONPES 4091 §5.3.3): operación de la asistencia, calidad percibida y resultados
en capacidades. Un informe es único por tipo, periodo y alcance; generarlo de nuevo lo reemplaza por
una versión nueva sin dejar de servir la anterior mientras tanto (ver `generar`).
"""

from __future__ import annotations

import io
import logging
import posixpath
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Avg, Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from att.bloqueos import candado, clave_bloqueo
from att.exportacion import libro_xlsx
from att.models import Entidad, PuntajeMDM
from att.validadores import recortar
from indicadores.models import Indicador
from indicadores.selectors import indicadores_con_avance_de, periodo_cerrado
from seguimiento import cortes, selectors
from seguimiento.models import (
    Asesoria,
    Avance,
    EstadoAvance,
    EstadoInforme,
    EstadoLinea,
    EstadoLineaEntidad,
    EventoMasivo,
    Hito,
    InformeMensual,
    Percepcion,
    SuscripcionInforme,
    TipoInforme,
)

log = logging.getLogger(__name__)
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"]


def sumar_meses(fecha: date, meses: int) -> date:
    total = fecha.year * 12 + fecha.month - 1 + meses
    return date(total // 12, total % 12 + 1, 1)


def mes_anterior(hoy: date | None = None) -> date:
    hoy = hoy or timezone.localdate()
    return sumar_meses(hoy.replace(day=1), -1)


def ventana(tipo: str, periodo: date) -> tuple[date, date]:
    """[desde, hasta) del informe: el mes, o los seis meses que terminan en el mes del corte."""
    hasta = sumar_meses(periodo, 1)
    desde = sumar_meses(periodo, -5) if tipo == TipoInforme.SEMESTRAL else periodo
    return desde, hasta


def nombre_periodo(tipo: str, periodo: date) -> str:
    if tipo == TipoInforme.SEMESTRAL:
        return _("Corte semestral a %(mes)s de %(anio)s") % {"mes": MESES[periodo.month - 1], "anio": periodo.year}
    return _("%(mes)s de %(anio)s") % {"mes": MESES[periodo.month - 1].capitalize(), "anio": periodo.year}


def _entidad_de(alcance: str) -> Entidad | None:
    if alcance.startswith("entidad-"):
        return Entidad.objects.get(pk=int(alcance.split("-", 1)[1]))
    return None


def datos_informe(tipo: str, periodo: date, alcance: str = "nacional") -> dict:
    desde, hasta = ventana(tipo, periodo)
    entidad = _entidad_de(alcance)
    estados = EstadoLinea.objects.all()
    avances = Avance.objects.all()
    hitos = Hito.objects.all()
    percepciones = Percepcion.objects.all()
    indicadores = Indicador.objects.all()
    asesorias = Asesoria.objects.all()
    eventos = EventoMasivo.objects.all()
    if entidad is not None:
        estados = estados.filter(entidad=entidad)
        avances = avances.filter(hito__linea__plan__entidad=entidad)
        hitos = hitos.filter(linea__plan__entidad=entidad)
        percepciones = percepciones.filter(oferente=entidad)
        indicadores = indicadores.filter(entidad=entidad)
        asesorias = asesorias.filter(oferente=entidad)
        eventos = eventos.filter(oferente=entidad)
    umbrales = selectors.ConfiguracionSeguimiento.obtener().umbrales
    en_ventana = Q(fecha_corte__gte=desde, fecha_corte__lt=hasta)
    operacion = {
        "total": selectors.avance_consolidado(estados, umbrales),
        "por_entidad": selectors.avance_por(estados, "entidad", umbrales),
        "por_departamento": selectors.avance_por(estados, "departamento", umbrales),
        "avances": avances.aggregate(
            reportados=Count("pk", filter=en_ventana),
            validados=Count("pk", filter=en_ventana & Q(estado=EstadoAvance.VALIDADO)),
            devueltos=Count("pk", filter=en_ventana & Q(estado=EstadoAvance.DEVUELTO)),
        ),
        "hitos": hitos.aggregate(
            cumplidos=Count("pk", filter=Q(cumplido_en__gte=desde, cumplido_en__lt=hasta)),
            vencidos=Count("pk", filter=Q(fecha_planeada__lt=hasta, avance__lt=100, subhitos__isnull=True)),
        ),
        "asesorias": asesorias.filter(fecha__gte=desde, fecha__lt=hasta).aggregate(n=Count("pk"), participantes=Sum("participantes")),
        "eventos": eventos.filter(fecha__gte=desde, fecha__lt=hasta).aggregate(n=Count("pk"), participantes=Sum("participantes")),
        "indicadores": [
            {"nombre": f["indicador"].nombre, "tipo_acumulacion": f["indicador"].get_tipo_acumulacion_display(),
             "unidad": f["indicador"].unidad, "meta": f["indicador"].meta_cuatrienio, "logro": f["logro"],
             "avance": f["avance"], "logro_anio": f["logro_anio"], "avance_anio": f["avance_anio"]}
            for f in indicadores_con_avance_de(indicadores, anio=periodo.year, hasta=hasta)
        ],
    }
    # Los seis cortes SETA sobre las fotos por (línea × entidad territorial); la zona, por departamento y región.
    pares = EstadoLineaEntidad.objects.all() if entidad is None else EstadoLineaEntidad.objects.filter(oferente=entidad)
    operacion["cortes"] = [
        (dimension, nivel, datos_corte) for (dimension, nivel), datos_corte
        in zip(CORTES_INFORME, cortes.cortes_de(pares, CORTES_INFORME, umbrales=umbrales))
    ]
    calidad = selectors.resumen_percepcion_de(percepciones, desde, hasta)
    anios = list(PuntajeMDM.objects.order_by("-anio").values_list("anio", flat=True).distinct()[:2])
    capacidades = {
        "anio_inicial": anios[-1] if len(anios) == 2 else None,
        "anio_final": anios[0] if len(anios) == 2 else None,
        "grupos": selectors.comparacion_mdm(anios[-1], anios[0]) if len(anios) == 2 else [],
    }
    return {
        "tipo": tipo, "periodo": periodo, "desde": desde, "hasta": hasta, "alcance": alcance,
        "titulo_alcance": str(entidad) if entidad else _("Nacional"),
        "nombre_periodo": nombre_periodo(tipo, periodo),
        "operacion": operacion, "calidad": calidad, "capacidades": capacidades,
        "series": series_mensuales(periodo, entidad),
    }


MESES_SERIE = 12


CORTES_INFORME = [("entidad", ""), ("dependencia", ""), ("producto", ""), ("zona", ""), ("zona", "region"),
                  ("estrategia", ""), ("asesor", "")]


def _inicio_aware(dia: date) -> datetime:
    return timezone.make_aware(datetime(dia.year, dia.month, dia.day))


def series_mensuales(periodo: date, entidad: Entidad | None = None) -> list[dict]:
    """Los doce meses que terminan en el del periodo: demandas registradas y atendidas, avances
    reportados y validados, calificaciones y su promedio (1–5). Una consulta agregada por serie
    (cuatro en total, sin importar cuántos datos haya); los meses sin datos quedan en cero."""
    from demanda.models import Demanda, EstadoDemanda, EventoDemanda

    inicio, fin = sumar_meses(periodo, -(MESES_SERIE - 1)), sumar_meses(periodo, 1)
    demandas = Demanda.objects.filter(creada__gte=_inicio_aware(inicio), creada__lt=_inicio_aware(fin))
    atenciones = EventoDemanda.objects.filter(a_estado=EstadoDemanda.ATENDIDA, cuando__gte=_inicio_aware(inicio),
                                              cuando__lt=_inicio_aware(fin))
    avances = Avance.objects.filter(fecha_corte__gte=inicio, fecha_corte__lt=fin)
    percepciones = Percepcion.objects.filter(fecha__gte=inicio, fecha__lt=fin)
    if entidad is not None:
        demandas = demandas.filter(Q(entidad_competente=entidad) | Q(oferta__entidad=entidad))
        atenciones = atenciones.filter(Q(demanda__entidad_competente=entidad) | Q(demanda__oferta__entidad=entidad))
        avances = avances.filter(hito__linea__plan__entidad=entidad)
        percepciones = percepciones.filter(oferente=entidad)

    def por_mes(qs, campo, **agregados) -> dict:
        filas = qs.annotate(mes=TruncMonth(campo, output_field=DateField())).values("mes").annotate(**agregados)
        return {f["mes"]: f for f in filas.order_by()}

    registradas = por_mes(demandas, "creada", n=Count("pk"))
    atendidas = por_mes(atenciones, "cuando", n=Count("demanda", distinct=True))
    progreso = por_mes(avances, "fecha_corte", reportados=Count("pk"),
                       validados=Count("pk", filter=Q(estado=EstadoAvance.VALIDADO)))
    notas = por_mes(percepciones, "fecha", n=Count("pk"),
                    suma=Avg(F("calidad") + F("pertinencia") + F("oportunidad")))
    serie = []
    for i in range(MESES_SERIE):
        mes = sumar_meses(inicio, i)
        nota = notas.get(mes, {})
        serie.append({
            "mes": mes, "etiqueta": f"{MESES[mes.month - 1][:3]} {mes:%y}",
            "demandas_registradas": registradas.get(mes, {}).get("n", 0),
            "demandas_atendidas": atendidas.get(mes, {}).get("n", 0),
            "avances_reportados": progreso.get(mes, {}).get("reportados", 0),
            "avances_validados": progreso.get(mes, {}).get("validados", 0),
            "calificaciones": nota.get("n", 0),
            "calificacion_promedio": (Decimal(nota["suma"]) / 3).quantize(Decimal("0.01")) if nota.get("suma") is not None else None,
        })
    return serie


def _f(valor, lugares=1) -> str:
    if valor is None:
        return "—"
    if isinstance(valor, (Decimal, float)):
        return f"{valor:,.{lugares}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(valor)


SEMAFORO = {"al_dia": "Al día", "en_riesgo": "En riesgo", "atrasado": "Atrasado", "": "—"}


def tablas(datos: dict) -> list[tuple[str, list[str], list[list]]]:
    """Las tablas del informe (las comparten el PDF y el XLSX)."""
    op, cal, cap = datos["operacion"], datos["calidad"], datos["capacidades"]
    t = op["total"]
    resumen = [
        [_("Avance consolidado (%)"), t["avance"]], [_("Avance esperado (%)"), t["esperado"]],
        [_("Semáforo"), SEMAFORO.get(t["semaforo"], "")], [_("Líneas en seguimiento"), t["lineas"]],
        [_("Líneas al día"), t["al_dia"]], [_("Líneas en riesgo"), t["en_riesgo"]], [_("Líneas atrasadas"), t["atrasado"]],
        [_("Avances reportados en el periodo"), op["avances"]["reportados"]],
        [_("Avances validados en el periodo"), op["avances"]["validados"]],
        [_("Avances devueltos en el periodo"), op["avances"]["devueltos"]],
        [_("Hitos cumplidos en el periodo"), op["hitos"]["cumplidos"]],
        [_("Hitos vencidos sin cumplir"), op["hitos"]["vencidos"]],
        [_("Asesorías"), op["asesorias"]["n"]], [_("Eventos masivos"), op["eventos"]["n"]],
        [_("Participantes"), (op["asesorias"]["participantes"] or 0) + (op["eventos"]["participantes"] or 0)],
    ]
    fila = lambda f: [f["nombre"], f["lineas"], f["avance"], f["esperado"], SEMAFORO.get(f["semaforo"], "")]
    cabeza = [_("Nombre"), _("Líneas"), _("Avance (%)"), _("Esperado (%)"), _("Semáforo")]
    percep = [
        [_("Calificaciones"), cal["n"]], [_("Calidad (1–5)"), cal["calidad"]], [_("Pertinencia (1–5)"), cal["pertinencia"]],
        [_("Oportunidad (1–5)"), cal["oportunidad"]], [_("Insatisfechas (promedio < %(u)s)") % {"u": selectors.numero_corto(cal["umbral"])}, cal["insatisfechas"]],
        [_("Porcentaje insatisfechas"), cal["pct_insatisfechas"]],
    ]
    indic = [[i["nombre"], i["tipo_acumulacion"], i["unidad"], i["meta"], i["logro"], i["avance"], i["logro_anio"], i["avance_anio"]]
             for i in op["indicadores"]]
    capac = [[g["grupo_nombre"], g["n_asistidos"], g["cambio_asistidos"], g["n_no_asistidos"], g["cambio_no_asistidos"], g["diferencia"]]
             for g in cap["grupos"]]
    tendencias = [[f["etiqueta"], f["demandas_registradas"], f["demandas_atendidas"], f["avances_reportados"],
                   f["avances_validados"], f["calificaciones"], f["calificacion_promedio"]] for f in datos.get("series", [])]
    cabeza_corte = [_("Avance (%)"), _("Esperado (%)"), _("Semáforo"), _("Al día"), _("En riesgo"), _("Atrasados"),
                    _("Hitos vencidos"), _("Último reporte"), _("Líneas"), _("Entidades")]
    fila_corte = lambda f: [f["nombre"], f["avance"], f["esperado"], SEMAFORO.get(f["semaforo"], ""), f["al_dia"],
                            f["en_riesgo"], f["atrasado"], f["hitos_vencidos"], f["ultimo_reporte"], f["lineas"],
                            f["entidades"]]
    seccion_cortes = []
    for i, (dimension, nivel, c) in enumerate(op.get("cortes", [])):
        titulo = (_("5. Avance por entidad territorial (cada línea en cada entidad a la que llega)") if i == 0
                  else (_("Avance por región") if nivel == "region" else c["corte"].titulo))
        seccion_cortes.append((titulo, [c["corte"].etiqueta, *cabeza_corte], [fila_corte(f) for f in c["filas"]]))
    return [
        (_("1. Operación de la asistencia técnica"), [_("Cifra"), _("Valor")], resumen),
        (_("Avance por entidad oferente"), cabeza, [fila(f) for f in op["por_entidad"]]),
        (_("Avance por departamento"), cabeza, [fila(f) for f in op["por_departamento"]]),
        (_("Indicadores frente a sus metas"), [_("Indicador"), _("Acumulación"), _("Unidad"), _("Meta cuatrienio"),
                                                 _("Logro"), _("Avance (%)"), _("Logro del año"), _("Avance del año (%)")], indic),
        (_("2. Calidad percibida"), [_("Cifra"), _("Valor")], percep),
        (_("3. Resultados en capacidades (cambio MDM %(a)s–%(b)s)") % {"a": cap["anio_inicial"] or "—", "b": cap["anio_final"] or "—"},
         [_("Grupo MDM"), _("Asistidos"), _("Cambio asistidos"), _("No asistidos"), _("Cambio no asistidos"), _("Diferencia")], capac),
        (_("4. Tendencias de los últimos doce meses"),
         [_("Mes"), _("Demandas registradas"), _("Demandas atendidas"), _("Avances reportados"), _("Avances validados"),
          _("Calificaciones"), _("Calificación promedio (1–5)")], tendencias),
        *seccion_cortes,
    ]


def _graficos(series: list[dict], est) -> list:
    """Tres gráficos de la serie mensual (reportlab.graphics, vectoriales, con la fuente incrustada):
    demandas registradas y atendidas (barras), avances reportados y validados y calificación promedio
    (líneas). Cada uno tiene título, ejes rotulados, leyenda, marcadores distintos por serie (el color
    no es la única señal) y un pie que remite a la tabla de la sección, su alternativa accesible."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, Group, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors
    from reportlab.lib.units import cm

    from att.pdf import FAMILIA, titulo

    azul, naranja = colors.HexColor("#1f4e8c"), colors.HexColor("#d9822b")
    etiquetas = [f["etiqueta"] for f in series]

    def lienzo(grafico, eje_y: str, nombres: list[str], estilos_leyenda: list):
        ancho, alto = 24 * cm, 6.2 * cm
        d = Drawing(ancho, alto, initialFontName=FAMILIA)  # sin esto, renderPDF fija Helvetica al empezar
        grafico.x, grafico.y, grafico.width, grafico.height = 1.8 * cm, 1.3 * cm, 17 * cm, 4.3 * cm
        for eje in (grafico.categoryAxis, grafico.valueAxis):
            eje.labels.fontName, eje.labels.fontSize = FAMILIA, 7
        grafico.categoryAxis.categoryNames = etiquetas
        grafico.valueAxis.valueMin = 0
        d.add(grafico)
        d.add(String(grafico.x + grafico.width / 2, 0.2 * cm, _("Mes"), fontName=FAMILIA, fontSize=8, textAnchor="middle"))
        rotulo = Group(String(0, 0, eje_y, fontName=FAMILIA, fontSize=8, textAnchor="middle"))
        rotulo.translate(0.4 * cm, grafico.y + grafico.height / 2)
        rotulo.rotate(90)
        d.add(rotulo)
        leyenda = Legend()
        leyenda.x, leyenda.y = grafico.x + grafico.width + 0.6 * cm, grafico.y + grafico.height
        leyenda.fontName, leyenda.fontSize, leyenda.alignment = FAMILIA, 8, "right"
        leyenda.colorNamePairs = list(zip(estilos_leyenda, nombres))
        d.add(leyenda)
        return d

    def escala(grafico, *claves) -> None:
        """Eje de conteos: enteros, con unas cinco marcas y aire arriba para las etiquetas."""
        tope = max([int(f[c] or 0) for f in series for c in claves] + [1])
        paso = max(1, -(-tope // 5))
        grafico.valueAxis.valueStep = paso
        grafico.valueAxis.valueMax = paso * (-(-tope // paso) + 1)
        grafico.valueAxis.labelTextFormat = "%d"

    barras = VerticalBarChart()
    barras.data = [[f["demandas_registradas"] for f in series], [f["demandas_atendidas"] for f in series]]
    barras.bars[0].fillColor, barras.bars[1].fillColor = azul, naranja
    barras.bars[1].strokeDashArray = (2, 1)  # además del color, borde punteado
    escala(barras, "demandas_registradas", "demandas_atendidas")
    barras.barLabelFormat, barras.barLabels.fontName, barras.barLabels.fontSize = "%d", FAMILIA, 6
    barras.barLabels.nudge = 5

    lineas = HorizontalLineChart()
    lineas.data = [[f["avances_reportados"] for f in series], [f["avances_validados"] for f in series]]
    lineas.lines[0].strokeColor, lineas.lines[1].strokeColor = azul, naranja
    lineas.lines[0].symbol, lineas.lines[1].symbol = makeMarker("FilledCircle"), makeMarker("FilledSquare")
    lineas.lines[1].strokeDashArray = (4, 2)
    escala(lineas, "avances_reportados", "avances_validados")
    lineas.lines[0].symbol.size = 7  # el círculo asoma detrás del cuadrado cuando las dos series coinciden

    # Barras y no línea: un mes sin calificaciones no tiene valor, y una línea con huecos no se lee bien.
    notas = VerticalBarChart()
    notas.data = [[float(f["calificacion_promedio"]) if f["calificacion_promedio"] is not None else None for f in series]]
    notas.bars[0].fillColor = azul
    notas.valueAxis.valueMin, notas.valueAxis.valueMax, notas.valueAxis.valueStep = 0, 5, 1
    notas.barLabelFormat, notas.barLabels.fontName, notas.barLabels.fontSize = "%.2f", FAMILIA, 6
    notas.barLabels.nudge = 5

    pie = est["Italic"].clone("pie_grafico", fontSize=8, leading=10, spaceAfter=6)
    fuente = _("Los valores de cada mes están en la tabla «Tendencias de los últimos doce meses» que sigue.")
    return [
        titulo(_("Demandas registradas y atendidas por mes"), est["Heading4"], 1),
        lienzo(barras, _("Demandas"), [_("Registradas"), _("Atendidas")], [azul, naranja]),
        _parrafo(_("Gráfico 1. Demandas registradas (barras azules) y atendidas (barras naranjas, borde punteado) "
                     "en cada mes. ") + fuente, pie),
        titulo(_("Avances reportados y validados por mes"), est["Heading4"], 1),
        lienzo(lineas, _("Avances"), [_("Reportados (●)"), _("Validados (■)")], [azul, naranja]),
        _parrafo(_("Gráfico 2. Avances de hitos reportados (línea continua, círculos) y validados (línea "
                     "discontinua, cuadrados) por fecha de corte. ") + fuente, pie),
        titulo(_("Calificación promedio de la asistencia por mes"), est["Heading4"], 1),
        lienzo(notas, _("Promedio (1–5)"), [_("Promedio de calidad, pertinencia y oportunidad")], [azul]),
        _parrafo(_("Gráfico 3. Promedio de las tres calificaciones (1 a 5) de las percepciones del mes; un mes "
                     "sin calificaciones no tiene barra. ") + fuente, pie),
    ]


CELDA_CORTA = 16


def _celda_pdf(valor, estilo):
    """Una celda de tabla del PDF: las cifras y textos cortos van como texto simple (no se parten); solo
    los textos largos son párrafos que se ajustan al ancho. Con 12.000 celdas, medir y partir un párrafo
    por cifra era la mitad del tiempo del PDF a escala 1000."""
    texto = _f(valor)
    return texto if len(texto) <= CELDA_CORTA and "\n" not in texto else _parrafo(texto, estilo)


def _parrafo(texto, estilo):
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(texto)), estilo)


# Avance consolidado por departamento en el mapa del informe: cinco tramos de 20 puntos (azules de
# claro a oscuro, en el orden de la leyenda) y blanco sin líneas. El color no es la única señal: la
# tabla «Avance por departamento» que sigue trae cada cifra.
TRAMOS_MAPA = [(20, "#dbe7f6"), (40, "#a9c4ea"), (60, "#6f99d6"), (80, "#3a6cb8"), (100, "#163f7a")]


def _color_avance(avance) -> str | None:
    if avance is None:
        return None
    for tope, color in TRAMOS_MAPA:
        if float(avance) <= tope:
            return color
    return TRAMOS_MAPA[-1][1]


def _mapa_departamentos(filas: list[dict], est) -> list:
    """El mapa de Colombia por departamento coloreado por avance consolidado, con su leyenda."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Table, TableStyle

    from att import mapas
    from att.pdf import FAMILIA

    colores = {str(f["clave_id"]): c for f in filas if (c := _color_avance(f.get("avance")))}
    if not colores:
        return []
    dibujo = mapas.dibujo_pdf("departamento", colores, ancho_pt=11 * cm)
    tramos = [("#ffffff", _("Sin líneas"))] + [
        (color, _("%(a)s a %(b)s %%") % {"a": tope - 20, "b": tope}) for tope, color in TRAMOS_MAPA]
    leyenda = Table([["", texto] for _c, texto in tramos], colWidths=[0.6 * cm, 3.4 * cm])
    leyenda.setStyle(TableStyle(
        [("BACKGROUND", (0, i), (0, i), colors.HexColor(c)) for i, (c, _t) in enumerate(tramos)]
        + [("BOX", (0, i), (0, i), 0.25, colors.grey) for i in range(len(tramos))]
        + [("FONTNAME", (0, 0), (-1, -1), FAMILIA), ("FONTSIZE", (0, 0), (-1, -1), 8),
           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    ))
    conjunto = Table([[dibujo, leyenda]], colWidths=[11.5 * cm, 4.5 * cm])
    conjunto.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("FONTNAME", (0, 0), (-1, -1), FAMILIA)]))
    return [conjunto, _parrafo(_(
        "Mapa: avance consolidado de las líneas que llegan a cada departamento (DANE, MGN 2018). Las cifras "
        "de cada departamento están en la tabla que sigue."), est["BodyText"])]


# Una tabla del PDF con más filas muestra las de menor avance (las que piden atención) y dice en qué hoja
# de qué XLSX están todas: los cortes por producto o asesor y los indicadores llegan a miles de filas, y
# 12.000 celdas ya eran la mitad del tiempo del PDF a escala 1000. El XLSX nunca se recorta.
FILAS_PDF = 200


def nombre_archivo(tipo: str, periodo: date, alcance: str, formato: str) -> str:
    """Nombre con que se descarga el PDF o el XLSX del informe (lo usan la descarga y el PDF al citar el XLSX)."""
    return f"{_base(tipo, periodo, alcance)}.{formato}"


def _resumir(filas: list, cabeza: list) -> tuple[list, bool]:
    """Las FILAS_PDF filas de menor avance (sin avance al final), o las primeras si la tabla no tiene
    columna de avance; y si ordenó por avance."""
    try:
        columna = [str(c) for c in cabeza].index(str(_("Avance (%)")))
    except ValueError:
        return filas[:FILAS_PDF], False
    orden = sorted(filas, key=lambda f: (f[columna] is None, f[columna] if f[columna] is not None else 0))
    return orden[:FILAS_PDF], True


def generar_pdf(datos: dict) -> bytes:
    """El informe en PDF: DejaVu Sans incrustada, título, autor, asunto e idioma (es-CO) en los
    metadatos, esquema con las secciones, «Página N de M» en cada página, títulos que nunca cierran
    una página solos, tablas que repiten su encabezado y gráficos de la serie mensual con su tabla.
    No es PDF etiquetado: reportlab no escribe el árbol de estructura (ver att/pdf.py)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, LongTable, Spacer, TableStyle

    from att.pdf import FAMILIA, NEGRITA, documento, estilos, titulo

    salida = io.BytesIO()
    nombre = _("Informe de seguimiento de la Asistencia Técnica Territorial")
    doc = documento(
        salida, pagesize=landscape(A4), titulo_doc=f"{nombre} – {datos['nombre_periodo']} – {datos['titulo_alcance']}",
        asunto=_("Operación, calidad percibida y resultados en capacidades (CONPES 4091 §5.3.3)"),
        pie=f"{_('Informe de seguimiento ATT')} · {datos['nombre_periodo']} · {datos['titulo_alcance']}",
    )
    est = estilos()
    celda = est["BodyText"].clone("celda", fontSize=7.5, leading=9)
    cabeza_celda = celda.clone("cabeza_celda", fontName=NEGRITA)
    xlsx = nombre_archivo(datos["tipo"], datos["periodo"], datos["alcance"], "xlsx")
    historia = [
        _parrafo(nombre, est["Title"]),
        _parrafo(f"{datos['nombre_periodo']} · {_('Alcance')}: {datos['titulo_alcance']}", est["Heading2"]),
        _parrafo(_("Generado el %(f)s. Perspectivas del CONPES 4091 §5.3.3: operación, calidad percibida y "
                     "resultados en capacidades.") % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M")}, est["BodyText"]),
        _parrafo(_("Los datos completos, con todas las filas de cada tabla, están en el XLSX «%(x)s» (una hoja por "
                   "tabla), que se descarga junto a este PDF en la página de informes de seguimiento. Aquí, una tabla "
                   "de más de %(n)s filas muestra las %(n)s de menor avance.") % {"x": xlsx, "n": FILAS_PDF},
                 est["BodyText"]),
        _parrafo(selectors.REGLA_CONSOLIDACION, est["BodyText"]),
    ]
    for numero, (texto, cabeza, filas) in enumerate(tablas(datos)):
        seccion = str(texto)[:1].isdigit()
        historia.append(Spacer(1, 0.4 * cm))
        # Un título necesita lugar para sí y unas filas: si no queda, empieza en la página siguiente
        # (keepWithNext del estilo lo une además con lo que sigue).
        historia.append(CondPageBreak(3.5 * cm))
        historia.append(titulo(str(texto), est["Heading2" if seccion else "Heading3"], 0 if seccion else 1))
        if numero == 2:
            historia.extend(_mapa_departamentos(datos["operacion"]["por_departamento"], est))
        if numero == 6 and datos.get("series"):
            historia.extend(_graficos(datos["series"], est))
            historia.append(titulo(_("Tendencias de los últimos doce meses (tabla de datos)"), est["Heading4"], 1))
        if not filas:
            historia.append(_parrafo(_("Sin datos en el periodo."), est["BodyText"]))
            continue
        if len(filas) > FILAS_PDF:
            total = len(filas)
            filas, por_avance = _resumir(filas, cabeza)
            aviso = (_("Se muestran las %(n)s filas de menor avance de %(t)s; las %(t)s están en la hoja «%(h)s» del "
                       "XLSX «%(x)s».") if por_avance else
                     _("Se muestran las primeras %(n)s filas de %(t)s; las %(t)s están en la hoja «%(h)s» del XLSX "
                       "«%(x)s»."))
            historia.append(_parrafo(aviso % {"n": FILAS_PDF, "t": _f(total), "h": _hoja(numero, texto), "x": xlsx},
                                     est["BodyText"]))
        contenido = [[_parrafo(c, cabeza_celda) for c in cabeza]] + [[_celda_pdf(c, celda) for c in f] for f in filas]
        tabla = LongTable(contenido, repeatRows=1)
        tabla.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe8f5")), ("FONTNAME", (0, 0), (-1, -1), FAMILIA),
            ("FONTSIZE", (0, 1), (-1, -1), celda.fontSize), ("LEADING", (0, 1), (-1, -1), celda.leading),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        historia.append(tabla)
    doc.construir(historia)
    return salida.getvalue()


def _celda(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    if valor is None or isinstance(valor, (int, float, str, date)):
        return valor
    return str(valor)  # textos traducibles perezosos y otros objetos


HOJAS_XLSX = ["Resumen", "Entidades", "Departamentos", "Indicadores", "Percepcion", "Capacidades", "Tendencias",
              "Por entidad territorial", "Por dependencia", "Por producto", "Por departamento", "Por region",
              "Por estrategia", "Por asesor"]


def _hoja(numero: int, titulo) -> str:
    """Nombre de la hoja del XLSX que trae la tabla número `numero` de `tablas` (lo cita el PDF)."""
    return HOJAS_XLSX[numero] if numero < len(HOJAS_XLSX) else str(titulo)


def generar_xlsx(datos: dict) -> bytes:
    """Una hoja por tabla: título y periodo arriba, encabezado en negrita con filtro y fijo al desplazarse,
    anchos de columna según el contenido (ver att.exportacion.libro_xlsx)."""
    return libro_xlsx([
        (nombre, [[str(titulo)], [str(datos["nombre_periodo"]), str(datos["titulo_alcance"])]],
         [str(c) for c in cabeza], [[_celda(c) for c in f] for f in filas])
        for nombre, (titulo, cabeza, filas) in zip(HOJAS_XLSX, tablas(datos))
    ])


def clave_informe(tipo: str, periodo: date, alcance: str) -> int:
    """Clave del candado consultivo de un informe: una generación a la vez por tipo, periodo y alcance."""
    return clave_bloqueo("seguimiento.informe", tipo, f"{periodo:%Y-%m}", alcance)


def _base(tipo: str, periodo: date, alcance: str) -> str:
    return f"informe-{tipo}-{periodo:%Y-%m}-{alcance}"


def _pausa_de_pruebas() -> None:
    # Solo para las pruebas de integración (matar un worker a mitad de informe); en producción es 0.
    segundos = getattr(settings, "ATT_INFORME_PAUSA_PRUEBAS_S", 0)
    if segundos:
        time.sleep(segundos)


def generar(*, tipo: str = TipoInforme.MENSUAL, periodo: date, alcance: str = "nacional",
            progreso: Callable[[int], None] | None = None, solicitado_en: datetime | None = None) -> InformeMensual:
    """Produce (o reemplaza) el informe del periodo y alcance, con su progreso visible.

    Seguro de correr dos veces:
    - Dos generaciones a la vez del mismo informe: la segunda no hace nada y devuelve la fila como
      está, con `omitido = True` (candado consultivo por tipo, periodo y alcance).
    - Una segunda generación después de terminar la primera produce una versión nueva que
      reemplaza la anterior (regenerar es pedir datos frescos). Con `solicitado_en` (cuándo se
      pidió), no hace nada (`omitido = True`) si el informe ya se generó después de ese momento: un
      mensaje entregado otra vez (o el original que llega tras un relanzamiento) no genera dos veces.
      Si la fila está «en cola», alguien lo pidió después de esa generación, y se genera.
    - Los archivos nuevos se escriben con nombre único y la fila pasa a apuntarlos en un solo
      UPDATE; los anteriores se borran después del commit. Mientras tanto se sigue descargando la
      última versión buena, y si la generación falla, esa versión se conserva.
    """
    with candado(clave_informe(tipo, periodo, alcance)) as propio:
        if not propio:
            informe, _c = InformeMensual.objects.get_or_create(tipo=tipo, periodo=periodo, alcance=alcance)
            informe.omitido = True
            log.info("Informe %s ya se está generando en otro proceso; se omite.", informe)
            return informe
        if solicitado_en is not None:
            informe = InformeMensual.objects.filter(tipo=tipo, periodo=periodo, alcance=alcance).first()
            if (informe is not None and informe.generado_en is not None and informe.generado_en >= solicitado_en
                    and informe.estado != EstadoInforme.PENDIENTE):
                informe.omitido = True
                log.info("Informe %s ya se generó (%s) después de pedirse (%s); se omite.",
                         informe, informe.generado_en, solicitado_en)
                return informe
        try:
            verificar_regenerable(tipo, periodo, alcance)
        except ValidationError:  # pedido antes del cierre y entregado después: el emitido queda
            informe = InformeMensual.objects.get(tipo=tipo, periodo=periodo, alcance=alcance)
            if informe.estado != EstadoInforme.LISTO:
                informe.estado, informe.progreso = EstadoInforme.LISTO, 100
                informe.save(update_fields=["estado", "progreso", "actualizado"])
            informe.omitido = True
            log.info("Informe %s: su periodo está cerrado; se conserva el emitido.", informe)
            return informe
        try:
            informe = _generar_con_candado(tipo, periodo, alcance, progreso)
        except Exception as exc:
            try:
                marcar_fallido(tipo=tipo, periodo=periodo, alcance=alcance, error=f"{type(exc).__name__}: {exc}")
            except DatabaseError:
                log.exception("No se pudo marcar como fallido el informe %s %s %s", tipo, periodo, alcance)
            raise
    informe.omitido = False
    return informe


def verificar_regenerable(tipo: str, periodo: date, alcance: str = "nacional") -> None:
    """Un informe se regenera hasta que su mes se cierra (`indicadores.CierrePeriodo`); después, el
    informe emitido (versión ≥ 1) es el registro y pedirlo otra vez es un error en español. Si el mes
    se cerró sin informe emitido, el primero todavía se genera."""
    if periodo_cerrado(periodo) and InformeMensual.objects.filter(
            tipo=tipo, periodo=periodo, alcance=alcance, version__gt=0).exists():
        raise ValidationError(
            _("El periodo %(p)s está cerrado: el informe emitido es el registro y ya no se regenera.")
            % {"p": periodo.strftime("%Y-%m")}, code="periodo_cerrado")


def _generar_con_candado(tipo: str, periodo: date, alcance: str,
                         progreso: Callable[[int], None] | None) -> InformeMensual:
    with transaction.atomic():
        informe, _c = InformeMensual.objects.select_for_update().get_or_create(
            tipo=tipo, periodo=periodo, alcance=alcance
        )
        informe.estado, informe.progreso, informe.error = EstadoInforme.GENERANDO, 5, ""
        informe.intentos += 1
        informe.save(update_fields=["estado", "progreso", "error", "intentos", "actualizado"])
    _borrar_huerfanos(informe)

    def avanzar(p: int):
        # El latido (`actualizado`) le dice a revisar_atascados que este proceso sigue vivo.
        InformeMensual.objects.filter(pk=informe.pk).update(progreso=p, actualizado=timezone.now())
        if progreso:
            progreso(p)
        _pausa_de_pruebas()

    _pausa_de_pruebas()
    datos = datos_informe(tipo, periodo, alcance)
    avanzar(40)
    pdf = generar_pdf(datos)
    avanzar(70)
    xlsx = generar_xlsx(datos)
    avanzar(90)
    version = InformeMensual.objects.values_list("version", flat=True).get(pk=informe.pk) + 1
    nuevos = _guardar_version(informe, version, pdf=pdf, xlsx=xlsx)
    t = datos["operacion"]["total"]
    resumen = {
        "avance": str(t["avance"]) if t["avance"] is not None else None, "lineas": t["lineas"],
        "al_dia": t["al_dia"], "en_riesgo": t["en_riesgo"], "atrasado": t["atrasado"],
        "percepciones": datos["calidad"]["n"], "insatisfechas": datos["calidad"]["insatisfechas"],
    }
    almacen = informe.pdf.storage
    try:
        with transaction.atomic():
            anteriores = InformeMensual.objects.select_for_update().values_list("pdf", "xlsx").get(pk=informe.pk)
            ahora = timezone.now()
            InformeMensual.objects.filter(pk=informe.pk).update(
                pdf=nuevos[0], xlsx=nuevos[1], version=version, resumen=resumen, estado=EstadoInforme.LISTO,
                progreso=100, error="", generado_en=ahora, actualizado=ahora, relanzamientos=0,
            )
            viejos = [n for n in anteriores if n and n not in nuevos]
            transaction.on_commit(lambda: _borrar(almacen, viejos))
    except Exception:
        _borrar(almacen, nuevos)  # la fila sigue apuntando a la versión anterior
        raise
    informe.refresh_from_db()
    _avisar_suscriptores(informe, datos)
    return informe


def _guardar_version(informe: InformeMensual, version: int, *, pdf: bytes, xlsx: bytes) -> list[str]:
    """Escribe los archivos de la versión con nombres que nadie más usa: hasta que la fila los apunte
    son invisibles, y el cambio de nombres en la fila hace las veces del «rename» atómico."""
    base = f"{_base(informe.tipo, informe.periodo, informe.alcance)}-v{version}-{uuid.uuid4().hex[:8]}"
    nombres = []
    try:
        for campo, contenido, ext in ((informe.pdf, pdf, "pdf"), (informe.xlsx, xlsx, "xlsx")):
            destino = campo.field.generate_filename(informe, f"{base}.{ext}")
            nombres.append(campo.storage.save(destino, ContentFile(contenido), max_length=campo.field.max_length))
    except Exception:
        _borrar(informe.pdf.storage, nombres)
        raise
    return nombres


def _borrar(almacen, nombres) -> None:
    for nombre in nombres:
        try:
            almacen.delete(nombre)
        except OSError:
            log.warning("No se pudo borrar el archivo de informe %s", nombre, exc_info=True)


def _borrar_huerfanos(informe: InformeMensual) -> None:
    """Borra versiones de este informe que ninguna fila apunta (un proceso que murió entre escribir
    los archivos y cambiar la fila). Solo se llama con el candado del informe tomado."""
    almacen = informe.pdf.storage
    carpeta = posixpath.dirname(informe.pdf.field.generate_filename(informe, "x"))
    prefijo = f"{_base(informe.tipo, informe.periodo, informe.alcance)}-v"
    try:
        _carpetas, archivos = almacen.listdir(carpeta)
    except (FileNotFoundError, NotImplementedError):
        return
    vigentes = {informe.pdf.name, informe.xlsx.name}
    _borrar(almacen, [f"{carpeta}/{a}" for a in archivos if a.startswith(prefijo) and f"{carpeta}/{a}" not in vigentes])


def _avisar_suscriptores(informe: InformeMensual, datos: dict) -> None:
    from att.notificaciones import notificar

    usuarios = [s.usuario for s in SuscripcionInforme.objects.filter(
        alcance=informe.alcance, activa=True, usuario__is_active=True).select_related("usuario")]
    if not usuarios:
        return
    notificar(
        usuarios=usuarios, categoria="seguimiento", puede_ver=lambda u: u.has_perm("seguimiento.ver"),
        titulo=_("Informe de seguimiento listo: %(p)s (%(a)s)") % {"p": datos["nombre_periodo"], "a": datos["titulo_alcance"]},
        mensaje=_("Descárguelo en PDF o XLSX desde la página de informes."),
        url="/seguimiento/informes/", clave=f"informe-{informe.pk}-v{informe.version}",
    )


def marcar_fallido(*, tipo: str, periodo: date, alcance: str, error: str) -> None:
    """Deja el informe como fallido con el error; la última versión buena (si la hay) se sigue descargando."""
    InformeMensual.objects.filter(tipo=tipo, periodo=periodo, alcance=alcance).update(
        estado=EstadoInforme.FALLIDO, error=recortar(error, InformeMensual._meta.get_field("error").max_length),
        actualizado=timezone.now(),
    )


def revisar_atascados(*, ahora: datetime | None = None) -> dict:
    """Encuentra informes «generándose» cuyo latido se quedó viejo y cuyo candado está libre (el
    proceso que los generaba murió) y los relanza, hasta ATT_INFORME_RELANZAMIENTOS_MAX veces; después
    los marca como fallidos. Si el candado está tomado, el proceso sigue vivo y no se toca."""
    ahora = ahora or timezone.now()
    sin_latido = timedelta(minutes=settings.ATT_INFORME_ATASCADO_MIN)
    maximo = settings.ATT_INFORME_RELANZAMIENTOS_MAX
    candidatos = InformeMensual.objects.filter(
        Q(estado=EstadoInforme.GENERANDO, actualizado__lt=ahora - sin_latido)
        # Un relanzamiento que sigue en cola puede estar esperando detrás de tareas largas: solo se da
        # por perdido (el mensaje no llegó) pasado el visibility_timeout del broker, cuando Redis ya
        # habría devuelto a la cola un mensaje tomado y no confirmado.
        | Q(estado=EstadoInforme.PENDIENTE, relanzamientos__gt=0,
            actualizado__lt=ahora - max(sin_latido, timedelta(seconds=settings.ATT_VISIBILITY_TIMEOUT_S)))
    )
    resultado = {"relanzados": 0, "fallidos": 0, "vivos": 0}
    relanzar = []
    for informe in candidatos.order_by("pk")[:200]:
        with candado(clave_informe(informe.tipo, informe.periodo, informe.alcance)) as libre:
            if not libre:
                resultado["vivos"] += 1
                continue
            mismo = InformeMensual.objects.filter(pk=informe.pk, estado=informe.estado, actualizado=informe.actualizado)
            if informe.relanzamientos >= maximo:
                error = _("La generación se interrumpió %(n)s veces sin terminar (el proceso se detuvo). "
                          "Se conserva la versión anterior; revise el worker de Celery y vuelva a generarlo.") % {
                    "n": informe.relanzamientos + 1}
                if mismo.update(estado=EstadoInforme.FALLIDO, error=error, relanzamientos=0, actualizado=ahora):
                    resultado["fallidos"] += 1
                continue
            if mismo.update(estado=EstadoInforme.PENDIENTE, progreso=0, actualizado=ahora,
                            relanzamientos=F("relanzamientos") + 1):
                relanzar.append(informe)
    for informe in relanzar:  # ya sin el candado: la tarea relanzada lo toma
        _relanzar(informe)
        resultado["relanzados"] += 1
    return resultado


def _relanzar(informe: InformeMensual) -> None:
    from att.salida import encolar

    tarea = ("seguimiento.generar_corte_semestral" if informe.tipo == TipoInforme.SEMESTRAL
             else "seguimiento.generar_informe_mensual")
    log.warning("Informe %s atascado: se relanza (relanzamiento %s).", informe, informe.relanzamientos + 1)
    periodo = f"{informe.periodo:%Y-%m}"
    # La misma clave que usan la página, el admin y el comando: si ya hay un pedido sin publicar, es ese.
    encolar(tarea, periodo, informe.alcance, clave=f"{tarea}:{periodo}:{informe.alcance}",
            solicitado_en=timezone.now().isoformat())
