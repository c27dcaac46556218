"""Los indicadores, sus metas, sus mediciones y los periodos cerrados pasan de `seguimiento` a esta app.

Solo cambia el estado de Django (SeparateDatabaseAndState): las tablas se quedan donde estaban, con
su nombre de siempre (`seguimiento_indicador`, `seguimiento_metaindicador`, `seguimiento_medicion`,
`seguimiento_cierreperiodo` y sus `seguimiento_historical…`), así que no se copia ni se pierde ninguna
fila y las llaves foráneas de la base siguen apuntando a las mismas tablas. Por eso depende de la
última migración de `seguimiento` (que las creó) y `seguimiento.0012` borra los modelos solo de su estado.

Datos: los tipos de contenido de estos modelos se re-etiquetan (`seguimiento` → `indicadores`), así
sus permisos, el historial del administrador y sus referencias siguen valiendo; las lápidas de la
fuente de cambios y los eventos de las suscripciones a webhooks que decían `seguimiento.indicador` o
`seguimiento.medicion` pasan a `indicadores.indicador` / `indicadores.medicion` (el nuevo tipo que
emite la API). Nada más se escribe. Sin importar código de la aplicación (congelado aquí).
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELOS = ["indicador", "metaindicador", "medicion", "cierreperiodo", "historicalindicador",
           "historicalmetaindicador", "historicalmedicion", "historicalcierreperiodo"]
TIPOS = {"seguimiento.indicador": "indicadores.indicador", "seguimiento.medicion": "indicadores.medicion"}


def _etiquetar(apps, de: str, a: str, tipos: dict) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for modelo in MODELOS:
        if not ContentType.objects.filter(app_label=a, model=modelo).exists():
            ContentType.objects.filter(app_label=de, model=modelo).update(app_label=a)
    Eliminacion = apps.get_model("att", "Eliminacion")
    for viejo, nuevo in tipos.items():
        Eliminacion.objects.filter(tipo=viejo).update(tipo=nuevo)
    Suscripcion = apps.get_model("att", "SuscripcionWebhook")
    for suscripcion in Suscripcion.objects.exclude(eventos=[]):
        eventos = []
        for evento in suscripcion.eventos or []:
            tipo, _punto, accion = str(evento).rpartition(".")
            eventos.append(f"{tipos[tipo]}.{accion}" if tipo in tipos else evento)
        if eventos != suscripcion.eventos:
            suscripcion.eventos = eventos
            suscripcion.save(update_fields=["eventos"])


def adelante(apps, schema_editor):
    _etiquetar(apps, "seguimiento", "indicadores", TIPOS)


def atras(apps, schema_editor):
    _etiquetar(apps, "indicadores", "seguimiento", {v: k for k, v in TIPOS.items()})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agenda', '0005_fuente_cambios_datos'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('seguimiento', '0011_fuente_cambios_datos'),
        ('att', '0012_webhook_token_y_toma'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalCierrePeriodo',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('periodo', models.DateField(db_index=True, verbose_name='periodo (primer día del mes)')),
                        ('cerrado_en', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('cerrado_por', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical periodo cerrado',
                        'verbose_name_plural': 'historical periodos cerrados',
                        'db_table': 'seguimiento_historicalcierreperiodo',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalIndicador',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('nombre', models.CharField(max_length=255, verbose_name='nombre del indicador')),
                        ('descripcion', models.TextField(max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)], verbose_name='descripción')),
                        ('formula', models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='fórmula de cálculo')),
                        ('variables', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='variables del indicador')),
                        ('tipo', models.CharField(choices=[('gestion', 'Gestión'), ('producto', 'Producto'), ('resultado', 'Resultado'), ('impacto', 'Impacto')], max_length=12, verbose_name='tipo')),
                        ('unidad', models.CharField(max_length=60, verbose_name='unidad de medida')),
                        ('frecuencia', models.CharField(choices=[('mensual', 'Mensual'), ('trimestral', 'Trimestral'), ('semestral', 'Semestral'), ('anual', 'Anual')], default='mensual', max_length=12, verbose_name='periodicidad de medición')),
                        ('linea_base', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='línea base')),
                        ('meta_cuatrienio', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='meta del cuatrienio')),
                        ('tipo_acumulacion', models.CharField(choices=[('flujo', 'Flujo'), ('acumulado', 'Acumulado'), ('capacidad', 'Capacidad (stock)'), ('reduccion', 'Reducción')], max_length=12, verbose_name='tipo de acumulación')),
                        ('unidad_responsable', models.CharField(max_length=200, verbose_name='dependencia responsable')),
                        ('activo', models.BooleanField(default=True, verbose_name='activo')),
                        ('actualizado', models.DateTimeField(blank=True, editable=False, verbose_name='actualizado')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('agenda', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agenda.agendanacional')),
                        ('entidad', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='att.entidad', verbose_name='entidad responsable')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical indicador',
                        'verbose_name_plural': 'historical indicadores',
                        'db_table': 'seguimiento_historicalindicador',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Indicador',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nombre', models.CharField(max_length=255, verbose_name='nombre del indicador')),
                        ('descripcion', models.TextField(max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)], verbose_name='descripción')),
                        ('formula', models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='fórmula de cálculo')),
                        ('variables', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='variables del indicador')),
                        ('tipo', models.CharField(choices=[('gestion', 'Gestión'), ('producto', 'Producto'), ('resultado', 'Resultado'), ('impacto', 'Impacto')], max_length=12, verbose_name='tipo')),
                        ('unidad', models.CharField(max_length=60, verbose_name='unidad de medida')),
                        ('frecuencia', models.CharField(choices=[('mensual', 'Mensual'), ('trimestral', 'Trimestral'), ('semestral', 'Semestral'), ('anual', 'Anual')], default='mensual', max_length=12, verbose_name='periodicidad de medición')),
                        ('linea_base', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='línea base')),
                        ('meta_cuatrienio', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='meta del cuatrienio')),
                        ('tipo_acumulacion', models.CharField(choices=[('flujo', 'Flujo'), ('acumulado', 'Acumulado'), ('capacidad', 'Capacidad (stock)'), ('reduccion', 'Reducción')], max_length=12, verbose_name='tipo de acumulación')),
                        ('unidad_responsable', models.CharField(max_length=200, verbose_name='dependencia responsable')),
                        ('activo', models.BooleanField(default=True, verbose_name='activo')),
                        ('actualizado', models.DateTimeField(auto_now=True, verbose_name='actualizado')),
                        ('agenda', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='indicadores', to='agenda.agendanacional')),
                        ('entidad', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicadores_att', to='att.entidad', verbose_name='entidad responsable')),
                    ],
                    options={
                        'verbose_name': 'indicador',
                        'verbose_name_plural': 'indicadores',
                        'db_table': 'seguimiento_indicador',
                        'ordering': ['nombre'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalMetaIndicador',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('anio', models.PositiveSmallIntegerField(verbose_name='vigencia')),
                        ('valor', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='meta')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('indicador', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='indicadores.indicador')),
                    ],
                    options={
                        'verbose_name': 'historical meta anual',
                        'verbose_name_plural': 'historical metas anuales',
                        'db_table': 'seguimiento_historicalmetaindicador',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalMedicion',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('periodo', models.DateField(verbose_name='periodo (primer día del mes)')),
                        ('valor', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='valor')),
                        ('observacion', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='observación')),
                        ('registrada_en', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('registrada_por', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('indicador', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='indicadores.indicador')),
                    ],
                    options={
                        'verbose_name': 'historical medición',
                        'verbose_name_plural': 'historical mediciones',
                        'db_table': 'seguimiento_historicalmedicion',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Medicion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('periodo', models.DateField(verbose_name='periodo (primer día del mes)')),
                        ('valor', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='valor')),
                        ('observacion', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='observación')),
                        ('registrada_en', models.DateTimeField(auto_now=True)),
                        ('indicador', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mediciones', to='indicadores.indicador')),
                        ('registrada_por', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'medición',
                        'verbose_name_plural': 'mediciones',
                        'db_table': 'seguimiento_medicion',
                        'ordering': ['indicador_id', 'periodo'],
                    },
                ),
                migrations.CreateModel(
                    name='MetaIndicador',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('anio', models.PositiveSmallIntegerField(verbose_name='vigencia')),
                        ('valor', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='meta')),
                        ('indicador', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='metas', to='indicadores.indicador')),
                    ],
                    options={
                        'verbose_name': 'meta anual',
                        'verbose_name_plural': 'metas anuales',
                        'db_table': 'seguimiento_metaindicador',
                        'ordering': ['indicador_id', 'anio'],
                    },
                ),
                migrations.CreateModel(
                    name='CierrePeriodo',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('periodo', models.DateField(unique=True, verbose_name='periodo (primer día del mes)')),
                        ('cerrado_en', models.DateTimeField(auto_now_add=True)),
                        ('cerrado_por', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'periodo cerrado',
                        'verbose_name_plural': 'periodos cerrados',
                        'db_table': 'seguimiento_cierreperiodo',
                        'ordering': ['-periodo'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('periodo__day', 1)), name='cierre_primer_dia')],
                    },
                ),
                migrations.AddIndex(
                    model_name='indicador',
                    index=models.Index(fields=['actualizado', 'id'], name='indicador_act'),
                ),
                migrations.AddIndex(
                    model_name='medicion',
                    index=models.Index(fields=['registrada_en', 'id'], name='medicion_act'),
                ),
                migrations.AddConstraint(
                    model_name='medicion',
                    constraint=models.UniqueConstraint(fields=('indicador', 'periodo'), name='medicion_unica_por_periodo'),
                ),
                migrations.AddConstraint(
                    model_name='medicion',
                    constraint=models.CheckConstraint(condition=models.Q(('periodo__day', 1)), name='medicion_primer_dia'),
                ),
                migrations.AddConstraint(
                    model_name='metaindicador',
                    constraint=models.UniqueConstraint(fields=('indicador', 'anio'), name='meta_unica_por_anio'),
                ),
            ],
        ),
        migrations.RunPython(adelante, atras),
    ]
