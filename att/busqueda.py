"""Búsqueda de texto común al portal de oferta, al repositorio de conocimiento y a sus API.

- `consulta(q)`: la consulta de texto completo en español (configuración `es_unaccent`: sin tildes,
  con raíces) con la sintaxis web que ya conocían las personas (comillas para una frase exacta, un
  guion para excluir, «o»/«or» para alternativas), y además:
  * prefijo sobre la raíz de cada palabra de 4 letras o más (`catastro` → `'catastr':*`, que alcanza
    a «catastral»; también la palabra que se está escribiendo: `planea` → `'plane':*`);
  * derivación ligera de adjetivos en -al/-ales y -ario/-aria (`catastral` → `catastr:*`,
    `municipal` → `municip:*`, `presupuestario` → `presupuest:*`): el lematizador snowball del español
    no los lleva a la raíz del sustantivo y así «catastro» y «catastral» se encuentran en ambos sentidos;
  * las palabras de 3 letras o menos (siglas como ART o DNP) y las de una frase entre comillas se buscan
    exactas.
- `sugerir(q, vocabulario)`: «¿Quiso decir …?» por trigramas (pg_trgm) sobre un vocabulario de palabras
  reales de lo publicado (vista materializada con índice GIN de trigramas, ver `refrescar_vocabulario`).
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection

CONFIG = "es_unaccent"
LARGO_MINIMO_PREFIJO = 4
# (sufijo, largo mínimo de lo que queda): la raíz que queda no debe ser tan corta que junte palabras
# sin relación (general → gener, social → soci no se recortan).
SUFIJOS_DERIVADOS = (("ales", 6), ("al", 6), ("arios", 6), ("arias", 6), ("ario", 6), ("aria", 6))

_FICHAS = re.compile(r'-?"[^"]*"?|[^\s"]+')
_PALABRA = re.compile(r"[^\W_]+")
_OPERADOR_O = {"o", "or", "u"}


def sin_tildes(texto: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", texto) if unicodedata.category(c) != "Mn").lower()


def _raiz_ligera(palabra: str) -> str:
    base = sin_tildes(palabra)
    for sufijo, minimo in SUFIJOS_DERIVADOS:
        if base.endswith(sufijo) and len(base) - len(sufijo) >= minimo:
            return base[: -len(sufijo)]
    return base


def _termino_palabra(palabra: str) -> str:
    if len(palabra) < LARGO_MINIMO_PREFIJO:
        return palabra
    return f"{_raiz_ligera(palabra)}:*"


def texto_tsquery(q: str) -> str:
    """La cadena para `to_tsquery` equivalente a `q` en sintaxis web, con prefijos (ver el módulo).

    Solo pasan letras y dígitos de cada palabra: ningún operador de `to_tsquery` llega desde afuera."""
    partes: list[str] = []
    pendiente_o = False
    for ficha in _FICHAS.findall(q or ""):
        negada = ficha.startswith("-") and len(ficha) > 1
        cuerpo = ficha[1:] if negada else ficha
        if cuerpo.startswith('"'):
            palabras = _PALABRA.findall(cuerpo)
            termino = " <-> ".join(palabras)
        else:
            if not negada and cuerpo.casefold() in _OPERADOR_O:
                pendiente_o = bool(partes)
                continue
            palabras = _PALABRA.findall(cuerpo)
            termino = " & ".join(_termino_palabra(p) for p in palabras)
        if not palabras:
            continue
        termino = f"({termino})" if len(palabras) > 1 else termino
        if negada:
            termino = f"!{termino}"
        if partes:
            partes.append("|" if pendiente_o else "&")
        partes.append(termino)
        pendiente_o = False
    return " ".join(partes)


def consulta(q: str) -> SearchQuery:
    """`SearchQuery` para filtrar (`campo=consulta(q)`) y ordenar (`SearchRank`) con el índice GIN."""
    return SearchQuery(texto_tsquery(q), search_type="raw", config=CONFIG)


# --- Vocabulario y «¿Quiso decir …?» ----------------------------------------------------------
# Cada vocabulario es una vista materializada (migraciones `*_vocabulario_busqueda`) con columnas
# `palabra` (como se escribe, con tildes), `clave` (sin tildes, única, con índice GIN de trigramas)
# y `documentos`. Solo contiene palabras de lo publicado: una sugerencia no revela un borrador.
VOCABULARIOS = {"oferta": "oferta_vocabulario", "conocimiento": "conocimiento_vocabulario"}
SIMILITUD_MINIMA = 0.35


def refrescar_vocabulario(nombre: str) -> None:
    """Recalcula el vocabulario (CONCURRENTLY: las búsquedas siguen leyendo la versión anterior)."""
    with connection.cursor() as cursor:
        cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {VOCABULARIOS[nombre]}")


_SQL_SUGERIR = """
SELECT p.i, p.w, v.palabra, v.clave = att_unaccent(lower(p.w)) AS exacta
FROM unnest(%s::text[]) WITH ORDINALITY AS p(w, i)
LEFT JOIN LATERAL (
    SELECT palabra, clave FROM {vista}
    WHERE clave %% att_unaccent(lower(p.w)) AND similarity(clave, att_unaccent(lower(p.w))) >= %s
    ORDER BY clave = att_unaccent(lower(p.w)) DESC, similarity(clave, att_unaccent(lower(p.w))) DESC,
             documentos DESC, clave
    LIMIT 1) v ON true
ORDER BY p.i
"""


def sugerir(q: str, vocabulario: str) -> str:
    """La búsqueda `q` con cada palabra desconocida cambiada por la más parecida del vocabulario
    (trigramas), o "" si no hay nada que cambiar. Una sola consulta, con el índice GIN de trigramas."""
    palabras = [p for p in _PALABRA.findall(q or "") if len(p) >= LARGO_MINIMO_PREFIJO and not p.isdigit()][:8]
    if not palabras:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(_SQL_SUGERIR.format(vista=VOCABULARIOS[vocabulario]), [palabras, SIMILITUD_MINIMA])
        cambios = {w: palabra for _i, w, palabra, exacta in cursor.fetchall() if palabra and not exacta}
    if not cambios:
        return ""
    return _PALABRA.sub(lambda m: cambios.get(m.group(0), m.group(0)), q).strip()


# --- Volver a la búsqueda -----------------------------------------------------------------------
def consulta_de_vuelta(valor: str, permitidas) -> str:
    """La consulta (`a=1&b=2`) de la búsqueda de la que se vino, solo con las claves `permitidas` y
    codificada de nuevo: se pega después del `?` de una ruta propia (nunca es una URL, así que no
    puede llevar a otro sitio)."""
    from django.http import QueryDict

    datos = QueryDict((valor or "")[:2000])
    limpia = QueryDict(mutable=True)
    for clave in datos:
        if clave in permitidas:
            limpia.setlist(clave, [v[:200] for v in datos.getlist(clave)[:50]])
    return limpia.urlencode()
