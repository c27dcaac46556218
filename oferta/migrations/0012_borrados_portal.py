"""Huella de la caché del portal (`oferta.selectors._huella`): cuenta los borrados de ofertas que están o
estuvieron publicadas, que no dejan rastro en la tabla. Crea la tabla de una fila
`oferta_borrados_portal` y dos disparadores por sentencia sobre `oferta_oferta`: tras un DELETE que se
lleva alguna publicada (o publicada alguna vez: `publicada_en`) y tras un TRUNCATE, suben el contador.
Los borradores se borran sin tocarlo. Una sola fila por sentencia, no por oferta borrada; el
`search_path` de la función es el de la migración (PostgreSQL 17+ y el embebido)."""

from django.db import migrations

CREAR = """
CREATE TABLE oferta_borrados_portal (id smallint PRIMARY KEY CHECK (id = 1), n bigint NOT NULL DEFAULT 0);
INSERT INTO oferta_borrados_portal (id, n) VALUES (1, 0);
CREATE FUNCTION oferta_contar_borrados_portal() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $f$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE oferta_borrados_portal SET n = n + 1 WHERE id = 1;
    ELSIF EXISTS (SELECT 1 FROM viejas WHERE estado = 'publicada' OR publicada_en IS NOT NULL) THEN
        UPDATE oferta_borrados_portal SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END
$f$;
CREATE TRIGGER oferta_borrados_portal AFTER DELETE ON oferta_oferta
    REFERENCING OLD TABLE AS viejas FOR EACH STATEMENT EXECUTE FUNCTION oferta_contar_borrados_portal();
CREATE TRIGGER oferta_vaciado_portal AFTER TRUNCATE ON oferta_oferta
    FOR EACH STATEMENT EXECUTE FUNCTION oferta_contar_borrados_portal();
"""

BORRAR = """
DROP TRIGGER IF EXISTS oferta_vaciado_portal ON oferta_oferta;
DROP TRIGGER IF EXISTS oferta_borrados_portal ON oferta_oferta;
DROP FUNCTION IF EXISTS oferta_contar_borrados_portal();
DROP TABLE IF EXISTS oferta_borrados_portal;
"""


class Migration(migrations.Migration):
    dependencies = [("oferta", "0011_vocabulario_busqueda")]

    operations = [migrations.RunSQL(CREAR, BORRAR)]
