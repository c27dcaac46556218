"""Versión y relanzamientos del informe de seguimiento.

Datos existentes: cada informe que ya tiene PDF queda como versión 1 (la que se descarga hoy); los
que aún no tienen archivo quedan en versión 0. `relanzamientos` empieza en 0 para todos. No se
borra ni se mueve ningún archivo.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("seguimiento", "0006_avance_huella_datos"),
    ]

    operations = [
        migrations.AddField(
            model_name="informemensual",
            name="relanzamientos",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Veces que se relanzó porque el proceso que lo generaba murió; vuelve a 0 al terminar.",
            ),
        ),
        migrations.AddField(
            model_name="informemensual",
            name="version",
            field=models.PositiveIntegerField(
                default=0, help_text="Número de la última versión lista (la que se descarga).", verbose_name="versión"
            ),
        ),
        migrations.RunSQL(
            "UPDATE seguimiento_informemensual SET version = 1 WHERE pdf <> ''",
            reverse_sql=migrations.RunSQL.noop,
            elidable=True,
        ),
    ]
