"""Informe consolidado de un corte del PAS (PDF con `att.pdf`, XLSX con `att.exportacion`): por
estrategia y objetivo, por entidad y por acción; avance ponderado del plan (con la regla del peso) y
ejecución presupuestal (suma de los reportes aprobados) frente a las Tablas 2 y 3.

`generar(corte)` es seguro de correr dos veces: un candado consultivo por corte hace que una segunda
generación simultánea no haga nada; con `solicitado_en`, un pedido ya atendido (el informe se generó
después) no se repite; un corte cerrado cuyo informe ya se emitió después del cierre no se regenera.
Los archivos nuevos se escriben con nombre único y la fila pasa a apuntarlos en un UPDATE; los
anteriores se borran al confirmar.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att.bloqueos import candado, clave_bloqueo
from att.exportacion import libro_xlsx
from att.validadores import recortar
from pas import selectors
from pas.models import CorteSemestral, EstadoInforme, InformeCorte

log = logging.getLogger(__name__)
# El PDF muestra a lo sumo estas acciones (las de menor avance) y dice en qué hoja de qué XLSX están
# todas; el XLSX nunca se recorta.
FILAS_PDF_ACCIONES = 400


def nombre_archivo(corte: CorteSemestral, version: int, formato: str) -> str:
    """Nombre con que se descarga el PDF o el XLSX del informe (la descarga y el PDF al citar el XLSX)."""
    return f"pas-corte-{corte.numero}-v{version}.{formato}"


def _n(valor, lugares=1) -> str:
    if valor is None:
        return "—"
    texto = f"{Decimal(valor):,.{lugares}f}"
    return texto.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def tablas(datos: dict) -> list[tuple[str, str, list[str], list[list]]]:
    """(hoja, título, encabezado, filas) de cada sección: comunes al PDF y al XLSX."""
    t = datos["totales"]
    return [
        ("Resumen", _("Resumen del corte"), [_("Concepto"), _("Valor")], [
            [_("Avance ponderado del plan (%)"), datos["avance_plan"]],
            [_("Comprometido en el corte, reportes aprobados (millones COP)"), t["comprometido"]],
            [_("Pagado en el corte, reportes aprobados (millones COP)"), t["pagado"]],
            [_("Comprometido acumulado hasta el corte (millones COP)"), t["acumulado_comprometido"]],
            [_("Pagado acumulado hasta el corte (millones COP)"), t["acumulado_pagado"]],
            [_("Programado del año %(a)s, Tabla 3 (millones COP)") % {"a": datos["anio"]}, t["programado_anio"]],
            [_("Costo total de la política, Tabla 3 (millones COP)"), t["programado_total"]],
        ]),
        ("Estrategias", _("Por estrategia y objetivo específico"),
         [_("Objetivo"), _("Estrategia"), _("Acciones"), _("Avance ponderado (%)"), _("Comprometido"),
          _("Pagado"), _("Programado del año (Tabla 3)"), _("Pagado acumulado"), _("Programado 2022–2026 (Tabla 3)")],
         [[f["codigo"], f["estrategia"], f["acciones"], f["avance"], f["comprometido"], f["pagado"],
           f["programado_anio"], f["acumulado_pagado"], f["programado_total"]] for f in datos["por_objetivo"]]),
        ("Entidades", _("Por entidad responsable"),
         [_("Entidad"), _("Acciones"), _("Reportadas"), _("Aprobadas"), _("Avance ponderado (%)"), _("Comprometido"),
          _("Pagado"), _("Pagado acumulado"), _("Costo total (Tabla 2)")],
         [[f["entidad"], f["acciones"], f["reportadas"], f["aprobadas"], f["avance"], f["comprometido"], f["pagado"],
           f["acumulado_pagado"], f["tabla2"]] for f in datos["por_entidad"]]),
        ("Acciones", _("Por acción"),
         [_("Código"), _("Acción"), _("Objetivo"), _("Entidad"), _("Peso (%)"), _("Estado del reporte"),
          _("Avance (%)"), _("Comprometido"), _("Pagado")],
         [[f["codigo"], f["texto"], f["objetivo"], f["entidad"], f["peso"], str(f["estado_texto"]), f["avance"],
           f["comprometido"], f["pagado"]] for f in datos["acciones"]]),
    ]


def _celda(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    return valor if valor is None or isinstance(valor, (int, float, str)) else str(valor)


def generar_xlsx(datos: dict) -> bytes:
    corte = datos["corte"]
    return libro_xlsx([
        (hoja, [[str(titulo)], [f"{corte.nombre} ({corte.fecha_corte:%d/%m/%Y})", str(datos["regla"])]],
         [str(c) for c in cabeza], [[_celda(c) for c in f] for f in filas])
        for hoja, titulo, cabeza, filas in tablas(datos)
    ])


def generar_pdf(datos: dict, *, xlsx: str = "") -> bytes:
    """El informe en PDF; `xlsx` es el nombre del XLSX que trae todas las filas (lo cita el PDF)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, LongTable, Paragraph, Spacer, TableStyle

    from att.pdf import FAMILIA, NEGRITA, documento, estilos, titulo

    corte = datos["corte"]
    xlsx = f"«{xlsx}»" if xlsx else _("de este informe")
    salida = io.BytesIO()
    nombre = _("Informe consolidado del Plan de Acción y Seguimiento (PAS) – CONPES 4091")
    doc = documento(salida, pagesize=landscape(A4), titulo_doc=f"{nombre} – {corte.nombre}",
                    asunto=_("Avance físico y ejecución presupuestal por estrategia, objetivo y entidad (003 §5.4–§5.5)"),
                    pie=f"PAS · {corte.nombre} ({corte.fecha_corte:%d/%m/%Y})")
    est = estilos()
    celda = est["BodyText"].clone("celda_pas", fontSize=7.5, leading=9)
    cabeza_celda = celda.clone("cabeza_pas", fontName=NEGRITA)

    def p(texto, estilo):
        return Paragraph(escape(str(texto)), estilo)

    historia = [
        p(nombre, est["Title"]),
        p(f"{corte.nombre} · {_('fecha de corte')} {corte.fecha_corte:%d/%m/%Y}"
          + (f" · {_('cerrado')}" if corte.cerrado else f" · {_('abierto (preliminar)')}"), est["Heading2"]),
        p(_("Generado el %(f)s. Cifras en millones de pesos; el presupuesto es la suma de los reportes aprobados por "
            "el DNP.") % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M")}, est["BodyText"]),
        p(_("Los datos completos, con todas las filas de cada tabla, están en el XLSX %(x)s (una hoja por tabla), "
            "que se descarga junto a este PDF en la página del corte.") % {"x": xlsx}, est["BodyText"]),
        p(datos["regla"], est["BodyText"]),
    ]
    for hoja, texto, cabeza, filas in tablas(datos):
        historia += [Spacer(1, 0.4 * cm), CondPageBreak(3.5 * cm), titulo(escape(str(texto)), est["Heading2"], 0)]
        if not filas:
            historia.append(p(_("Sin datos en el corte."), est["BodyText"]))
            continue
        if hoja == "Acciones" and len(filas) > FILAS_PDF_ACCIONES:
            historia.append(p(_("Se muestran las %(n)s acciones de menor avance de %(t)s; las %(t)s están en la hoja "
                                "«%(h)s» del XLSX %(x)s.")
                              % {"n": FILAS_PDF_ACCIONES, "t": len(filas), "h": hoja, "x": xlsx}, est["BodyText"]))
            filas = sorted(filas, key=lambda f: f[6] or 0)[:FILAS_PDF_ACCIONES]
        contenido = [[p(c, cabeza_celda) for c in cabeza]] + [
            [p(_n(c) if isinstance(c, Decimal) else ("—" if c is None else c), celda) for c in f] for f in filas]
        tabla = LongTable(contenido, repeatRows=1)
        tabla.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe8f5")), ("FONTNAME", (0, 0), (-1, -1), FAMILIA),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        historia.append(tabla)
    doc.construir(historia)
    return salida.getvalue()


def _resumen(datos: dict) -> dict:
    t = datos["totales"]
    return {"avance_plan": None if datos["avance_plan"] is None else str(datos["avance_plan"]),
            **{k: str(v) for k, v in t.items()}, "acciones": len(datos["acciones"])}


def generar(*, corte: CorteSemestral, solicitado_en: datetime | None = None) -> InformeCorte:
    """Genera (o reemplaza) el informe del corte. Idempotente (ver el docstring del módulo)."""
    with candado(clave_bloqueo("pas.informe", corte.pk)) as propio:
        informe, _c = InformeCorte.objects.get_or_create(corte=corte)
        if not propio:
            informe.omitido = True
            return informe
        corte.refresh_from_db()
        if informe.generado_en and (
                (solicitado_en is not None and informe.generado_en >= solicitado_en
                 and informe.estado == EstadoInforme.LISTO)
                or (corte.cerrado_en and informe.generado_en >= corte.cerrado_en)):
            informe.omitido = True
            return informe
        InformeCorte.objects.filter(pk=informe.pk).update(estado=EstadoInforme.GENERANDO, actualizado=timezone.now())
        version = informe.version + 1
        try:
            datos = selectors.consolidado(corte)
            pdf = generar_pdf(datos, xlsx=nombre_archivo(corte, version, "xlsx"))
            xlsx = generar_xlsx(datos)
        except Exception as exc:
            InformeCorte.objects.filter(pk=informe.pk).update(
                estado=EstadoInforme.FALLIDO, error=recortar(f"{type(exc).__name__}: {exc}"), actualizado=timezone.now())
            raise
        base = f"pas-corte-{corte.numero}-v{version}-{uuid.uuid4().hex[:8]}"
        almacen = informe.pdf.storage
        nuevos = [almacen.save(informe.pdf.field.generate_filename(informe, f"{base}.{ext}"), ContentFile(contenido))
                  for ext, contenido in (("pdf", pdf), ("xlsx", xlsx))]
        viejos = [n for n in (informe.pdf.name, informe.xlsx.name) if n]
        with transaction.atomic():
            ahora = timezone.now()
            InformeCorte.objects.filter(pk=informe.pk).update(
                pdf=nuevos[0], xlsx=nuevos[1], version=version, resumen=_resumen(datos), estado=EstadoInforme.LISTO,
                error="", generado_en=ahora, actualizado=ahora)
            transaction.on_commit(lambda: [almacen.delete(n) for n in viejos if almacen.exists(n)])
    informe.refresh_from_db()
    informe.omitido = False
    return informe
