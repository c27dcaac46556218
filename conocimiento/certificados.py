"""Certificado de asistencia en PDF (reportlab), generado en el servidor."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas


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
    c.drawString(2.2 * cm, 2.2 * cm, _("Código de verificación: ATT-%(i)06d · expedido el %(hoy)s") % {
        "i": inscripcion.pk, "hoy": timezone.localdate().isoformat()})
    c.showPage()
    c.save()
    return buffer.getvalue()
