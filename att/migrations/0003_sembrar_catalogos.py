from django.db import migrations


def sembrar(apps, schema_editor):
    from att.datos.catalogos import sembrar as sembrar_catalogos

    sembrar_catalogos(apps)


class Migration(migrations.Migration):
    dependencies = [("att", "0002_extensiones_busqueda")]

    operations = [migrations.RunPython(sembrar, migrations.RunPython.noop)]
