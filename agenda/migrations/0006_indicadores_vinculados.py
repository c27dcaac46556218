"""Las líneas de los planes se vinculan a las fichas de `indicadores.Indicador` (muchos a muchos).

Datos: el texto libre `indicador` que los usuarios escribieron se conserva tal cual, al lado del
vínculo nuevo. Donde ese texto coincide (sin distinguir mayúsculas ni espacios de los extremos) con el
nombre de exactamente una ficha de indicador de la entidad del plan de la línea, la línea queda
vinculada a ella; si no coincide con ninguna de esa entidad, o con varias, no se vincula nada (las
fichas de otras entidades nunca se vinculan). Un INSERT … SELECT, sin importar código de la aplicación.
"""

from django.db import migrations, models


VINCULAR = """
INSERT INTO agenda_lineaplan_indicadores_vinculados (lineaplan_id, indicador_id)
SELECT l.id, u.id
FROM agenda_lineaplan l
JOIN agenda_plandetrabajo p ON p.id = l.plan_id
JOIN (SELECT entidad_id, lower(btrim(nombre)) AS clave, min(id) AS id FROM seguimiento_indicador
      WHERE entidad_id IS NOT NULL
      GROUP BY entidad_id, lower(btrim(nombre)) HAVING count(*) = 1) u
  ON u.entidad_id = p.entidad_id AND u.clave = lower(btrim(l.indicador))
WHERE btrim(l.indicador) <> ''
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0005_fuente_cambios_datos'),
        ('indicadores', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='lineaplan',
            name='indicadores_vinculados',
            field=models.ManyToManyField(blank=True, related_name='lineas_plan', to='indicadores.indicador', verbose_name='indicadores vinculados'),
        ),
        migrations.AlterField(
            model_name='historicallineaplan',
            name='indicador',
            field=models.CharField(blank=True, help_text='Texto libre (el de siempre); el vínculo a la ficha va en «indicadores vinculados».', max_length=255, verbose_name='indicador'),
        ),
        migrations.AlterField(
            model_name='lineaplan',
            name='indicador',
            field=models.CharField(blank=True, help_text='Texto libre (el de siempre); el vínculo a la ficha va en «indicadores vinculados».', max_length=255, verbose_name='indicador'),
        ),
        migrations.RunSQL(VINCULAR, migrations.RunSQL.noop),
    ]
