import django.contrib.postgres.fields
from django.db import migrations, models

LLENAR = """
UPDATE seguimiento_estadolinea e SET
  departamentos = COALESCE((
    SELECT array_agg(DISTINCT en.departamento_id ORDER BY en.departamento_id)
    FROM agenda_lineaplan_territorios lt JOIN att_entidad en ON en.id = lt.entidad_id
    WHERE lt.lineaplan_id = e.linea_id AND en.departamento_id IS NOT NULL), '{}'),
  temas = COALESCE((
    SELECT array_agg(DISTINCT lt.tema_id ORDER BY lt.tema_id)
    FROM agenda_lineaplan_temas lt WHERE lt.lineaplan_id = e.linea_id), '{}');

"""


class Migration(migrations.Migration):
    dependencies = [
        ("seguimiento", "0002_historicalhito_vencimiento_alertado_and_more"),
        ("agenda", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="estadolinea", name="departamentos",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=2), blank=True, default=list, size=None),
        ),
        migrations.AddField(
            model_name="estadolinea", name="temas",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, default=list, size=None),
        ),
        migrations.RunSQL(LLENAR, migrations.RunSQL.noop),
    ]
