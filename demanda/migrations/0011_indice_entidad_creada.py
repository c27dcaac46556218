"""Índice (entidad, creada DESC, id DESC) de las demandas.

La tabla «Demandas y ofertas cruzadas» del perfil de una entidad territorial pide sus 20 demandas más
recientes. Sin este índice PostgreSQL recorre `demanda_creada_id` (todas las demandas del país, más
recientes primero) filtrando por entidad: a escala 1000 (200.000 demandas) eran 0,9–1,1 s para La Guajira
(672 demandas). Solo agrega un índice; no cambia datos.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("demanda", "0010_mejor_oferta_del_cruce"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="demanda",
            index=models.Index(fields=["entidad", "-creada", "-id"], name="demanda_entidad_creada"),
        ),
    ]
