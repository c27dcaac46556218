"""Cruce de oferta y demanda (DOMAIN §5, «Matching»; CONPES 4091 §5.3.1).

Para una demanda, las ofertas publicadas y vigentes cuya focalización incluye a la entidad y que
comparten alguno de sus temas (propios, padres o subtemas) **o** alguna palabra de su título y su
descripción con el vector de búsqueda de la oferta (ponderado, español, sin tildes). PostgreSQL
calcula el puntaje y ordena en una consulta; cada oferta trae una línea de explicación en español
por criterio: texto (las palabras que coinciden), tema y descriptor, capacidad, focalización y
cobertura, etapa del ciclo, modalidad y canal, cupos y decisiones anteriores sobre demandas parecidas.

Puntaje (0–100), normalizado por lo que la demanda llenó (un criterio que la demanda no indica no
suma ni resta: su peso se reparte entre los demás):

- texto (`PESO_TEXTO`): de las palabras que describen la necesidad (sin las de trámite como
  «necesitamos» o «apoyo»), la fracción que está en la oferta; pesa más si está en su nombre o temas;
- temas (`PESO_TEMA`): coseno entre los temas de la demanda y los de la oferta: compartir más temas
  de la demanda cuenta más, y un tema secundario de una oferta de muchos temas cuenta menos; un
  padre o subtema cuenta la mitad;
- capacidad, etapa, modalidad y canal (`PESO_ESTRUCTURA`): la fracción de los que la demanda indicó;
- cobertura (`PESO_COBERTURA`): lista explícita > departamento > perfil > abierta a todas;
- cupos agotados restan `CASTIGO_SIN_CUPOS`; las decisiones sobre demandas parecidas suben o bajan
  (`demanda.decisiones`), sin pasar nunca por encima de la focalización (se aplican a las candidatas).

Empates: relevancia del texto, luego de los temas, luego id; nunca la fecha.
Brecha: ninguna candidata alcanza `UMBRAL_BRECHA` de relevancia (`es_brecha`).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from att.models import DescriptorTematico, Entidad, Tema, TipoEntidad
from demanda.models import ESTADOS_OCUPAN_CUPO, Demanda
from oferta import selectors as oferta_selectors
from oferta.models import Oferta
from oferta.selectors import vigentes

TemaOferta = Oferta.temas.through
DescriptorOferta = Oferta.descriptores.through
CapacidadOferta = Oferta.capacidades.through
EtapaOferta = Oferta.etapas.through
ModalidadOferta = Oferta.modalidades.through
DepartamentoOferta = Oferta.focaliza_departamentos.through
EntidadOferta = Oferta.focaliza_entidades.through


# La regla de focalización vive con la oferta (la usa también su sección del perfil).
filtro_focalizacion = oferta_selectors.filtro_focalizacion


def _departamento_de(entidad: Entidad) -> str | None:
    if entidad.departamento_id:
        return entidad.departamento_id
    return entidad.municipio_id[:2] if entidad.municipio_id else None


def _existe(tabla, campo, valores) -> Exists | Value:
    if valores is None or valores == []:
        return Value(False, output_field=BooleanField())
    filtro = {f"{campo}__in": valores} if isinstance(valores, list) else {campo: valores}
    return Exists(tabla.objects.filter(oferta_id=OuterRef("pk"), **filtro))


# --- Pesos y umbral ------------------------------------------------------------------------------
# Elegidos en la parte «ajuste» de bench/evaluacion_matching (36 demandas; `manage.py evaluar_matching`):
# texto 70 / temas 10 / estructura 12 / cobertura 8 da precisión@1 1.000 y MRR 1.000 allí (texto 70 / temas
# 20: 0.964 y 0.982; texto 50 / temas 30: 0.786 y 0.840: con más peso en los temas, el tema marcado amplio
# o errado vuelve a decidir).
PESO_TEXTO, PESO_TEMA, PESO_ESTRUCTURA, PESO_COBERTURA = 70, 10, 12, 8
COBERTURA = {"lista": 1.0, "departamento": 0.75, "perfil": 0.5, "abierta": 0.25}
CASTIGO_SIN_CUPOS = 40
FRECUENTE = 0.05  # un término en más del 5 % de las ofertas no trae candidatas por sí solo (sí puntúa)
VENTANA = 100  # candidatas ordenadas en PostgreSQL antes de descontar los cupos agotados (ver consulta_candidatas)
# ts_rank con estos pesos {D, C, B, A}: una palabra en el nombre o los temas (A, B) vale 1; en la necesidad,
# la descripción o la entidad (C, D), 2/3. ts_rank divide por el número de términos y por 1.645 (π²/6)
# cada término que aparece una vez; se multiplica por 1.645: la fracción ponderada de términos presentes.
PESOS_TS = "{0.6667,0.6667,1,1}"
# Decisiones sobre demandas parecidas (`DecisionCruce`): cada una suma su signo por la semejanza de su
# demanda con esta (0–1: 0.3 si comparte un tema marcado, 0.7 por la fracción de las palabras de esta
# que tenía aquella); el total, por PUNTOS_DECISION, sube o baja el puntaje hasta TOPE_DECISIONES.
SIGNO_DECISION = {"vinculada": 1.0, "solicitada": 0.5, "remitida": -0.5, "descartada": -1.0}
PUNTOS_DECISION, TOPE_DECISIONES = 12, 20
# Brecha si la mejor candidata no alcanza esta relevancia (fracción ponderada de las palabras de la
# necesidad que están en la oferta, `PESOS_TS`). En la parte «ajuste»: cualquier umbral entre 0.35 y 0.39
# decide bien 35 de 36 demandas (7 de 8 sin oferta señaladas, ninguna atendible señalada); se toma 0.37.
# La única que falla allí («extension agropecuaria» de una alcaldía, cuya oferta es solo para
# gobernaciones) llega a 0.458 con un proyecto productivo de la ADR; la atendible más baja, 0.396.
UMBRAL_BRECHA = 0.37

# Palabras de trámite que no describen la necesidad (lexemas de la configuración 'es_unaccent'):
# necesitamos, queremos, requerimos, solicitamos, apoyo, ayuda, acompañamiento, asesoría, asistencia
# técnica, toca, hacer, municipio, alcaldía, secretaría, favor, mucho, nuevo, tema, entidad, saber,
# nos dijeron, pidió, llevar, problema, poder, deber, estar, año, vez, gente, ahora, urgente, necesidad.
GENERICAS = frozenset({
    "necesit", "quer", "quier", "requer", "requier", "solicit", "apoy", "ayud", "acompanamiento", "asesori",
    "asistent", "tecnic", "toc", "hac", "municipi", "municipal", "alcaldi", "secretari", "favor", "much", "nuev",
    "tem", "entid", "sab", "dijeron", "pidi", "pid", "llev", "problem", "pued", "deb", "esta", "ano", "anos", "vez",
    "gent", "ahor", "urgent", "bien", "mal", "dond", "cuant", "hoy", "necesid",
    # Los que el diccionario deja sin cortar o corta distinto (según `ts_debug('es_unaccent', …)`).
    "asesoria", "secretaria", "alcaldia", "tecnica", "neces",
})



def _util(lexema: str) -> bool:
    """Un lexema que describe la necesidad: no es de trámite, tiene 3 letras o más, y si es una cifra,
    de 3 dígitos (la «Ley 617» sí; años y cantidades sueltas no)."""
    if lexema in GENERICAS or len(lexema) < 3:
        return False
    return not lexema.isdigit() or len(lexema) == 3


def lexemas_utiles(oferta_id: int) -> list[str]:
    """Los lexemas útiles del vector de búsqueda de una oferta (para buscar demandas que los nombran)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tsvector_to_array(busqueda) FROM {Oferta._meta.db_table} WHERE id = %s", [oferta_id])
        fila = cursor.fetchone()
    return sorted(x for x in (fila[0] or []) if _util(x)) if fila else []


def _consulta_o(lexemas: list[str]) -> str:
    return " | ".join(_consulta_ts(x) for x in lexemas)


def _consulta_ts(lexema: str, pesos: str = "") -> str:
    """Texto de un `tsquery` de un solo lexema ya normalizado (sin volver a pasarlo por el diccionario)."""
    return "'" + lexema.replace("\\", "\\\\").replace("'", "''") + "'" + (f":{pesos}" if pesos else "")


class _Contexto:
    """Lo que se necesita saber de la demanda: temas (propios, padres y subtemas) y descriptores en
    una sola consulta (UNION ALL), las palabras de su título y su descripción con su lexema en otra,
    más la entidad si no vino cargada."""

    def __init__(self, demanda: Demanda):
        if "entidad" not in demanda._state.fields_cache:
            demanda.entidad = Entidad.objects.select_related("municipio", "departamento").get(pk=demanda.entidad_id)
        self.demanda = demanda
        self.entidad = demanda.entidad
        filas = []
        if demanda.pk:
            TemaDemanda = Demanda.temas.through
            propios = TemaDemanda.objects.filter(demanda_id=demanda.pk).values("tema_id")
            temas = (
                Tema.objects.filter(Q(pk__in=propios) | Q(padre_id__in=propios) | Q(subtemas__in=propios))
                .annotate(k=Value("t", output_field=CharField()),
                          directo=Exists(TemaDemanda.objects.filter(demanda_id=demanda.pk, tema_id=OuterRef("pk"))))
                .values_list("k", "pk", "nombre", "directo").order_by().distinct()
            )
            descriptores = (
                DescriptorTematico.objects.filter(demandas=demanda.pk)
                .annotate(k=Value("d", output_field=CharField()), directo=Value(True, output_field=BooleanField()))
                .values_list("k", "pk", "nombre", "directo").order_by()
            )
            filas = list(temas.union(descriptores, all=True))
        self.tema_ids = sorted(pk for k, pk, _n, directo in filas if k == "t" and directo)
        self.relacionados = sorted(pk for k, pk, _n, directo in filas if k == "t" and not directo)
        self.nombres_tema = {pk: nombre for k, pk, nombre, _d in filas if k == "t"}
        self.descriptores = {pk: nombre for k, pk, nombre, _d in filas if k == "d"}
        self._leer_texto(f"{demanda.titulo or ''} . {demanda.descripcion or ''}")
        self.decisiones = {}

    def leer_decisiones(self) -> None:
        """Decisiones sobre demandas parecidas, por oferta: una consulta agregada (índices GIN sobre los
        temas y las palabras guardados con cada decisión)."""
        if not (self.tema_ids or self.terminos):
            return
        from demanda.models import DecisionCruce

        t = DecisionCruce._meta.db_table
        semejanza = (f"(0.3 * ({t}.temas && %s::bigint[])::int + 0.7 * LEAST(1, cardinality(ARRAY("
                     f"SELECT unnest({t}.terminos) INTERSECT SELECT unnest(%s::varchar[])))::float / %s))")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT oferta_id, tipo, count(*), sum({semejanza}) FROM {t} "
                f"WHERE {t}.temas && %s::bigint[] OR {t}.terminos && %s::varchar[] GROUP BY oferta_id, tipo",
                [self.tema_ids, self.terminos, max(len(self.terminos), 1), self.tema_ids, self.terminos],
            )
            for oferta_id, tipo, n, suma in cursor.fetchall():
                d = self.decisiones.setdefault(oferta_id, {"neto": 0.0})
                d[tipo] = n
                d["neto"] += SIGNO_DECISION.get(tipo, 0) * float(suma)

    def ajuste_por_decisiones(self, oferta_id: int) -> float:
        neto = self.decisiones.get(oferta_id, {}).get("neto", 0.0)
        return max(-TOPE_DECISIONES, min(TOPE_DECISIONES, PUNTOS_DECISION * neto))

    def _leer_texto(self, texto: str) -> None:
        """`ts_debug` da cada palabra con su lexema: los términos de búsqueda (lexemas útiles, sin
        repetir) y la secuencia de palabras para nombrar después las frases que coinciden. En la misma
        consulta, la fracción de ofertas que tiene cada lexema según las estadísticas de PostgreSQL
        (`pg_stats.most_common_elems` del vector, las que calcula ANALYZE): los términos que están en
        más de `FRECUENTE` de las ofertas puntúan pero no traen candidatas (traerían casi todo)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH s AS (SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'busqueda') "
                "SELECT d.token, d.lexemes, (SELECT s.f[array_position(s.e, d.lexemes[1])] FROM s) "
                "FROM ts_debug('es_unaccent', %s) d",
                [Oferta._meta.db_table, texto[:4000]],
            )
            filas = cursor.fetchall()
        self.fichas = [(token, lexemas[0] if lexemas else ("" if lexemas is not None else None))
                       for token, lexemas, _f in filas]
        self.terminos = list(dict.fromkeys(lex for _t, lex in self.fichas if lex and _util(lex)))
        frecuencia = {lexemas[0]: f for _t, lexemas, f in filas if lexemas and f is not None}
        self.distintivos = [x for x in self.terminos if frecuencia.get(x, 0) <= FRECUENTE]

    def frases(self, coinciden: set[str]) -> list[str]:
        """Las palabras de la demanda cuyo lexema está en la oferta, agrupadas en frases tal como
        aparecen («marco fiscal», «plan financiero»); una palabra vacía («de») une dos que coinciden."""
        frases, actual, pendiente = [], [], []
        for token, lexema in self.fichas:
            if lexema is None and token.strip() == "":
                continue
            if lexema and lexema in coinciden:
                actual += pendiente + [token.lower()]
                pendiente = []
            elif lexema == "" and actual:
                pendiente.append(token.lower())
            else:
                if actual:
                    frases.append(" ".join(actual))
                actual, pendiente = [], []
        if actual:
            frases.append(" ".join(actual))
        return list(dict.fromkeys(frases))


def _expresiones(c: _Contexto, d: Demanda) -> dict:
    """SQL de cada componente del puntaje sobre la fila de `oferta_oferta` (las copias de ids de las
    facetas y el vector de búsqueda están en la misma fila: nada de subconsultas por tabla intermedia)."""
    t = Oferta._meta.db_table
    e = {}
    if c.terminos:
        e["texto"] = (f"LEAST(1, 1.64493406685 * ts_rank('{PESOS_TS}', {t}.busqueda, %s::tsquery))::float",
                      [_consulta_o(c.terminos)])
    else:
        e["texto"] = ("0::float", [])
    if c.tema_ids or c.relacionados:
        # Cuántos temas comparte: un && por tema de la demanda (pocos), sin subconsultas por fila.
        directos = " + ".join([f"({t}.facetas_temas && ARRAY[%s]::bigint[])::int"] * len(c.tema_ids)) or "0"
        vecinos = " + ".join([f"({t}.facetas_temas && ARRAY[%s]::bigint[])::int"] * len(c.relacionados)) or "0"
        e["tema"] = (
            (f"LEAST(1, (({directos}) + 0.5 * ({vecinos}))"
             f" / sqrt(%s * GREATEST(cardinality({t}.facetas_temas), 1)))::float"),
            [*c.tema_ids, *c.relacionados, max(len(c.tema_ids), 1)],
        )
    else:
        e["tema"] = ("0::float", [])
    estructura, params = [], []
    for campo, valor in (("capacidades", d.capacidad_id), ("etapas", d.etapa_id), ("modalidades", d.modalidad_id)):
        if valor:
            estructura.append(f"({t}.facetas_{campo} @> ARRAY[%s]::bigint[])::int")
            params.append(valor)
    if d.canal_id:
        estructura.append(f"({t}.canal_id = %s)::int")
        params.append(d.canal_id)
    e["estructura"] = ((f"(({' + '.join(estructura)})::float / {len(estructura)})", params) if estructura
                       else ("0::float", []))
    e["llenos"] = len(estructura)
    return e


def huella(demanda: Demanda) -> tuple[list[int], list[str]]:
    """Temas marcados y palabras útiles de la demanda: lo que guarda una `DecisionCruce`."""
    c = _Contexto(demanda)
    return c.tema_ids, c.terminos


def _decisiones(c: _Contexto):
    """Ajuste del puntaje por decisiones (CASE por id de oferta; solo las de mayor peso, pocas)."""
    ajustes = sorted(((c.ajuste_por_decisiones(pk), pk) for pk in c.decisiones), key=lambda x: -abs(x[0]))[:50]
    ajustes = [(a, pk) for a, pk in ajustes if a]
    if not ajustes:
        return Value(0.0, output_field=FloatField())
    return Case(*[When(pk=pk, then=Value(a)) for a, pk in ajustes], default=Value(0.0), output_field=FloatField())


def _cobertura(c: _Contexto):
    en_lista = _existe(EntidadOferta, "entidad_id", c.entidad.pk)
    en_depto = _existe(DepartamentoOferta, "departamento_id", _departamento_de(c.entidad))
    por_perfil = ~Q(focaliza_categorias=[]) | ~Q(focaliza_grupos_mdm=[]) | Q(solo_pdet=True) | Q(solo_zomac=True)
    return Case(When(en_lista, then=Value(COBERTURA["lista"])), When(en_depto, then=Value(COBERTURA["departamento"])),
                When(por_perfil, then=Value(COBERTURA["perfil"])), default=Value(COBERTURA["abierta"]),
                output_field=FloatField())


def _ocupados():
    return Coalesce(Subquery(
        Demanda.objects.filter(oferta_id=OuterRef("pk"), estado__in=ESTADOS_OCUPAN_CUPO)
        .order_by().values("oferta_id").annotate(n=Count("oferta_id")).values("n")[:1],
        output_field=IntegerField(),
    ), 0)


def consulta_candidatas(demanda: Demanda, limite: int = 20, contexto: _Contexto | None = None) -> RawSQL | list:
    """La consulta de orden (una sola, filas angostas; `RawSQL` con `.sql` y `.params`, o lista vacía si
    la demanda no dice nada); el benchmark la explica. Filas:
    (pk, puntaje sin cupos, texto, tema, cobertura, cupos, ocupados), las `limite` mejores por puntaje sin cupos.

    Los cupos ocupados (una subconsulta por fila) no entran en el orden de PostgreSQL: se calculan solo
    para las filas que pasan el LIMIT (PostgreSQL posterga las expresiones caras de la lista de salida
    que no ordenan) y `ofertas_candidatas` descuenta los agotados sobre una ventana de `VENTANA` filas.
    Quitar puntos solo baja una oferta: las `limite` primeras tras descontar están en la ventana
    mientras haya menos de `VENTANA - limite` ofertas agotadas delante."""
    if contexto is None:
        contexto = _Contexto(demanda)
        contexto.leer_decisiones()
    c = contexto
    if c.entidad is None or c.entidad.tipo not in TipoEntidad.territoriales():
        return []  # la focalización no incluye a ninguna entidad no territorial
    todos_temas = c.tema_ids + c.relacionados
    t = Oferta._meta.db_table
    relevante = Q(pk__in=[])
    if todos_temas:
        relevante |= Q(facetas_temas__overlap=todos_temas)
    elif c.descriptores and not c.terminos:
        relevante |= Q(facetas_descriptores__overlap=list(c.descriptores))
    qs = vigentes()
    if c.distintivos:
        qs = qs.annotate(por_texto=RawSQL(f"{t}.busqueda @@ %s::tsquery", [_consulta_o(c.distintivos)],
                                          output_field=BooleanField()))
        relevante |= Q(por_texto=True)
    elif not todos_temas and not c.descriptores:
        return []
    e = _expresiones(c, demanda)
    texto, tema = RawSQL(*e["texto"], output_field=FloatField()), RawSQL(*e["tema"], output_field=FloatField())
    pesos = PESO_COBERTURA + (PESO_TEXTO if c.terminos else 0) + (PESO_TEMA if todos_temas else 0) \
        + (PESO_ESTRUCTURA if e["llenos"] else 0)
    componentes = (
        qs.filter(relevante).filter(filtro_focalizacion(c.entidad))
        .annotate(texto=texto, tema=tema, c_estructura=RawSQL(*e["estructura"], output_field=FloatField()),
                  cobertura=_cobertura(c), ajuste=_decisiones(c))
        .order_by().values_list("id", "cupos", "texto", "tema", "c_estructura", "cobertura", "ajuste")
    )
    try:
        sql, params = componentes.query.sql_with_params()
    except EmptyResultSet:  # ninguna condición de búsqueda puede cumplirse (p. ej. `pk__in=[]`)
        return []
    # Cada componente se calcula una vez por fila (subconsulta); el puntaje, el orden y el LIMIT afuera;
    # los cupos ocupados solo para las filas que pasan el LIMIT.
    return RawSQL(
        f"""SELECT r.id, r.puntaje, r.texto, r.tema, r.cobertura, r.cupos,
               CASE WHEN r.cupos IS NULL THEN 0 ELSE (
                   SELECT count(*) FROM {Demanda._meta.db_table} u WHERE u.oferta_id = r.id AND u.estado = ANY(%s)) END
        FROM (SELECT s.id, s.cupos, s.texto, s.tema, s.cobertura,
                     (%s * s.texto + %s * s.tema + %s * s.c_estructura + %s * s.cobertura) * %s + s.ajuste AS puntaje
              FROM ({sql}) s ORDER BY puntaje DESC, s.texto DESC, s.tema DESC, s.id LIMIT %s) r
        ORDER BY r.puntaje DESC, r.texto DESC, r.tema DESC, r.id""",
        [list(ESTADOS_OCUPAN_CUPO), PESO_TEXTO, PESO_TEMA, PESO_ESTRUCTURA, PESO_COBERTURA, 100.0 / pesos,
         *params, limite],
    )


def _filas(consulta) -> list[tuple]:
    if not isinstance(consulta, RawSQL):
        return list(consulta)
    with connection.cursor() as cursor:
        cursor.execute(consulta.sql, consulta.params)
        return cursor.fetchall()


def relevancia(texto: float, tema: float, con_palabras: bool = True) -> float:
    """Qué tanto atiende la oferta la necesidad, sin lo que no habla de la necesidad (cobertura, etapa,
    modalidad, cupos): la que decide si hay brecha. Es la del texto; si la demanda no tiene ninguna
    palabra útil (solo de trámite: «necesitamos apoyo»), la de los temas: el tema es todo lo que dice."""
    return texto if con_palabras else tema


def es_brecha(candidatas: list[Oferta]) -> bool:
    """Brecha: ninguna candidata alcanza `UMBRAL_BRECHA` de relevancia (lista vacía incluida)."""
    return not any(o.relevancia >= UMBRAL_BRECHA for o in candidatas)


def ofertas_candidatas(demanda: Demanda, limite: int = 20) -> list[Oferta]:
    """Ofertas candidatas ordenadas; cada una con `.puntaje` (0–100), `.relevancia` (0–1), `.coinciden`
    (frases de la demanda que están en la oferta) y `.explicacion` (líneas en español)."""
    c = _Contexto(demanda)
    c.leer_decisiones()
    filas = _filas(consulta_candidatas(demanda, max(limite, VENTANA), c))
    if not filas:
        return []
    orden, por_fila = [], {}
    for pk, puntaje, texto, tema, cobertura, cupos, ocupados in filas:
        agotada = cupos is not None and ocupados >= cupos
        orden.append((pk, puntaje - (CASTIGO_SIN_CUPOS if agotada else 0), texto, tema))
        por_fila[pk] = (cobertura, ocupados)
    orden.sort(key=lambda f: (-f[1], -f[2], -f[3], f[0]))
    orden = orden[:limite]
    ids = [fila[0] for fila in orden]
    # Solo las columnas que usan la explicación y las páginas (la fila completa trae el vector de
    # búsqueda), con las copias de los ids de las facetas (criterio por criterio, sin releer las tablas
    # intermedias) y los lexemas de la demanda que tiene cada una (las palabras en común).
    t = Oferta._meta.db_table
    por_pk = {o.pk: o for o in Oferta.objects.filter(pk__in=ids).select_related("entidad", "canal").only(
        "nombre", "entidad__nombre", "entidad__sigla", "canal__nombre", "cupos", "focaliza_categorias",
        "focaliza_grupos_mdm", "solo_pdet", "solo_zomac", "facetas_temas", "facetas_descriptores",
        "facetas_capacidades", "facetas_etapas", "facetas_modalidades",
    ).annotate(lexemas_comunes=RawSQL(f"ARRAY(SELECT x.lexeme FROM unnest({t}.busqueda) x WHERE x.lexeme = ANY(%s))",
                                      [c.terminos or []], output_field=ArrayField(CharField())))}
    d = demanda
    exactos, vecinos, descriptores = set(c.tema_ids), set(c.relacionados), set(c.descriptores)
    for o in por_pk.values():
        temas = set(o.facetas_temas)
        o.tema_exacto, o.tema_relacionado = bool(temas & exactos), bool(temas & vecinos)
        o.descriptor_comun = bool(set(o.facetas_descriptores) & descriptores)
        o.capacidad_comun = d.capacidad_id in o.facetas_capacidades
        o.etapa_comun = d.etapa_id in o.facetas_etapas
        o.modalidad_comun = d.modalidad_id in o.facetas_modalidades
        o.canal_comun = bool(d.canal_id) and o.canal_id == d.canal_id
        # La cobertura ya la decidió la consulta de orden (`_cobertura`): lista > departamento > perfil > abierta.
        cobertura, o.ocupados = por_fila[o.pk]
        o.en_lista = cobertura == COBERTURA["lista"]
        o.en_departamento = cobertura == COBERTURA["departamento"]
        o.por_perfil = bool(o.focaliza_categorias or o.focaliza_grupos_mdm or o.solo_pdet or o.solo_zomac)
        o.temas_comunes = sorted(c.nombres_tema[x] for x in temas & (exactos | vecinos))
    ofertas = []
    for pk, puntaje, texto, tema in orden:
        o = por_pk[pk]
        o.puntaje = max(0, min(100, round(puntaje)))
        o.texto, o.tema = texto, tema
        o.relevancia = relevancia(texto, tema, bool(c.terminos))
        o.coinciden = c.frases(set(o.lexemas_comunes or []))
        o.cupos_libres = None if o.cupos is None else o.cupos - o.ocupados
        o.decisiones_previas = c.decisiones.get(pk, {})
        o.explicacion = explicar(o, demanda, c, o.temas_comunes)
        ofertas.append(o)
    return ofertas


def _lista(nombres) -> str:
    return ", ".join(f"«{n}»" for n in nombres)


def _linea_decisiones(decisiones: dict, ajuste: int) -> str:
    partes = []
    for tipo, singular, plural in (
        ("vinculada", _("el DNP la vinculó a %(n)d demanda parecida"), _("el DNP la vinculó a %(n)d demandas parecidas")),
        ("solicitada", _("%(n)d entidad la pidió para una demanda parecida"),
         _("%(n)d entidades la pidieron para demandas parecidas")),
        ("descartada", _("descartada %(n)d vez para una demanda parecida"),
         _("descartada %(n)d veces para demandas parecidas")),
        ("remitida", _("el DNP remitió %(n)d demanda parecida a otra parte"),
         _("el DNP remitió %(n)d demandas parecidas a otra parte")),
    ):
        if decisiones.get(tipo):
            partes.append((singular if decisiones[tipo] == 1 else plural) % {"n": decisiones[tipo]})
    return _("Decisiones anteriores: %(p)s (%(a)+d puntos).") % {"p": "; ".join(partes), "a": ajuste}


def explicar(o: Oferta, d: Demanda, c: _Contexto, temas: list[str]) -> list[str]:
    lineas = []
    # Texto: las palabras de la demanda que están en la oferta
    if o.coinciden:
        lineas.append(_("Texto: coinciden %(p)s.") % {"p": _lista(o.coinciden)})
    elif c.terminos:
        lineas.append(_("Texto: ninguna palabra de la necesidad aparece en la oferta."))
    # Tema y descriptor
    descriptores = _lista(c.descriptores.values())
    if o.tema_exacto:
        linea = _("Tema: coincide en %(t)s.") % {"t": _lista(temas)}
    elif o.tema_relacionado:
        linea = _("Tema: relacionado (tema padre o subtema) %(t)s.") % {"t": _lista(temas)}
    else:
        linea = _("Tema: ninguno en común.")
    if o.descriptor_comun:
        linea += " " + _("Comparte el descriptor %(d)s.") % {"d": descriptores}
    lineas.append(linea)
    # Capacidad
    if d.capacidad_id is None:
        lineas.append(_("Capacidad: la demanda no indica cuál fortalecer."))
    elif o.capacidad_comun:
        lineas.append(_("Capacidad: fortalece «%(c)s», la que pide la entidad.") % {"c": d.capacidad})
    else:
        lineas.append(_("Capacidad: no fortalece «%(c)s».") % {"c": d.capacidad})
    # Focalización y cobertura
    entidad = c.entidad
    if o.en_lista:
        lineas.append(_("Cobertura: la oferta incluye expresamente a %(e)s.") % {"e": entidad.nombre})
    elif o.en_departamento:
        depto = entidad.departamento.nombre if entidad.departamento_id else _departamento_de(entidad)
        lineas.append(_("Cobertura: focaliza el departamento de %(d)s, donde está la entidad.") % {"d": depto})
    elif o.por_perfil:
        lineas.append(_("Cobertura: focaliza entidades con el perfil de %(e)s (categoría, grupo MDM, PDET o ZOMAC).")
                      % {"e": entidad.nombre})
    else:
        lineas.append(_("Cobertura: abierta a todas las entidades territoriales de su tipo."))
    # Etapa del ciclo
    if d.etapa_id is None:
        lineas.append(_("Etapa del ciclo: la demanda no la indica."))
    elif o.etapa_comun:
        lineas.append(_("Etapa del ciclo: es útil en «%(e)s», la etapa en que está la entidad.") % {"e": d.etapa})
    else:
        lineas.append(_("Etapa del ciclo: no está pensada para «%(e)s».") % {"e": d.etapa})
    # Modalidad y canal
    partes = []
    if d.modalidad_id:
        partes.append((_("ofrece la modalidad «%(m)s»") if o.modalidad_comun else _("no ofrece la modalidad «%(m)s»"))
                      % {"m": d.modalidad})
    if d.canal_id:
        partes.append((_("canal «%(c)s» como se prefiere") if o.canal_comun else _("su canal es «%(c)s», no el preferido"))
                      % {"c": o.canal})
    lineas.append(_("Modalidad y canal: %(p)s.") % {"p": "; ".join(partes)} if partes
                  else _("Modalidad y canal: la demanda no indica preferencia."))
    # Cupos
    if o.cupos is None:
        lineas.append(_("Cupos: sin límite."))
    elif o.cupos_libres and o.cupos_libres > 0:
        lineas.append(_("Cupos: quedan %(l)d de %(c)d.") % {"l": o.cupos_libres, "c": o.cupos})
    else:
        lineas.append(_("Cupos: agotados (%(c)d de %(c)d ocupados).") % {"c": o.cupos})
    # Decisiones sobre demandas parecidas (los textos solo si hay alguna: gettext no es gratis)
    decisiones = getattr(o, "decisiones_previas", {})
    if any(decisiones.get(tipo) for tipo in SIGNO_DECISION):
        lineas.append(_linea_decisiones(decisiones, round(c.ajuste_por_decisiones(o.pk))))
    return lineas
