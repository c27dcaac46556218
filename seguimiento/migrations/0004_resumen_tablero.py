"""Crea el resumen del tablero y lo llena desde las fotos por línea (`seguimiento_estadolinea`).

El relleno es una copia congelada del SQL del servicio de entonces (ver `RECONSTRUIR`): no importa
código de la aplicación. La tabla es nueva, así que no hay nada de los usuarios que conservar.
"""

import django.db.models.deletion
from django.db import migrations, models


# Copia congelada (2026-11-30) del SQL de `seguimiento.services.reconstruir_resumen` tal como era al
# crear la tabla: una migración no importa código de la aplicación, que cambia después (la prueba
# tests/att/test_arquitectura.py lo exige). Llena el resumen desde las fotos por línea; no toca nada más.
RECONSTRUIR = """
INSERT INTO seguimiento_resumentablero (agenda_id, entidad_id, dimension, clave, suma_pesos, suma_avance,
                                        suma_esperado, lineas, al_dia, en_riesgo, atrasado)
SELECT e.agenda_id, e.entidad_id, x.dimension, x.clave, SUM(e.peso), SUM(e.peso * e.avance), SUM(e.peso * e.esperado),
       COUNT(*), COUNT(*) FILTER (WHERE e.semaforo = 'al_dia'), COUNT(*) FILTER (WHERE e.semaforo = 'en_riesgo'),
       COUNT(*) FILTER (WHERE e.semaforo = 'atrasado')
FROM seguimiento_estadolinea e
CROSS JOIN LATERAL (
    SELECT 'asesor'::varchar AS dimension, e.responsable_id::varchar AS clave
    UNION ALL SELECT 'departamento', d FROM unnest(e.departamentos) AS d
    UNION ALL SELECT 'tema', t::varchar FROM unnest(e.temas) AS t
) x
GROUP BY 1, 2, 3, 4
"""


def reconstruir(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RECONSTRUIR)


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0002_planconcertado_revisioncompromiso_revisionplan_and_more'),
        ('att', '0005_historial_membresias'),
        ('seguimiento', '0003_estadolinea_dimensiones'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResumenTablero',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dimension', models.CharField(max_length=12)),
                ('clave', models.CharField(max_length=20)),
                ('suma_pesos', models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ('suma_avance', models.DecimalField(decimal_places=4, default=0, max_digits=22)),
                ('suma_esperado', models.DecimalField(decimal_places=4, default=0, max_digits=22)),
                ('lineas', models.IntegerField(default=0)),
                ('al_dia', models.IntegerField(default=0)),
                ('en_riesgo', models.IntegerField(default=0)),
                ('atrasado', models.IntegerField(default=0)),
                ('agenda', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agenda.agendanacional')),
                ('entidad', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='att.entidad')),
            ],
            options={
                'verbose_name': 'resumen del tablero',
                'verbose_name_plural': 'resúmenes del tablero',
                'indexes': [models.Index(fields=['dimension', 'clave'], name='resumen_tablero_dim')],
                'constraints': [models.UniqueConstraint(fields=('agenda', 'entidad', 'dimension', 'clave'), name='resumen_tablero_unico')],
            },
        ),
        migrations.RunPython(reconstruir, migrations.RunPython.noop),
    ]
