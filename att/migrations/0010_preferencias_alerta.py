"""Solo esquema: preferencias de correo por tipo de alerta (con historial)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('att', '0009_fuente_cambios_datos'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalPreferenciaAlerta',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('categoria', models.CharField(max_length=40, verbose_name='tipo de alerta')),
                ('frecuencia', models.CharField(choices=[('inmediata', 'Un correo por alerta, en el momento'), ('resumen', 'Un resumen diario'), ('ninguna', 'No enviar correo (solo en la plataforma)')], max_length=12, verbose_name='correo')),
                ('actualizada', models.DateTimeField(blank=True, editable=False, verbose_name='actualizada')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('usuario', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical preferencia de alertas',
                'verbose_name_plural': 'historical preferencias de alertas',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PreferenciaAlerta',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('categoria', models.CharField(max_length=40, verbose_name='tipo de alerta')),
                ('frecuencia', models.CharField(choices=[('inmediata', 'Un correo por alerta, en el momento'), ('resumen', 'Un resumen diario'), ('ninguna', 'No enviar correo (solo en la plataforma)')], max_length=12, verbose_name='correo')),
                ('actualizada', models.DateTimeField(auto_now=True, verbose_name='actualizada')),
                ('usuario', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='preferencias_alerta', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'preferencia de alertas',
                'verbose_name_plural': 'preferencias de alertas',
                'constraints': [models.UniqueConstraint(fields=('usuario', 'categoria'), name='preferencia_alerta_unica')],
            },
        ),
    ]
