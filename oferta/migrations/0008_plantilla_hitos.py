"""Plantilla de hitos del producto (HitoPlantilla y su historial): tabla nueva, no toca datos existentes."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oferta', '0007_fuente_cambios'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalHitoPlantilla',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('orden', models.PositiveSmallIntegerField(default=0, verbose_name='orden')),
                ('nombre', models.CharField(max_length=255, verbose_name='nombre del hito')),
                ('peso', models.DecimalField(decimal_places=2, default=1, help_text='Peso con que el avance del hito suma al de la línea.', max_digits=6, verbose_name='peso')),
                ('desfase_dias', models.PositiveIntegerField(default=0, help_text='La fecha planeada del hito en cada línea es su fecha de inicio más estos días.', verbose_name='días desde el inicio de la línea')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('oferta', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='oferta.oferta')),
            ],
            options={
                'verbose_name': 'historical hito de la plantilla del producto',
                'verbose_name_plural': 'historical hitos de la plantilla del producto',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HitoPlantilla',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('orden', models.PositiveSmallIntegerField(default=0, verbose_name='orden')),
                ('nombre', models.CharField(max_length=255, verbose_name='nombre del hito')),
                ('peso', models.DecimalField(decimal_places=2, default=1, help_text='Peso con que el avance del hito suma al de la línea.', max_digits=6, verbose_name='peso')),
                ('desfase_dias', models.PositiveIntegerField(default=0, help_text='La fecha planeada del hito en cada línea es su fecha de inicio más estos días.', verbose_name='días desde el inicio de la línea')),
                ('oferta', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plantilla_hitos', to='oferta.oferta')),
            ],
            options={
                'verbose_name': 'hito de la plantilla del producto',
                'verbose_name_plural': 'hitos de la plantilla del producto',
                'ordering': ['oferta_id', 'orden', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('peso__gt', 0)), name='hito_plantilla_peso_positivo')],
            },
        ),
    ]
