"""Migración de datos: lleva la preferencia global de cada persona (`Usuario.recibe_resumen_diario`)
a las nuevas preferencias por tipo de alerta. A quien pedía el resumen diario se le crea una fila
«todas las demás» (`*`) con frecuencia «resumen», que vale para todo tipo sin fila propia; quien
recibía cada alerta al momento no necesita filas (el valor por omisión es «inmediata»).
Reversible: al deshacer se borran esas filas (la preferencia global sigue en el usuario)."""

from django.db import migrations


def llevar(apps, schema_editor):
    Usuario = apps.get_model("att", "Usuario")
    PreferenciaAlerta = apps.get_model("att", "PreferenciaAlerta")
    ids = Usuario.objects.filter(recibe_resumen_diario=True).values_list("pk", flat=True).iterator(chunk_size=2000)
    lote = []
    for pk in ids:
        lote.append(PreferenciaAlerta(usuario_id=pk, categoria="*", frecuencia="resumen"))
        if len(lote) >= 2000:
            PreferenciaAlerta.objects.bulk_create(lote, ignore_conflicts=True)
            lote = []
    PreferenciaAlerta.objects.bulk_create(lote, ignore_conflicts=True)


def deshacer(apps, schema_editor):
    apps.get_model("att", "PreferenciaAlerta").objects.filter(categoria="*", frecuencia="resumen").delete()


class Migration(migrations.Migration):
    dependencies = [("att", "0010_preferencias_alerta")]
    operations = [migrations.RunPython(llevar, deshacer)]
