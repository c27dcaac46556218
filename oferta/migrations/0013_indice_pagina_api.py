"""Índice de la página de ofertas de la API (publicadas, de la más nueva a la más vieja).

Solo agrega un índice parcial (ofertas publicadas) por id que lleva además la huella de cada fila
(`actualizada`), su entidad y su vigencia: la página de `/api/v1/ofertas/` se lee sin tocar la tabla. No
cambia ningún dato. Se construye con CREATE INDEX CONCURRENTLY (AddIndexConcurrently, migración no
atómica) para no bloquear la edición de ofertas mientras dura; el estado es el mismo que con AddIndex
(makemigrations --check no ve cambios). Si la construcción falla queda un índice INVALID que hay que borrar
(DROP INDEX CONCURRENTLY oferta_publicada_id) antes de volver a correr la migración.
"""

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('att', '0021_exportaciones_p17a'),
        ('indicadores', '0001_initial'),
        ('oferta', '0012_borrados_portal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='oferta',
            index=models.Index(condition=models.Q(('estado', 'publicada')), fields=['id'],
                               include=('actualizada', 'entidad', 'vigencia_hasta'), name='oferta_publicada_id'),
        ),
    ]
