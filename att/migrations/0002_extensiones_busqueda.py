from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# Configuración de búsqueda en español que ignora tildes ("planeacion" encuentra "Planeación"),
# y una versión IMMUTABLE de unaccent para poder indexar expresiones (trigramas, búsquedas).
CREAR_CONFIGURACION = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'es_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
    ALTER TEXT SEARCH CONFIGURATION es_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
END
$$;
CREATE OR REPLACE FUNCTION att_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $f$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $f$;
"""
BORRAR_CONFIGURACION = """
DROP FUNCTION IF EXISTS att_unaccent(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS es_unaccent;
"""


class Migration(migrations.Migration):
    dependencies = [("att", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREAR_CONFIGURACION, BORRAR_CONFIGURACION),
    ]
