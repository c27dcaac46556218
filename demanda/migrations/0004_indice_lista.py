"""Índice de la lista de demandas (más recientes primero).

Se construye con CREATE INDEX CONCURRENTLY (AddIndexConcurrently, migración no atómica): la tabla
de demandas es grande en producción y un CREATE INDEX normal bloquea las escrituras mientras dura.
El estado resultante es el mismo que con AddIndex (makemigrations --check no ve cambios); si la
construcción falla queda un índice INVALID que hay que borrar (DROP INDEX CONCURRENTLY) antes de
volver a correr la migración.
"""

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('att', '0005_historial_membresias'),
        ('demanda', '0003_indice_cupos'),
        ('oferta', '0003_facetas_en_la_fila'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='demanda',
            index=models.Index(fields=['-creada', '-id'], name='demanda_creada_id'),
        ),
    ]
