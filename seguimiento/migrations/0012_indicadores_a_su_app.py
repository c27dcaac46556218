"""Indicador, MetaIndicador, Medicion y CierrePeriodo (y sus historiales) salen del estado de `seguimiento`.

Ahora son de la app `indicadores` (ver indicadores/migrations/0001_initial.py), que los toma con las
mismas tablas: aquí solo se quitan del estado de Django (SeparateDatabaseAndState sin operaciones en
la base). Ninguna tabla se borra y ninguna fila se toca.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicadores', '0001_initial'),
        ('seguimiento', '0011_fuente_cambios_datos'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalcierreperiodo',
                    name='cerrado_por',
                ),
                migrations.RemoveField(
                    model_name='historicalcierreperiodo',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalindicador',
                    name='agenda',
                ),
                migrations.RemoveField(
                    model_name='historicalindicador',
                    name='entidad',
                ),
                migrations.RemoveField(
                    model_name='historicalindicador',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalmedicion',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalmedicion',
                    name='indicador',
                ),
                migrations.RemoveField(
                    model_name='historicalmedicion',
                    name='registrada_por',
                ),
                migrations.RemoveField(
                    model_name='historicalmetaindicador',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalmetaindicador',
                    name='indicador',
                ),
                migrations.RemoveField(
                    model_name='indicador',
                    name='agenda',
                ),
                migrations.RemoveField(
                    model_name='indicador',
                    name='entidad',
                ),
                migrations.RemoveField(
                    model_name='medicion',
                    name='indicador',
                ),
                migrations.RemoveField(
                    model_name='metaindicador',
                    name='indicador',
                ),
                migrations.RemoveField(
                    model_name='medicion',
                    name='registrada_por',
                ),
                migrations.DeleteModel(
                    name='CierrePeriodo',
                ),
                migrations.DeleteModel(
                    name='HistoricalCierrePeriodo',
                ),
                migrations.DeleteModel(
                    name='HistoricalIndicador',
                ),
                migrations.DeleteModel(
                    name='HistoricalMedicion',
                ),
                migrations.DeleteModel(
                    name='HistoricalMetaIndicador',
                ),
                migrations.DeleteModel(
                    name='Indicador',
                ),
                migrations.DeleteModel(
                    name='MetaIndicador',
                ),
                migrations.DeleteModel(
                    name='Medicion',
                ),
            ],
        ),
    ]
