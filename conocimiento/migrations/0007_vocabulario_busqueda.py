"""Vocabulario del repositorio para «¿Quiso decir …?»: las palabras (de 4 letras o más, sin palabras
vacías) de los recursos publicados, con un índice GIN de trigramas sin tildes. Vista materializada: la
refresca `conocimiento.refrescar_vocabulario` (al publicar, por la bandeja de salida, y cada hora en el
beat). Solo lo publicado: una sugerencia no revela una propuesta en revisión.
La consulta de `ts_stat` va como texto y se analiza al ejecutarse: PostgreSQL 17+ crea y refresca una vista
materializada con el search_path seguro (pg_catalog, pg_temp), así que la tabla lleva su esquema (`public.`,
como `att_unaccent`)."""

from django.db import migrations

CREAR = """
CREATE MATERIALIZED VIEW conocimiento_vocabulario AS
SELECT DISTINCT ON (att_unaccent(word)) word AS palabra, att_unaccent(word) AS clave, ndoc AS documentos
FROM ts_stat($q$SELECT to_tsvector('simple', coalesce(titulo, '') || ' ' || coalesce(resumen, '') || ' '
                                   || coalesce(contenido, '') || ' ' || coalesce(resultados, '') || ' '
                                   || coalesce(como_replicarla, '') || ' ' || coalesce(recomendacion, ''))
              FROM public.conocimiento_recurso WHERE estado = 'publicado'$q$)
WHERE length(word) >= 4 AND word ~ '^[[:alpha:]]+$' AND to_tsvector('es_unaccent', word) <> ''::tsvector
ORDER BY att_unaccent(word), ndoc DESC, word;
CREATE UNIQUE INDEX conocimiento_vocabulario_clave ON conocimiento_vocabulario (clave);
CREATE INDEX conocimiento_vocabulario_trgm ON conocimiento_vocabulario USING gin (clave gin_trgm_ops);
"""
BORRAR = "DROP MATERIALIZED VIEW IF EXISTS conocimiento_vocabulario;"


class Migration(migrations.Migration):
    dependencies = [("conocimiento", "0006_codigo_certificado_datos"), ("att", "0002_extensiones_busqueda")]

    operations = [migrations.RunSQL(CREAR, BORRAR)]
