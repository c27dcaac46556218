"""Campo `huella` del avance (vacío en lo existente; la migración 0006 lo llena por lotes)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('seguimiento', '0004_resumen_tablero'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='avance',
            name='huella',
            field=models.CharField(blank=True, db_default='', default='', editable=False, help_text='Resumen de hito, porcentaje, fecha de corte, narrativa y autor: el mismo avance enviado dos veces es uno.', max_length=64),
        ),
        migrations.AddField(
            model_name='historicalavance',
            name='huella',
            field=models.CharField(blank=True, db_default='', default='', editable=False, help_text='Resumen de hito, porcentaje, fecha de corte, narrativa y autor: el mismo avance enviado dos veces es uno.', max_length=64),
        ),
    ]
