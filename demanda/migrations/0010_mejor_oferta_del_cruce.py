"""La mejor oferta del último cruce de cada demanda (`Demanda.oferta_cruce`, vacía hasta el siguiente
cruce: `manage.py recruzar_demandas`), con su índice parcial construido con CREATE INDEX CONCURRENTLY
(migración no atómica: la tabla de demandas es grande). La columna nueva es nula: agregarla no
reescribe la tabla. No cambia ningún dato que hayan ingresado los usuarios."""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('att', '0012_webhook_token_y_toma'),
        ('demanda', '0009_decisiones_del_cruce'),
        ('oferta', '0007_fuente_cambios'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='demanda',
            name='oferta_cruce',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='oferta.oferta', verbose_name='mejor oferta del cruce'),
        ),
        AddIndexConcurrently(
            model_name='demanda',
            index=models.Index(condition=models.Q(('oferta_cruce__isnull', False)), fields=['oferta_cruce'], name='demanda_oferta_cruce'),
        ),
    ]
