"""La faceta «Departamento cubierto» tiene en cuenta la lista explícita de entidades: se recalcula la
copia de los departamentos de las ofertas que ya tenían una lista."""

from django.db import migrations


def recalcular(apps, schema_editor):
    from oferta.services import actualizar_busqueda

    Oferta = apps.get_model("oferta", "Oferta")
    ids = list(Oferta.objects.filter(focaliza_entidades__isnull=False).values_list("pk", flat=True).distinct())
    for inicio in range(0, len(ids), 1000):
        actualizar_busqueda(ids[inicio:inicio + 1000])


class Migration(migrations.Migration):
    dependencies = [("oferta", "0004_solapamientos_gist")]

    operations = [migrations.RunPython(recalcular, migrations.RunPython.noop)]
