"""Diseño estructurado del producto en la oferta: brecha y objetivo de capacidad, cadena de valor,
costo por entidad asistida, fuentes de financiación e indicadores (vínculo a `indicadores.Indicador`).
Campos nuevos, vacíos por defecto: nada de lo que los usuarios escribieron cambia."""

import django.contrib.postgres.fields
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicadores', '0001_initial'),
        ('oferta', '0008_plantilla_hitos'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaloferta',
            name='brecha_capacidad',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='brecha de capacidad que atiende'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='cadena_actividades',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: actividades'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='cadena_insumos',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: insumos'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='cadena_productos',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: productos'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='cadena_resultados',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: resultados'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='costo_por_et',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='costo estimado por entidad territorial asistida (COP)'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='fuentes_financiacion',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('pgn_inversion', 'Presupuesto General de la Nación: inversión'), ('pgn_funcionamiento', 'Presupuesto General de la Nación: funcionamiento'), ('sgr', 'Sistema General de Regalías'), ('cooperacion', 'Cooperación internacional'), ('propios', 'Recursos propios de la entidad'), ('otras', 'Otras fuentes')], max_length=20), blank=True, default=list, size=None, verbose_name='fuentes de financiación'),
        ),
        migrations.AddField(
            model_name='historicaloferta',
            name='objetivo_capacidad',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='objetivo de capacidad'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='brecha_capacidad',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='brecha de capacidad que atiende'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='cadena_actividades',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: actividades'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='cadena_insumos',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: insumos'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='cadena_productos',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: productos'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='cadena_resultados',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cadena de valor: resultados'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='costo_por_et',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='costo estimado por entidad territorial asistida (COP)'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='fuentes_financiacion',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('pgn_inversion', 'Presupuesto General de la Nación: inversión'), ('pgn_funcionamiento', 'Presupuesto General de la Nación: funcionamiento'), ('sgr', 'Sistema General de Regalías'), ('cooperacion', 'Cooperación internacional'), ('propios', 'Recursos propios de la entidad'), ('otras', 'Otras fuentes')], max_length=20), blank=True, default=list, size=None, verbose_name='fuentes de financiación'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='indicadores',
            field=models.ManyToManyField(blank=True, related_name='ofertas', to='indicadores.indicador', verbose_name='indicadores del producto'),
        ),
        migrations.AddField(
            model_name='oferta',
            name='objetivo_capacidad',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='objetivo de capacidad'),
        ),
    ]
