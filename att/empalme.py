"""Informe de empalme de una entidad territorial (PDF y XLSX) para la administración que llega.

Se arma con lo que aportan las secciones registradas del perfil (`att.perfil.Seccion.empalme`): asistencia
recibida por periodo de gobierno, rutas y su estado, diagnósticos y su cambio, compromisos aún abiertos,
calificaciones dadas, prácticas y lecciones, contactos de los oferentes… cada app el suyo. `att` no sabe
qué hojas hay.

Lo genera la tarea `att.generar_empalme` (pedida por `att.services.pedir_informe_empalme` a la bandeja
de salida). Seguro de correr dos veces:
- candado consultivo por entidad: dos generaciones a la vez, la segunda no hace nada;
- con `solicitado_en`: si el informe ya se generó después de ese pedido, no se regenera (una tarea
  reentregada no produce otra versión);
- los archivos nuevos se escriben con nombre único y la fila pasa a apuntarlos en un solo UPDATE; los
  anteriores se borran tras el commit. Si falla, la versión anterior se sigue descargando.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att import perfil
from att.bloqueos import candado, clave_bloqueo
from att.exportacion import libro_xlsx
from att.models import Entidad, EstadoEmpalme, InformeEmpalme

log = logging.getLogger(__name__)

FILAS_PDF = 300  # por hoja (las más recientes: cada sección ordena así); el XLSX las trae todas y el PDF dice en qué
# hoja de qué archivo. Con 2.000, el PDF de La Guajira a escala 1000 (4.103 filas) tardaba 14 s de los 20 s del informe.
CELDA_CORTA = 40


def _texto(valor) -> str:
    if valor is None:
        return "—"
    if isinstance(valor, bool):
        return _("Sí") if valor else _("No")
    if isinstance(valor, datetime):
        return timezone.localtime(valor).strftime("%d/%m/%Y") if timezone.is_aware(valor) else valor.strftime("%d/%m/%Y")
    if isinstance(valor, date):
        return valor.strftime("%d/%m/%Y")
    if isinstance(valor, Decimal):
        return f"{valor:.1f}".replace(".", ",")
    return str(valor)


def _nombre_hoja(titulo: str, usados: set) -> str:
    """Nombre de hoja de Excel: 31 caracteres, sin []:*?/\\ y único."""
    limpio = "".join(c for c in str(titulo) if c not in "[]:*?/\\")[:31] or "Hoja"
    nombre, n = limpio, 2
    while nombre.lower() in usados:
        sufijo = f" ({n})"
        nombre, n = limpio[: 31 - len(sufijo)] + sufijo, n + 1
    usados.add(nombre.lower())
    return nombre


def nombre_archivo(entidad: Entidad, version: int, formato: str) -> str:
    """Nombre con que se descarga el PDF o el XLSX (la descarga y el PDF al citar el XLSX)."""
    return f"empalme-{perfil.codigo_de(entidad)}-v{version}.{formato}"


def titulo_informe(entidad: Entidad) -> str:
    return _("Informe de empalme: %(e)s") % {"e": entidad.nombre}


def _nombres_hojas(hojas: list) -> list[str]:
    usados: set = set()
    return [_nombre_hoja(nombre, usados) for nombre, _cabeza, _filas in hojas]


def generar_xlsx(entidad: Entidad, hojas: list) -> bytes:
    preambulo = [[titulo_informe(entidad)], [_("Generado el %(f)s") % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M")}]]
    return libro_xlsx([
        (hoja, [*preambulo, [str(nombre)]], cabeza, filas)
        for hoja, (nombre, cabeza, filas) in zip(_nombres_hojas(hojas), hojas)
    ])


def generar_pdf(entidad: Entidad, hojas: list, *, xlsx: str = "") -> bytes:
    """El informe en PDF; `xlsx` es el nombre del XLSX que trae todas las filas (lo cita el PDF)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, LongTable, Paragraph, Spacer, TableStyle

    from att.pdf import FAMILIA, NEGRITA, documento, estilos, titulo

    salida = io.BytesIO()
    nombre = titulo_informe(entidad)
    xlsx = f"«{xlsx}»" if xlsx else _("de este informe")
    doc = documento(salida, pagesize=landscape(A4), titulo_doc=nombre,
                    asunto=_("Lo que recibe una administración nueva: asistencia técnica, rutas, compromisos y contactos"),
                    pie=nombre)
    est = estilos()
    celda = est["BodyText"].clone("celda", fontSize=7.5, leading=9)
    cabeza_celda = celda.clone("cabeza_celda", fontName=NEGRITA)

    def parrafo(texto, estilo):
        return Paragraph(escape(str(texto)), estilo)

    historia = [
        parrafo(nombre, est["Title"]),
        parrafo(_("Generado el %(f)s. Toda la asistencia técnica que la entidad recibió queda aquí, aunque cambien "
                  "sus funcionarios o su gobierno.") % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
                est["BodyText"]),
        parrafo(_("Los datos completos, con todas las filas de cada tabla, están en el XLSX %(x)s (una hoja por "
                  "tabla), que se descarga junto a este PDF.") % {"x": xlsx}, est["BodyText"]),
    ]
    for hoja, (texto, cabeza, filas) in zip(_nombres_hojas(hojas), hojas):
        historia += [Spacer(1, 0.4 * cm), CondPageBreak(3.5 * cm), titulo(escape(str(texto)), est["Heading2"], 0)]
        if not filas:
            historia.append(parrafo(_("Sin registros."), est["BodyText"]))
            continue
        if len(filas) > FILAS_PDF:
            historia.append(parrafo(_("Se muestran las primeras %(n)s de %(t)s filas; las %(t)s están en la hoja "
                                      "«%(h)s» del XLSX %(x)s.")
                                    % {"n": FILAS_PDF, "t": len(filas), "h": hoja, "x": xlsx}, est["BodyText"]))
        contenido = [[parrafo(c, cabeza_celda) for c in cabeza]]
        for fila in filas[:FILAS_PDF]:
            textos = [_texto(c) for c in fila]
            contenido.append([t if len(t) <= CELDA_CORTA and "\n" not in t else parrafo(t, celda) for t in textos])
        tabla = LongTable(contenido, repeatRows=1)
        tabla.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe8f5")), ("FONTNAME", (0, 0), (-1, -1), FAMILIA),
            ("FONTSIZE", (0, 1), (-1, -1), celda.fontSize), ("LEADING", (0, 1), (-1, -1), celda.leading),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        historia.append(tabla)
    doc.construir(historia)
    return salida.getvalue()


def generar(entidad_id: int, *, solicitado_en: datetime | None = None) -> InformeEmpalme | None:
    """Genera (o reemplaza) el informe de empalme de la entidad. Devuelve la fila, con `omitido = True`
    si no hizo nada (otro proceso lo está generando, o ya se generó después del pedido)."""
    with candado(clave_bloqueo("att.empalme", entidad_id)) as propio:
        informe, _c = InformeEmpalme.objects.get_or_create(entidad_id=entidad_id)
        if not propio or (solicitado_en is not None and informe.generado_en is not None
                          and informe.generado_en >= solicitado_en):
            informe.omitido = True
            return informe
        InformeEmpalme.objects.filter(pk=informe.pk).update(estado=EstadoEmpalme.GENERANDO, error="",
                                                            actualizado=timezone.now())
        try:
            entidad = Entidad.objects.select_related("departamento", "municipio").get(pk=entidad_id)
            hojas = perfil.hojas_empalme(entidad)
            version = informe.version + 1
            contenidos = {"pdf": generar_pdf(entidad, hojas, xlsx=nombre_archivo(entidad, version, "xlsx")),
                          "xlsx": generar_xlsx(entidad, hojas)}
            base = f"empalme-{entidad_id}-v{version}-{uuid.uuid4().hex[:8]}"
            nuevos = {}
            for formato, contenido in contenidos.items():
                campo = getattr(informe, formato)
                destino = campo.field.generate_filename(informe, f"{base}.{formato}")
                nuevos[formato] = campo.storage.save(destino, ContentFile(contenido), max_length=campo.field.max_length)
            almacen = informe.pdf.storage
            with transaction.atomic():
                anteriores = InformeEmpalme.objects.select_for_update().values_list("pdf", "xlsx").get(pk=informe.pk)
                ahora = timezone.now()
                InformeEmpalme.objects.filter(pk=informe.pk).update(
                    pdf=nuevos["pdf"], xlsx=nuevos["xlsx"], version=version, estado=EstadoEmpalme.LISTO,
                    generado_en=ahora, actualizado=ahora, error="")
                viejos = [n for n in anteriores if n and n not in nuevos.values()]
                transaction.on_commit(lambda: [almacen.delete(n) for n in viejos])
        except Exception as exc:
            log.exception("Falló el informe de empalme de la entidad %s", entidad_id)
            InformeEmpalme.objects.filter(pk=informe.pk).update(
                estado=EstadoEmpalme.FALLIDO, error=f"{type(exc).__name__}: {exc}"[:500], actualizado=timezone.now())
            raise
    informe.refresh_from_db()
    informe.omitido = False
    return informe
