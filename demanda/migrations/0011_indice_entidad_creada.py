"""Índice (entidad, creada DESC, id DESC) de las demandas.

La tabla «Demandas y ofertas cruzadas» del perfil de una entidad territorial pide sus 20 demandas más
recientes. Sin este índice PostgreSQL recorre `demanda_creada_id` (todas las demandas del país, más
recientes primero) filtrando por entidad: a escala 1000 (200.000 demandas) eran 0,9–1,1 s para La Guajira
(672 demandas). Solo agrega un índice, CONCURRENTLY para no bloquear las escrituras en la tabla grande;
no cambia datos.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("demanda", "0010_mejor_oferta_del_cruce"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="demanda",
            index=models.Index(fields=["entidad", "-creada", "-id"], name="demanda_entidad_creada"),
        ),
    ]
