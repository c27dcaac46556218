"""Datos: recalcula el vector de búsqueda de todos los recursos con lo que ahora también cuenta
(`services.vector_busqueda`): la oferta enlazada (peso C) y la entidad (peso D), además del título (A),
el resumen y los temas (B) y el texto (C). Copia congelada (2026-12-01) en SQL de esa función."""

from django.db import migrations

RECALCULAR = """
UPDATE conocimiento_recurso r SET busqueda =
    setweight(to_tsvector('es_unaccent', coalesce(r.titulo, '')), 'A')
    || setweight(to_tsvector('es_unaccent', coalesce(r.resumen, '')), 'B')
    || setweight(to_tsvector('es_unaccent', coalesce((
           SELECT string_agg(t.nombre, ' ') FROM conocimiento_recurso_temas rt JOIN att_tema t ON t.id = rt.tema_id
           WHERE rt.recurso_id = r.id), '')), 'B')
    || setweight(to_tsvector('es_unaccent', concat_ws(' ', r.contenido, r.resultados, r.como_replicarla,
           r.recomendacion, (SELECT o.nombre FROM oferta_oferta o WHERE o.id = r.oferta_id))), 'C')
    || setweight(to_tsvector('es_unaccent', coalesce((
           SELECT e.nombre FROM att_entidad e WHERE e.id = r.entidad_id), '')), 'D');
"""


class Migration(migrations.Migration):
    dependencies = [("conocimiento", "0007_vocabulario_busqueda"), ("oferta", "0011_vocabulario_busqueda")]

    operations = [migrations.RunSQL(RECALCULAR, migrations.RunSQL.noop)]
