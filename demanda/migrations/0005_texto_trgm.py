"""Índice de trigramas (GIN) sobre título y descripción de las demandas, sin tildes ni mayúsculas.

Se construye con CREATE INDEX CONCURRENTLY (AddIndexConcurrently, migración no atómica): la tabla
de demandas es grande en producción y un CREATE INDEX normal bloquea las escrituras mientras dura.
El estado resultante es el mismo que con AddIndex (makemigrations --check no ve cambios); si la
construcción falla queda un índice INVALID que hay que borrar (DROP INDEX CONCURRENTLY) antes de
volver a correr la migración.
"""

import demanda.models
import django.contrib.postgres.indexes
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('att', '0005_historial_membresias'),
        ('demanda', '0004_indice_lista'),
        ('oferta', '0005_departamentos_de_la_lista_explicita'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='demanda',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(demanda.models._SinTildes(demanda.models._Minusculas(demanda.models._Unidos(models.F('titulo'), models.Value(' '), models.F('descripcion')))), name='gin_trgm_ops'), name='demanda_texto_trgm'),
        ),
    ]
