"""Índice (actualizada, id) de las demandas para `actualizado_desde`, creado CONCURRENTLY (tabla grande)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("att", "0008_fuente_cambios"),
        ("demanda", "0006_auditoria_largos"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="demanda",
            index=models.Index(fields=["actualizada", "id"], name="demanda_act"),
        ),
    ]
