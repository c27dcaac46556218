"""Vocabulario del portal para «¿Quiso decir …?»: las palabras (de 4 letras o más, sin palabras vacías)
del nombre, la necesidad y la descripción de las ofertas publicadas, con un índice GIN de trigramas sin
tildes. Vista materializada: la refresca `oferta.refrescar_vocabulario` (al publicar o archivar, por la
bandeja de salida, y cada hora en el beat). Solo lo publicado: una sugerencia no revela un borrador.
La consulta de `ts_stat` va como texto y se analiza al ejecutarse: PostgreSQL 17+ crea y refresca una vista
materializada con el search_path seguro (pg_catalog, pg_temp), así que la tabla lleva su esquema (`public.`,
como `att_unaccent`)."""

from django.db import migrations

CREAR = """
CREATE MATERIALIZED VIEW oferta_vocabulario AS
SELECT DISTINCT ON (att_unaccent(word)) word AS palabra, att_unaccent(word) AS clave, ndoc AS documentos
FROM ts_stat($q$SELECT to_tsvector('simple', coalesce(nombre, '') || ' ' || coalesce(necesidad, '') || ' '
                                   || coalesce(descripcion, ''))
              FROM public.oferta_oferta WHERE estado = 'publicada'$q$)
WHERE length(word) >= 4 AND word ~ '^[[:alpha:]]+$' AND to_tsvector('es_unaccent', word) <> ''::tsvector
ORDER BY att_unaccent(word), ndoc DESC, word;
CREATE UNIQUE INDEX oferta_vocabulario_clave ON oferta_vocabulario (clave);
CREATE INDEX oferta_vocabulario_trgm ON oferta_vocabulario USING gin (clave gin_trgm_ops);
"""
BORRAR = "DROP MATERIALIZED VIEW IF EXISTS oferta_vocabulario;"


class Migration(migrations.Migration):
    dependencies = [("oferta", "0010_oferta_dependencia"), ("att", "0002_extensiones_busqueda")]

    operations = [migrations.RunSQL(CREAR, BORRAR)]
