"""Da su código de verificación a cada certificado ya expedible (inscripciones con asistencia
registrada), por lotes de 1.000, cada lote en su transacción. No cambia nada más de la inscripción ni
escribe historial (el código es nuevo: antes el certificado imprimía el número interno, que nadie
podía verificar). Al revertir, los códigos se borran con la columna."""

import secrets

from django.db import migrations, transaction

ALFABETO = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # copia congelada de conocimiento/certificados.py
LOTE = 1000


def asignar(apps, schema_editor):
    Inscripcion = apps.get_model("conocimiento", "Inscripcion")
    usados = set()
    while True:
        with transaction.atomic():
            lote = list(
                Inscripcion.objects.select_for_update(skip_locked=True)
                .filter(asistio=True, codigo_certificado__isnull=True).order_by("pk")[:LOTE]
            )
            if not lote:
                return
            for inscripcion in lote:
                codigo = "".join(secrets.choice(ALFABETO) for _i in range(10))
                while codigo in usados or Inscripcion.objects.filter(codigo_certificado=codigo).exists():
                    codigo = "".join(secrets.choice(ALFABETO) for _i in range(10))
                usados.add(codigo)
                inscripcion.codigo_certificado = codigo
            Inscripcion.objects.bulk_update(lote, ["codigo_certificado"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("conocimiento", "0005_codigo_certificado")]

    operations = [migrations.RunPython(asignar, migrations.RunPython.noop)]
