"""Crea `ArchivoExportado`: las exportaciones grandes (XLSX por encima del umbral de filas) que genera una
tarea de Celery, con su clave de enlace, estado y archivo (issue #17)."""

import att.models.operacion
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('att', '0020_fusion_p15g'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchivoExportado',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('clave', models.UUIDField(editable=False, unique=True, verbose_name='clave del enlace')),
                ('tipo', models.CharField(max_length=60, verbose_name='exportación')),
                ('formato', models.CharField(max_length=4, verbose_name='formato')),
                ('parametros', models.JSONField(blank=True, default=dict, verbose_name='parámetros')),
                ('estado', models.CharField(choices=[('pendiente', 'En cola'), ('generando', 'Generándose'), ('lista', 'Lista'), ('fallida', 'Falló')], default='pendiente', max_length=12, verbose_name='estado')),
                ('filas', models.PositiveIntegerField(blank=True, null=True, verbose_name='filas')),
                ('xlsx', models.FileField(blank=True, max_length=255, upload_to=att.models.operacion.ruta_exportacion)),
                ('csv', models.FileField(blank=True, max_length=255, upload_to=att.models.operacion.ruta_exportacion)),
                ('nombre', models.CharField(blank=True, max_length=120, verbose_name='nombre del archivo')),
                ('error', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='error')),
                ('creada', models.DateTimeField(auto_now_add=True, verbose_name='pedida')),
                ('terminada', models.DateTimeField(blank=True, null=True, verbose_name='terminada')),
                ('usuario', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='exportaciones', to=settings.AUTH_USER_MODEL, verbose_name='pedida por')),
            ],
            options={
                'verbose_name': 'archivo exportado',
                'verbose_name_plural': 'archivos exportados',
                'indexes': [models.Index(fields=['creada'], name='exportacion_creada')],
            },
        ),
    ]
