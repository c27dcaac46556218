"""Certificado de asistencia en PDF (reportlab), generado en el servidor, y su código de verificación.

El código (10 caracteres al azar de un alfabeto sin 0/O ni 1/I: 50 bits) se asigna al registrar la
asistencia y se guarda en la inscripción; el certificado lo imprime con la dirección de la página
pública que lo verifica (`conocimiento:verificar_certificado`), que muestra solo curso, persona y fecha.
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
from reportlab.pdfgen import canvas


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


def certificado_asistencia(inscripcion) -> bytes:
    sesion = inscripcion.sesion
    curso = sesion.curso
    ancho, alto = landscape(A4)
    buffer = BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4))
    c.setTitle(_("Certificado de asistencia"))
    c.setAuthor(_("Departamento Nacional de Planeación – Asistencia Técnica Territorial"))
    c.setLineWidth(3)
    c.rect(1.5 * cm, 1.5 * cm, ancho - 3 * cm, alto - 3 * cm)
    c.setFont("Helvetica-Bold", 26)
    c.drawCentredString(ancho / 2, alto - 4.5 * cm, _("Certificado de asistencia"))
    c.setFont("Helvetica", 14)
    c.drawCentredString(ancho / 2, alto - 6.5 * cm, _("La plataforma de Asistencia Técnica Territorial certifica que"))
    c.setFont("Helvetica-Bold", 20)
    c.drawCentredString(ancho / 2, alto - 8.2 * cm, str(inscripcion.usuario.nombre or inscripcion.usuario.email))
    c.setFont("Helvetica", 14)
    if inscripcion.entidad_id:
        c.drawCentredString(ancho / 2, alto - 9.3 * cm, str(inscripcion.entidad.nombre))
    c.drawCentredString(ancho / 2, alto - 10.8 * cm, _("asistió al curso"))
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(ancho / 2, alto - 12 * cm, curso.nombre[:90])
    c.setFont("Helvetica", 12)
    fecha = timezone.localtime(sesion.inicio).strftime("%Y-%m-%d")
    c.drawCentredString(
        ancho / 2, alto - 13.3 * cm,
        _("Sesión %(modalidad)s del %(fecha)s · intensidad de %(horas)s horas · ofrecido por %(entidad)s") % {
            "modalidad": sesion.get_modalidad_display().lower(), "fecha": fecha, "horas": curso.horas,
            "entidad": curso.entidad.nombre,
        },
    )
    c.setFont("Helvetica", 9)
    c.drawString(2.2 * cm, 2.8 * cm, _("Código de verificación: %(codigo)s · expedido el %(hoy)s") % {
        "codigo": codigo_legible(inscripcion.codigo_certificado), "hoy": timezone.localdate().isoformat()})
    c.drawString(2.2 * cm, 2.2 * cm, _("Verifíquelo en %(url)s") % {
        "url": url_verificacion(inscripcion.codigo_certificado)})
    c.showPage()
    c.save()
    return buffer.getvalue()
