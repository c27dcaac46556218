"""Índice (actualizado, id) de los avances para `actualizado_desde`, creado CONCURRENTLY (tabla grande)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("seguimiento", "0009_fuente_cambios")]

    operations = [
        AddIndexConcurrently(
            model_name="avance",
            index=models.Index(fields=["actualizado", "id"], name="avance_act"),
        ),
    ]
