"""Certificado de asistencia en PDF (reportlab), generado en el servidor, y su código de verificación.

El código (10 caracteres al azar de un alfabeto sin 0/O ni 1/I: 50 bits) se asigna al registrar la
asistencia y se guarda en la inscripción; el certificado lo imprime con la dirección de la página
pública que lo verifica (`conocimiento:verificar_certificado`), que muestra solo curso, persona y fecha.

Fuentes DejaVu incrustadas (att/pdf.py), título e idioma es-CO en los metadatos; los textos largos
(nombre del curso, de la persona, de la entidad) se parten entre palabras, nunca a mitad de una.
"""

import re
import secrets
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from att.pdf import FAMILIA, IDIOMA, NEGRITA, registrar_fuentes

ALFABETO = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LARGO = 10


def nuevo_codigo() -> str:
    return "".join(secrets.choice(ALFABETO) for _i in range(LARGO))


def codigo_legible(codigo: str) -> str:
    """«K7QW2M9XHD» → «K7QW2-M9XHD» (como se imprime y se dicta)."""
    return f"{codigo[:5]}-{codigo[5:]}"


def normalizar_codigo(texto: str) -> str:
    """Lo que la persona escribe → el código guardado: en mayúsculas, sin espacios, puntos ni guiones
    y sin el prefijo «ATT» si lo copió del certificado."""
    limpio = re.sub(r"[\s\-–.]", "", (texto or "").upper())
    if len(limpio) == LARGO + 3 and limpio.startswith("ATT"):  # un código puede empezar por «ATT»
        limpio = limpio[3:]
    return limpio[:LARGO * 2]


def url_verificacion(codigo: str) -> str:
    base = settings.ATT_URL_BASE.rstrip("/")
    return f"{base}{reverse('conocimiento:verificar_certificado')}?codigo={codigo_legible(codigo)}"


def _centrado(c, texto: str, fuente: str, tamano: float, y: float, ancho: float, *, max_lineas: int = 3,
              minimo: float = 9) -> float:
    """Escribe `texto` centrado y partido entre palabras (`simpleSplit`) en líneas de `ancho`; si no cabe en
    `max_lineas`, reduce la letra hasta `minimo` (y entonces usa las líneas que necesite). Devuelve la
    altura de la línea base siguiente."""
    while True:
        lineas = simpleSplit(texto, fuente, tamano, ancho)
        if len(lineas) <= max_lineas or tamano <= minimo:
            break
        tamano -= 1
    c.setFont(fuente, tamano)
    interlinea = tamano * 1.25
    for linea in lineas:
        c.drawCentredString(landscape(A4)[0] / 2, y, linea)
        y -= interlinea
    return y


def certificado_asistencia(inscripcion) -> bytes:
    registrar_fuentes()
    sesion = inscripcion.sesion
    curso = sesion.curso
    ancho, alto = landscape(A4)
    util = ancho - 6 * cm
    buffer = BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4), lang=IDIOMA, initialFontName=FAMILIA)
    c.setTitle(_("Certificado de asistencia: %(curso)s") % {"curso": curso.nombre})
    c.setAuthor(_("Departamento Nacional de Planeación – Asistencia Técnica Territorial"))
    c.setSubject(_("Certificado de asistencia a un curso de la Asistencia Técnica Territorial"))
    c.setLineWidth(3)
    c.rect(1.5 * cm, 1.5 * cm, ancho - 3 * cm, alto - 3 * cm)
    c.setFont(NEGRITA, 26)
    c.drawCentredString(ancho / 2, alto - 4.5 * cm, _("Certificado de asistencia"))
    c.setFont(FAMILIA, 14)
    c.drawCentredString(ancho / 2, alto - 6.2 * cm, _("La plataforma de Asistencia Técnica Territorial certifica que"))
    y = _centrado(c, str(inscripcion.usuario.nombre or inscripcion.usuario.email), NEGRITA, 20, alto - 7.6 * cm,
                  util, max_lineas=2)
    if inscripcion.entidad_id:
        y = _centrado(c, str(inscripcion.entidad.nombre), FAMILIA, 14, y - 0.1 * cm, util, max_lineas=2)
    c.setFont(FAMILIA, 14)
    c.drawCentredString(ancho / 2, y - 0.5 * cm, _("asistió al curso"))
    y = _centrado(c, str(curso.nombre), NEGRITA, 16, y - 1.5 * cm, util, max_lineas=3)
    fecha = timezone.localtime(sesion.inicio).strftime("%Y-%m-%d")
    _centrado(
        c, _("Sesión %(modalidad)s del %(fecha)s · intensidad de %(horas)s horas · ofrecido por %(entidad)s") % {
            "modalidad": sesion.get_modalidad_display().lower(), "fecha": fecha, "horas": curso.horas,
            "entidad": curso.entidad.nombre,
        }, FAMILIA, 12, y - 0.3 * cm, util, max_lineas=2,
    )
    c.setFont(FAMILIA, 9)
    c.drawString(2.2 * cm, 2.8 * cm, _("Código de verificación: %(codigo)s · expedido el %(hoy)s") % {
        "codigo": codigo_legible(inscripcion.codigo_certificado), "hoy": timezone.localdate().isoformat()})
    c.drawString(2.2 * cm, 2.2 * cm, _("Verifíquelo en %(url)s") % {
        "url": url_verificacion(inscripcion.codigo_certificado)})
    c.showPage()
    c.save()
    return buffer.getvalue()
