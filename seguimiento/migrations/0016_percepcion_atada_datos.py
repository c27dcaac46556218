"""Ata cada calificación de percepción existente a la asistencia que la ET recibió de verdad.

Desde #12 una calificación es de una asistencia recibida: una línea que alcanzó a la ET, una asesoría o un
evento masivo al que asistió. Las calificaciones ya registradas se conservan tal cual (calificaciones,
comentario, fecha, quién la registró); esta migración solo llena a qué asistencia corresponde:

1. con línea: se queda con su línea y, si no tenía oferente, toma el del plan de la línea;
2. con oferente y sin línea: la asesoría más reciente de ese oferente a la ET con fecha hasta la de la
   calificación; si no hay, el evento masivo más reciente de ese oferente con la ET; si no hay, la línea
   más reciente de ese oferente que alcanzó a la ET (`EstadoLineaEntidad` con último reporte);
3. sin oferente ni línea, o de un oferente que nunca asistió a la ET: queda sin asistencia atada (no se
   borra ni se inventa nada; la página y la API la siguen mostrando, marcada «sin asistencia registrada»).

SQL propio, sin código de la aplicación; volver a correrla no cambia nada (solo llena lo vacío).
"""

from django.db import migrations

_OFERENTE_DE_LINEA = """
UPDATE seguimiento_percepcion p SET oferente_id = pl.entidad_id
FROM agenda_lineaplan l JOIN agenda_plandetrabajo pl ON pl.id = l.plan_id
WHERE p.linea_id = l.id AND p.oferente_id IS NULL
"""

_ASESORIA = """
UPDATE seguimiento_percepcion p SET asesoria_id = (
    SELECT a.id FROM seguimiento_asesoria a
    WHERE a.oferente_id = p.oferente_id AND a.entidad_id = p.entidad_id AND a.fecha <= p.fecha
    ORDER BY a.fecha DESC, a.id DESC LIMIT 1)
WHERE p.linea_id IS NULL AND p.asesoria_id IS NULL AND p.evento_id IS NULL AND p.oferente_id IS NOT NULL
"""

_EVENTO = """
UPDATE seguimiento_percepcion p SET evento_id = (
    SELECT e.id FROM seguimiento_eventomasivo e
    JOIN seguimiento_eventomasivo_entidades ee ON ee.eventomasivo_id = e.id
    WHERE e.oferente_id = p.oferente_id AND ee.entidad_id = p.entidad_id AND e.fecha <= p.fecha
    ORDER BY e.fecha DESC, e.id DESC LIMIT 1)
WHERE p.linea_id IS NULL AND p.asesoria_id IS NULL AND p.evento_id IS NULL AND p.oferente_id IS NOT NULL
"""

_LINEA = """
UPDATE seguimiento_percepcion p SET linea_id = (
    SELECT le.linea_id FROM seguimiento_estadolineaentidad le
    WHERE le.oferente_id = p.oferente_id AND le.entidad_id = p.entidad_id AND le.ultimo_reporte IS NOT NULL
    ORDER BY le.ultimo_reporte DESC, le.linea_id DESC LIMIT 1)
WHERE p.linea_id IS NULL AND p.asesoria_id IS NULL AND p.evento_id IS NULL AND p.oferente_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [("seguimiento", "0015_percepcion_atada_consentimiento_evaluacion")]

    operations = [
        migrations.RunSQL(_OFERENTE_DE_LINEA, migrations.RunSQL.noop),
        migrations.RunSQL(_ASESORIA, migrations.RunSQL.noop),
        migrations.RunSQL(_EVENTO, migrations.RunSQL.noop),
        migrations.RunSQL(_LINEA, migrations.RunSQL.noop),
    ]
