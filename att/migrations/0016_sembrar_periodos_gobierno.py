"""Siembra los cuatro periodos constitucionales de gobierno territorial (1 de enero del primer año al
31 de diciembre del cuarto): 2016–2019, 2020–2023, 2024–2027 y 2028–2031. Crea solo los que falten
(no toca uno que el administrador haya renombrado); al revertir no borra nada, porque los registros
se filtran por fecha y no dependen de estas filas."""

import datetime

from django.db import migrations

PERIODOS = [(2016, 2019), (2020, 2023), (2024, 2027), (2028, 2031)]


def sembrar(apps, schema_editor):
    PeriodoGobierno = apps.get_model("att", "PeriodoGobierno")
    for inicio, fin in PERIODOS:
        PeriodoGobierno.objects.get_or_create(
            codigo=f"{inicio}-{fin}",
            defaults={"nombre": f"{inicio}–{fin}", "inicio": datetime.date(inicio, 1, 1),
                      "fin": datetime.date(fin, 12, 31)},
        )


class Migration(migrations.Migration):
    dependencies = [("att", "0015_periodos_diagnosticos")]

    operations = [migrations.RunPython(sembrar, migrations.RunPython.noop)]
