"""Bandeja de salida (outbox) y registro de solicitudes idempotentes (tablas nuevas, sin datos previos)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('att', '0005_historial_membresias'),
    ]

    operations = [
        migrations.CreateModel(
            name='Salida',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tarea', models.CharField(max_length=120, verbose_name='tarea')),
                ('argumentos', models.JSONField(blank=True, default=list, verbose_name='argumentos')),
                ('parametros', models.JSONField(blank=True, default=dict, verbose_name='parámetros')),
                ('clave', models.CharField(blank=True, help_text='Evita lanzar dos veces lo mismo: una sola salida pendiente por clave.', max_length=200, verbose_name='clave')),
                ('estado', models.CharField(choices=[('pendiente', 'Pendiente'), ('publicada', 'Publicada'), ('fallida', 'Fallida')], default='pendiente', max_length=12, verbose_name='estado')),
                ('intentos', models.PositiveIntegerField(default=0, verbose_name='intentos')),
                ('proximo_intento', models.DateTimeField(auto_now_add=True, verbose_name='próximo intento')),
                ('creada', models.DateTimeField(auto_now_add=True, verbose_name='creada')),
                ('publicada_en', models.DateTimeField(blank=True, null=True, verbose_name='publicada')),
                ('ultimo_error', models.TextField(blank=True, verbose_name='último error')),
            ],
            options={
                'verbose_name': 'salida pendiente',
                'verbose_name_plural': 'bandeja de salida',
                'ordering': ['creada'],
                'indexes': [models.Index(condition=models.Q(('estado', 'pendiente')), fields=['proximo_intento'], name='salida_pendiente_proxima')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('estado', 'pendiente'), models.Q(('clave', ''), _negated=True)), fields=('clave',), name='salida_unica_pendiente_por_clave')],
            },
        ),
        migrations.CreateModel(
            name='SolicitudIdempotente',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('clave', models.CharField(max_length=200, verbose_name='clave')),
                ('metodo', models.CharField(max_length=10)),
                ('ruta', models.CharField(max_length=500)),
                ('huella', models.CharField(blank=True, max_length=64, verbose_name='huella del cuerpo')),
                ('completa', models.BooleanField(default=False)),
                ('codigo', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('cabeceras', models.JSONField(blank=True, default=dict)),
                ('cuerpo', models.BinaryField(blank=True, null=True)),
                ('creada', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('usuario', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'solicitud idempotente',
                'verbose_name_plural': 'solicitudes idempotentes',
                'constraints': [models.UniqueConstraint(fields=('usuario', 'clave'), name='idempotencia_unica_por_usuario', nulls_distinct=False)],
            },
        ),
    ]
