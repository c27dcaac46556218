"""El avance que cada línea ya tenía pasa a ser el avance de cada una de sus entidades territoriales.

Hasta ahora una línea que focalizaba varias entidades tenía una sola cifra de avance. Desde esta
versión cada línea se sigue en cada entidad a la que llega (`EstadoLineaEntidad`). Esta migración:

- marca cada avance ya reportado como recibido por todas las entidades que su línea focaliza hoy
  (`Avance.entidades`): lo reportado antes valía para la línea entera;
- crea la foto de cada (línea, entidad) copiando la de la línea (`EstadoLinea`): el avance actual de la
  línea se vuelve el avance de cada una de sus entidades, con el mismo esperado, semáforo y hitos
  vencidos, y la fecha del último reporte (no devuelto) de la línea.

Nada de lo que los usuarios escribieron cambia: solo se agregan filas. Recorre las líneas por lotes de
2.000 en orden de id, cada lote en su propia transacción (los avances son cientos de miles en
producción); volver a correrla no duplica nada (ON CONFLICT DO NOTHING). SQL propio, sin importar
código de la aplicación.
"""

from django.db import migrations, transaction

LOTE = 2000

_AVANCES = """
INSERT INTO seguimiento_avance_entidades (avance_id, entidad_id)
SELECT a.id, f.entidad_id
FROM seguimiento_avance a
JOIN seguimiento_hito h ON h.id = a.hito_id
JOIN agenda_lineaplan_territorios f ON f.lineaplan_id = h.linea_id
WHERE h.linea_id >= %s AND h.linea_id < %s
ON CONFLICT DO NOTHING
"""

_ESTADOS = """
WITH ultimo AS (
    SELECT h.linea_id, MAX(a.fecha_corte) AS fecha
    FROM seguimiento_avance a JOIN seguimiento_hito h ON h.id = a.hito_id
    WHERE h.linea_id >= %s AND h.linea_id < %s AND a.estado <> 'devuelto'
    GROUP BY h.linea_id
)
INSERT INTO seguimiento_estadolineaentidad (
    linea_id, entidad_id, plan_id, agenda_id, oferente_id, responsable_id, oferta_id, dependencia_id, objetivo_id,
    departamento_id, region, peso, avance, esperado, semaforo, hitos_vencidos, ultimo_reporte, actualizado)
SELECT l.id, f.entidad_id, e.plan_id, e.agenda_id, e.entidad_id, e.responsable_id, l.oferta_id,
       COALESCE(l.dependencia_id, o.dependencia_id), l.objetivo_agenda_id, en.departamento_id,
       COALESCE(d.region, ''), e.peso, e.avance, e.esperado, e.semaforo, e.hitos_vencidos, u.fecha, now()
FROM seguimiento_estadolinea e
JOIN agenda_lineaplan l ON l.id = e.linea_id
JOIN oferta_oferta o ON o.id = l.oferta_id
JOIN agenda_lineaplan_territorios f ON f.lineaplan_id = l.id
JOIN att_entidad en ON en.id = f.entidad_id
LEFT JOIN att_departamento d ON d.codigo = en.departamento_id
LEFT JOIN ultimo u ON u.linea_id = l.id
WHERE e.linea_id >= %s AND e.linea_id < %s
ON CONFLICT (linea_id, entidad_id) DO NOTHING
"""


def copiar(apps, schema_editor):
    conexion = schema_editor.connection
    with conexion.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM agenda_lineaplan")
        maximo = cursor.fetchone()[0]
    for desde in range(0, maximo + 1, LOTE):
        with transaction.atomic(using=conexion.alias), conexion.cursor() as cursor:
            cursor.execute(_AVANCES, [desde, desde + LOTE])
            cursor.execute(_ESTADOS, [desde, desde + LOTE, desde, desde + LOTE])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("seguimiento", "0013_avance_por_entidad"),
    ]

    operations = [
        migrations.RunPython(copiar, migrations.RunPython.noop, elidable=False),
    ]
