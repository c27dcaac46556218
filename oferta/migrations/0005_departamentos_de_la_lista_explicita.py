"""La faceta «Departamento cubierto» tiene en cuenta la lista explícita de entidades: se recalcula la
copia de los departamentos de las ofertas que ya tenían una lista."""

from django.db import migrations


# Copia congelada (2026-11-30) de la parte «departamentos cubiertos» de `oferta.services._sql_busqueda`
# de entonces: una migración no importa código de la aplicación (tests/att/test_arquitectura.py). Solo
# recalcula esa copia de facetas; lo que los usuarios escribieron en la oferta no cambia.
DEPARTAMENTOS = """
UPDATE oferta_oferta AS o SET
    facetas_departamentos = (
        WITH d AS (SELECT x.departamento_id AS c FROM oferta_oferta_focaliza_departamentos x WHERE x.oferta_id = o.id),
             l AS (SELECT coalesce(te.departamento_id, left(te.municipio_id, 2)) AS c
                   FROM oferta_oferta_focaliza_entidades x JOIN att_entidad te ON te.id = x.entidad_id
                   WHERE x.oferta_id = o.id)
        SELECT CASE
            WHEN NOT EXISTS (SELECT FROM d) AND NOT EXISTS (SELECT FROM l) THEN ARRAY['00']
            WHEN NOT EXISTS (SELECT FROM l) THEN ARRAY(SELECT c FROM d ORDER BY 1)
            WHEN NOT EXISTS (SELECT FROM d) THEN ARRAY(SELECT DISTINCT c FROM l WHERE c IS NOT NULL ORDER BY 1)
            ELSE ARRAY(SELECT c FROM d INTERSECT SELECT c FROM l ORDER BY 1)
        END::varchar[])
WHERE o.id = ANY(%s)
"""


def recalcular(apps, schema_editor):
    Oferta = apps.get_model("oferta", "Oferta")
    ids = list(Oferta.objects.filter(focaliza_entidades__isnull=False).values_list("pk", flat=True).distinct())
    with schema_editor.connection.cursor() as cursor:
        for inicio in range(0, len(ids), 1000):
            cursor.execute(DEPARTAMENTOS, [ids[inicio:inicio + 1000]])


class Migration(migrations.Migration):
    dependencies = [("oferta", "0004_solapamientos_gist")]

    operations = [migrations.RunPython(recalcular, migrations.RunPython.noop)]
