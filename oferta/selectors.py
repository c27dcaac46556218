"""Toda lectura de la oferta que usan las páginas y la API."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from att import busqueda, permisos, traduccion
from att.consultas import filas_preparadas
from att.memoria import MemoriaAcotada
from att.models import Entidad, Rol, TipoEntidad

from .models import TODO_EL_PAIS, EstadoOferta, Oferta, TransicionOferta

CONFIG_BUSQUEDA = "es_unaccent"
POR_PAGINA = 20



# Facetas del portal: parámetro GET → (etiqueta, campo muchos a muchos o FK, columna en la tabla intermedia)
FACETAS = {
    "descriptor": (gettext_lazy("Descriptor temático"), "descriptores", "descriptortematico_id", "att_descriptortematico"),
    "tema": (gettext_lazy("Tema o sector"), "temas", "tema_id", "att_tema"),
    "entidad": (gettext_lazy("Entidad oferente"), None, None, "att_entidad"),
    "modalidad": (gettext_lazy("Modalidad"), "modalidades", "modalidad_id", "att_modalidad"),
    "canal": (gettext_lazy("Canal"), None, None, "att_canal"),
    "etapa": (gettext_lazy("Etapa del ciclo de gestión"), "etapas", "etapaciclo_id", "att_etapaciclo"),
    "departamento": (gettext_lazy("Departamento cubierto"), "focaliza_departamentos", "departamento_id", "att_departamento"),
    "capacidad": (gettext_lazy("Capacidad que fortalece"), "capacidades", "capacidad_id", "att_capacidad"),
}
# Columna de la copia de ids en la fila y tabla del catálogo, por faceta.
COLUMNAS_FACETA = {
    "descriptor": ("facetas_descriptores", "att_descriptortematico", "c.nombre"),
    "tema": ("facetas_temas", "att_tema", "c.nombre"),
    "entidad": ("facetas_entidades", "att_entidad", "coalesce(nullif(c.sigla, ''), c.nombre)"),
    "modalidad": ("facetas_modalidades", "att_modalidad", "c.nombre"),
    "etapa": ("facetas_etapas", "att_etapaciclo", "c.nombre"),
    "capacidad": ("facetas_capacidades", "att_capacidad", "c.nombre"),
}
ORDENES = {
    "relevancia": gettext_lazy("Relevancia"),
    "recientes": gettext_lazy("Más recientes"),
    "nombre": gettext_lazy("Nombre (A–Z)"),
    "vigencia": gettext_lazy("Vence primero"),
}


@dataclass
class FiltrosPortal:
    q: str = ""
    valores: dict[str, list[str]] = field(default_factory=dict)
    orden: str = ""

    @classmethod
    def desde(cls, datos: QueryDict | dict) -> FiltrosPortal:
        def obtener_lista(clave):
            if hasattr(datos, "getlist"):
                return datos.getlist(clave)
            valor = datos.get(clave) or []
            # Un valor suelto es un valor, no una lista de letras ('05' no es ['0', '5']).
            return [valor] if isinstance(valor, str | int) else list(valor)

        valores = {}
        for clave in FACETAS:
            limpios = []
            for v in obtener_lista(clave):
                v = str(v).strip()
                if clave == "departamento":
                    if v.isdigit() and len(v) == 2:
                        limpios.append(v)
                elif v.isdigit() and len(v) < 10:
                    limpios.append(v)
            if limpios:
                valores[clave] = sorted(set(limpios))
        q = str(datos.get("q", "") or "").strip()[:200]
        orden = str(datos.get("orden", "") or "")
        if orden not in ORDENES:
            orden = "relevancia" if q else "recientes"
        return cls(q=q, valores=valores, orden=orden)

    @property
    def activos(self) -> bool:
        return bool(self.q or self.valores)

    def tiene(self, faceta: str, valor) -> bool:
        return str(valor) in self.valores.get(faceta, [])


def consulta_texto(q: str) -> SearchQuery:
    """Español sin tildes, sintaxis web, prefijo sobre la raíz de cada palabra (`att.busqueda`)."""
    return busqueda.consulta(q)


def aplicar_filtros(qs: QuerySet, filtros: FiltrosPortal) -> QuerySet:
    """Filtros que se combinan: Y entre facetas, O entre valores de una misma faceta.

    Usan la copia de ids de las facetas en la fila (índices GIN, operador &&), que mantiene
    `services.actualizar_busqueda`; un departamento incluye las ofertas de todo el país.
    """
    if filtros.q:
        qs = qs.filter(busqueda=consulta_texto(filtros.q))
    for clave, valores in filtros.valores.items():
        if clave == "canal":
            qs = qs.filter(canal_id__in=[int(v) for v in valores])
        elif clave == "departamento":
            qs = qs.filter(facetas_departamentos__overlap=[*valores, TODO_EL_PAIS])
        else:
            columna = COLUMNAS_FACETA[clave][0]
            qs = qs.filter(**{f"{columna}__overlap": [int(v) for v in valores]})
    return qs


def publicadas() -> QuerySet:
    """Ofertas publicadas: publicadas Y vigentes (`Oferta.objects.publicadas()`, la única definición)."""
    return Oferta.objects.publicadas()


# Nombre anterior (el cruce, el perfil): es la misma definición.
vigentes = publicadas


def filtro_focalizacion(entidad: Entidad) -> Q:
    """Q sobre Oferta: las ofertas cuya focalización incluye a `entidad`. Criterio vacío = todas.

    Los criterios se suman (Y): tipo de entidad (alcaldías / gobernaciones), departamentos,
    categoría Ley 617, grupo MDM, PDET, ZOMAC y lista explícita. Categoría, grupo MDM, PDET y
    ZOMAC son atributos municipales: una gobernación no los cumple.
    """
    if entidad is None or entidad.tipo not in TipoEntidad.territoriales():
        return Q(pk__in=[])
    q = Q(dirigida_a_alcaldias=True) if entidad.tipo == TipoEntidad.ALCALDIA else Q(dirigida_a_gobernaciones=True)
    depto = entidad.departamento_id or (entidad.municipio_id[:2] if entidad.municipio_id else None)
    deptos = Oferta.focaliza_departamentos.through.objects.filter(oferta_id=OuterRef("pk"))
    q &= ~Exists(deptos) | Exists(deptos.filter(departamento_id=depto))
    lista = Oferta.focaliza_entidades.through.objects.filter(oferta_id=OuterRef("pk"))
    q &= ~Exists(lista) | Exists(lista.filter(entidad_id=entidad.pk))
    municipio = entidad.municipio if entidad.tipo == TipoEntidad.ALCALDIA and entidad.municipio_id else None
    if municipio is not None and municipio.categoria:
        q &= Q(focaliza_categorias=[]) | Q(focaliza_categorias__contains=[municipio.categoria])
    else:
        q &= Q(focaliza_categorias=[])
    if municipio is not None and municipio.grupo_mdm:
        q &= Q(focaliza_grupos_mdm=[]) | Q(focaliza_grupos_mdm__contains=[municipio.grupo_mdm])
    else:
        q &= Q(focaliza_grupos_mdm=[])
    if municipio is None or not municipio.pdet:
        q &= Q(solo_pdet=False)
    if municipio is None or not municipio.zomac:
        q &= Q(solo_zomac=False)
    return q


def _ordenar(qs: QuerySet, filtros: FiltrosPortal) -> QuerySet:
    if filtros.orden == "relevancia" and filtros.q:
        return qs.annotate(rango=SearchRank(F("busqueda"), consulta_texto(filtros.q))).order_by(
            "-rango", "-publicada_en", "-pk")
    if filtros.orden == "nombre":
        return qs.order_by("nombre", "pk")
    if filtros.orden == "vigencia":
        return qs.order_by(F("vigencia_hasta").asc(nulls_last=True), "pk")
    return qs.order_by("-publicada_en", "-pk")


def portal_buscar(filtros: FiltrosPortal) -> QuerySet:
    """Ofertas publicadas que cumplen los filtros, ordenadas y listas para una tarjeta del portal."""
    qs = _ordenar(aplicar_filtros(publicadas(), filtros), filtros)
    return (
        qs.select_related("entidad", "canal")
        .defer(*CAMPOS_PESADOS)
        .prefetch_related(
            Prefetch("temas", queryset=_catalogo("temas")),
            Prefetch("modalidades", queryset=_catalogo("modalidades")),
        )
    )


CAMPOS_PESADOS = (
    "busqueda", "descripcion", "requisitos", "cronograma", "bienes_entregados", "alineacion_pnd",
    "comentario_revision", "facetas_descriptores", "facetas_temas", "facetas_capacidades", "facetas_etapas",
    "facetas_modalidades", "facetas_departamentos", "facetas_entidades",
)


def _catalogo(campo: str) -> QuerySet:
    modelo = Oferta._meta.get_field(campo).related_model
    return modelo.objects.only("id", "codigo", "nombre", "orden") if hasattr(modelo, "codigo") else modelo.objects.all()


ORDEN_SQL = {
    "relevancia": "rango DESC, publicada_en DESC, id DESC",
    "recientes": "publicada_en DESC, id DESC",
    "nombre": "nombre ASC, id ASC",
    "vigencia": "vigencia_hasta ASC NULLS LAST, id ASC",
}


def _condiciones_facetas(filtros: FiltrosPortal, tabla: str = "b") -> dict[str, tuple[str, list]]:
    """Por faceta elegida, su condición SQL (O entre sus valores) sobre la copia de ids en la fila."""
    condiciones = {}
    for clave, valores in filtros.valores.items():
        if clave == "canal":
            condiciones[clave] = (f"{tabla}.canal_id = ANY(%s::bigint[])", [[int(v) for v in valores]])
        elif clave == "departamento":
            condiciones[clave] = (f"{tabla}.facetas_departamentos && %s::varchar[]", [[*valores, TODO_EL_PAIS]])
        else:
            columna = COLUMNAS_FACETA[clave][0]
            condiciones[clave] = (f"{tabla}.{columna} && %s::bigint[]", [[int(v) for v in valores]])
    return condiciones


def _sql_resultados(sql_filtradas: str, orden: str, filtros: FiltrosPortal | None = None) -> tuple[str, list]:
    """Una sola consulta: el conjunto filtrado se calcula una vez (CTE) y de él salen el total, los
    ids de la página pedida en su orden y los conteos de todas las facetas.

    Facetas disyuntivas: el conjunto `b` tiene solo la búsqueda de texto; `f` le suma las facetas
    elegidas (Y entre facetas, O dentro de cada una). Los conteos de una faceta con valores elegidos
    salen de `b` con las demás facetas (no la propia): marcar «Presencial» no esconde «Virtual», que
    muestra cuántas se sumarían. Devuelve el SQL y los parámetros: los que van antes de
    LIMIT/OFFSET y los de después (ninguno: los conteos no llevan parámetros propios)."""
    condiciones = _condiciones_facetas(filtros) if filtros else {}
    # `b` (solo el texto) no se materializa: `f` lleva sus condiciones al plan y cruza los índices
    # GIN (texto y copias de ids, BitmapAnd); el rango se calcula solo para las filas de `f`.
    columnas = ", ".join(f"b.{c}" for c in COLUMNAS_FILTRADAS)
    q = filtros.q if filtros else ""
    rango = f"ts_rank(b.busqueda, to_tsquery('{busqueda.CONFIG}'::regconfig, %s))" if q else "0.0::real"
    params_f = [busqueda.texto_tsquery(q)] if q else []
    sql_f = ""
    if condiciones:
        sql_f = " WHERE " + " AND ".join(c for c, _p in condiciones.values())
        params_f += [v for _c, p in condiciones.values() for v in p]
    ctes = (f"WITH b AS NOT MATERIALIZED ({sql_filtradas}), "
            f"f AS MATERIALIZED (SELECT {columnas}, {rango} AS rango FROM b{sql_f})")
    if condiciones:
        # Los conteos de las facetas elegidas: una sola pasada más por `b` (no una por faceta), que
        # guarda de cada fila qué condición cumple y solo las que fallan a lo sumo una (las que
        # fallan dos no cuentan en ninguna faceta). El conteo de la faceta X sale de las que
        # cumplen todas las demás.
        marcas = ", ".join(f"coalesce({c}, false) AS cumple_{clave}" for clave, (c, _p) in condiciones.items())
        fallas = " + ".join(f"(NOT cumple_{clave})::int" for clave in condiciones)
        columnas_casi = ", ".join(f"b.{c}" for c in ("canal_id", *[c for c, _t, _n in COLUMNAS_FACETA.values()],
                                                   "facetas_departamentos"))
        ctes += (f", casi AS MATERIALIZED (SELECT * FROM (SELECT {columnas_casi}, {marcas} FROM b) c "
                 f"WHERE {fallas} <= 1)")
        params_f += [v for _c, p in condiciones.values() for v in p]
    ctes += " "

    def origen(clave: str) -> str:
        if clave not in condiciones:
            return "f"
        otras = [f"cumple_{c}" for c in condiciones if c != clave]
        return f"(SELECT * FROM casi{' WHERE ' + ' AND '.join(otras) if otras else ''})"

    partes = [
        "SELECT 'total', '', '', count(*) FROM f",
        # La página viaja completa en la misma consulta: lo que muestra cada tarjeta, en JSON.
        f"""SELECT 'pagina', p.id::text,
                   json_build_object('nombre', p.nombre, 'necesidad', left(o.necesidad, 400),
                                     'entidad', e.nombre, 'canal', p.canal_id, 'vigencia_hasta', p.vigencia_hasta,
                                     'temas', p.facetas_temas, 'modalidades', p.facetas_modalidades)::text,
                   p.n
            FROM (SELECT *, row_number() OVER (ORDER BY {ORDEN_SQL[orden]}) AS n FROM f
                  ORDER BY {ORDEN_SQL[orden]} LIMIT %s OFFSET %s) p
            JOIN att_entidad e ON e.id = p.entidad_id JOIN {Oferta._meta.db_table} o ON o.id = p.id""",
    ]
    for clave, (columna, tabla, nombre) in COLUMNAS_FACETA.items():
        partes.append(f"""SELECT '{clave}', c.id::text, {nombre}, x.n
            FROM (SELECT unnest({columna}) AS v, count(*) AS n FROM {origen(clave)} f GROUP BY 1) x
            JOIN {tabla} c ON c.id = x.v""")
    partes.append(f"""SELECT 'canal', c.id::text, c.nombre, x.n
            FROM (SELECT canal_id AS v, count(*) AS n FROM {origen("canal")} f GROUP BY 1) x
            JOIN att_canal c ON c.id = x.v""")
    # Departamentos: las de todo el país cuentan en cada uno; salen del mismo recorrido (la fila
    # de '00' de `xd`), no de otro conteo sobre el conjunto.
    ctes = ctes.rstrip() + (f", xd AS MATERIALIZED (SELECT unnest(facetas_departamentos) AS v, count(*) AS n "
                            f"FROM {origen('departamento')} f GROUP BY 1) ")
    partes.append(f"""SELECT 'departamento', d.codigo, d.nombre,
                   coalesce(x.n, 0) + coalesce((SELECT n FROM xd WHERE v = '{TODO_EL_PAIS}'), 0)
            FROM att_departamento d LEFT JOIN xd x ON x.v = d.codigo""")
    return ctes + " UNION ALL ".join(partes), [params_f, []]


@dataclass
class Opcion:
    valor: str
    nombre: str
    cantidad: int
    elegida: bool


@dataclass
class Faceta:
    clave: str
    etiqueta: str
    opciones: list[Opcion]
    ocultas: int = 0  # opciones con resultados que no se muestran (ver todas con ?ver=<clave>)


OPCIONES_VISIBLES = 8


class _Nombres(list):
    """Lista con `.all()`, para que la plantilla la use como un administrador de relaciones."""

    def all(self):
        return self


@dataclass
class Tarjeta:
    """Lo que muestra el portal de una oferta (sin instanciar el modelo ni consultar más)."""

    pk: int
    nombre: str
    necesidad: str
    entidad: SimpleNamespace
    canal: SimpleNamespace
    vigencia_hasta: datetime.date | None
    temas: _Nombres
    modalidades: _Nombres


def _tarjetas(filas) -> list[Tarjeta]:
    nombres = {(clave, valor): nombre for clave, valor, nombre, _n in filas
               if clave in ("tema", "modalidad", "canal")}

    def lista(faceta, ids):
        return _Nombres(sorted((SimpleNamespace(nombre=nombres.get((faceta, str(i)), "")) for i in ids or []),
                               key=lambda x: x.nombre))

    tarjetas = []
    for _clave, valor, datos, _n in sorted((f for f in filas if f[0] == "pagina"), key=lambda f: f[3]):
        d = json.loads(datos)
        tarjetas.append(Tarjeta(
            pk=int(valor), nombre=d["nombre"], necesidad=d["necesidad"],
            entidad=SimpleNamespace(nombre=d["entidad"]),
            canal=SimpleNamespace(nombre=nombres.get(("canal", str(d["canal"])), "")),
            vigencia_hasta=datetime.date.fromisoformat(d["vigencia_hasta"]) if d["vigencia_hasta"] else None,
            temas=lista("tema", d["temas"]), modalidades=lista("modalidad", d["modalidades"]),
        ))
    return tarjetas


class _PaginaConocida:
    """Secuencia de largo conocido cuyo único tramo cargado es la página pedida (para `Paginator`)."""

    def __init__(self, total: int, objetos: list):
        self.total, self.objetos = total, objetos

    def __len__(self):
        return self.total

    def __getitem__(self, tramo):
        return self.objetos


@dataclass
class Resultados:
    pagina: Page
    facetas: list[Faceta]


COLUMNAS_FILTRADAS = ("id", "publicada_en", "nombre", "vigencia_hasta", "entidad_id", "canal_id",
                      *[c for c, _t, _n in COLUMNAS_FACETA.values()], "facetas_departamentos")


# Marcas con las que se compila una vez la consulta base (ver `_plantilla_filtradas`).
_MARCA_HOY = datetime.date(1901, 1, 1)
_MARCA_Q = "marcadebusqueda"


@functools.cache
def _plantilla_filtradas(con_texto: bool) -> tuple[str, tuple, int, int | None]:
    """El SQL de las publicadas (con o sin la búsqueda de texto), compilado por el ORM una sola vez
    por proceso: compilarlo en cada petición costaba 1,5–2 ms de Python. Se compila con una fecha y
    un texto de marca y se devuelve dónde van, para poner los de la petición (`_filtradas_sql`)."""
    q = _MARCA_Q if con_texto else ""
    qs = aplicar_filtros(Oferta.objects.publicadas(hoy=_MARCA_HOY), FiltrosPortal(q=q)).order_by()
    qs = qs.values(*COLUMNAS_FILTRADAS, "busqueda")
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    donde_q = params.index(busqueda.texto_tsquery(_MARCA_Q)) if con_texto else None
    return sql, tuple(params), params.index(_MARCA_HOY), donde_q


def _filtradas_sql(filtros: FiltrosPortal) -> tuple[str, tuple]:
    """Las publicadas hoy que cumplen la búsqueda de texto (las facetas se aplican en `_sql_resultados`).
    Sin el rango: se calcula después y solo para las que también cumplen las facetas."""
    sql, params, donde_hoy, donde_q = _plantilla_filtradas(bool(filtros.q))
    params = list(params)
    params[donde_hoy] = timezone.localdate()
    if donde_q is not None:
        params[donde_q] = busqueda.texto_tsquery(filtros.q)
    return sql, tuple(params)


@functools.lru_cache(maxsize=64)
def _etiqueta_faceta(clave: str, idioma: str | None) -> str:
    """El nombre traducido de una faceta: traducir un texto perezoso recorre los catálogos de todas las
    apps (casi un cuarto de lo que costaba ordenar las facetas de una búsqueda); el idioma va en la clave."""
    return str(FACETAS[clave][0])


traduccion.vaciar_al_cambiar_idioma(_etiqueta_faceta)


def _ordenar_facetas(por_clave: dict[str, list[Opcion]], ver: str = "") -> list[Faceta]:
    """Las elegidas primero y luego las de más resultados; en las listas largas solo las primeras."""
    facetas = []
    idioma = get_language()
    for clave, opciones in por_clave.items():
        opciones.sort(key=lambda o: (not o.elegida, -o.cantidad, o.nombre))
        ocultas = 0
        if clave != ver:
            limite = max(OPCIONES_VISIBLES, sum(1 for o in opciones if o.elegida))
            ocultas = max(0, len(opciones) - limite)
            opciones = opciones[:limite]
        facetas.append(Faceta(clave, _etiqueta_faceta(clave, idioma), opciones, ocultas))
    return facetas


def portal_resultados(filtros: FiltrosPortal, numero_pagina=1, por_pagina: int = POR_PAGINA,
                      ver: str = "") -> Resultados:
    """Página de resultados y facetas del portal en una sola consulta (total, tarjetas de la página y
    conteos de todas las facetas), con número de consultas fijo cualquiera sea el tamaño.

    Las filas de la consulta van a la caché compartida bajo la huella de lo publicado (`_clave_cache`) con
    la hora en que vencen; las tarjetas y facetas armadas con ellas quedan además en este proceso, bajo la
    misma clave, la vista de facetas (`ver`) y el idioma, hasta esa misma hora: la huella se lee en cada
    visita, así que publicar, editar o retirar una oferta cambia la clave en todos los procesos a la vez, y
    lo que la huella no ve (el nombre de una entidad) no dura más que en la caché compartida. La página se
    pinta en cada visita."""
    try:
        numero = max(1, int(numero_pagina))
    except (TypeError, ValueError):
        numero = 1
    clave = _clave_cache(filtros, numero, por_pagina)
    # La copia del proceso es una capa de la caché compartida: con la caché apagada (DummyCache: desarrollo
    # sin caché, las corridas «frías» de bench/arnes_http.py) no la hay y la consulta corre en cada visita.
    en_proceso = None if isinstance(caches["default"], DummyCache) else (clave, ver, get_language())
    armados = _RESULTADOS_EN_PROCESO.get(en_proceso) if en_proceso else None
    if armados is not None and armados[0] > time.time():
        return armados[1]
    guardadas = cache.get(clave)
    if guardadas is None:
        sql, params = _filtradas_sql(filtros)
        consulta, (params_f, params_conteos) = _sql_resultados(sql, filtros.orden, filtros)
        params = ((*params, *params_f), tuple(params_conteos))
        filas, numero = _consultar(filtros, consulta, params, numero, por_pagina)
        vence = time.time() + SEGUNDOS_CACHE
        cache.set(clave, (vence, filas), SEGUNDOS_CACHE)
    else:
        vence, filas = guardadas
    total = next(int(n) for clave_fila, _v, _nom, n in filas if clave_fila == "total")
    numero = min(numero, max(1, -(-total // por_pagina)))
    por_clave: dict[str, list[Opcion]] = {clave_faceta: [] for clave_faceta in FACETAS}
    for clave_fila, valor, nombre, cantidad in filas:
        if clave_fila in por_clave:
            elegida = filtros.tiene(clave_fila, valor)
            if cantidad or elegida:
                por_clave[clave_fila].append(Opcion(valor, nombre, int(cantidad), elegida))
    objetos = _tarjetas(filas)
    paginador = Paginator(_PaginaConocida(total, objetos), por_pagina)
    resultados = Resultados(pagina=paginador.page(numero), facetas=_ordenar_facetas(por_clave, ver))
    if en_proceso:
        _RESULTADOS_EN_PROCESO.guardar(en_proceso, (vence, resultados))
    return resultados


def sugerencia_portal(filtros: FiltrosPortal) -> str:
    """«¿Quiso decir …?»: la búsqueda con las palabras desconocidas corregidas (trigramas sobre el
    vocabulario de lo publicado), solo si con ella y las mismas facetas hay resultados. Dos consultas."""
    if not filtros.q:
        return ""
    sugerida = busqueda.sugerir(filtros.q, "oferta")
    if not sugerida or not aplicar_filtros(publicadas(), FiltrosPortal(q=sugerida, valores=filtros.valores)).exists():
        return ""
    return sugerida


# Parámetros que conserva el enlace «Volver al portafolio» de la ficha.
PARAMETROS_PORTAL = ("q", "orden", "page", *FACETAS)


# Las filas de cada búsqueda (la portada del portal, la navegación por facetas y las búsquedas con texto,
# que se repiten: «planeación», «catastro») se guardan en la caché bajo una huella de lo publicado
# (`_huella`), que cambia con lo que el portal muestra y no con las ediciones de borradores, devueltas o
# en revisión; 2 minutos como máximo.
SEGUNDOS_CACHE = 120


def _huella() -> str:
    """Huella de lo que el portal puede mostrar; editar un borrador, una devuelta o una en revisión no
    la cambia (ni invalida la caché), publicar, retirar, editar o borrar una publicada sí:

    - la última actualización entre las ofertas publicadas o que lo estuvieron (`publicada_en`):
      toda escritura de una oferta pone `actualizada` en el momento (`auto_now`, y
      `services.actualizar_busqueda` con `clock_timestamp()`), y publicar, editar una publicada o
      retirarla (archivarla, o cambiarle el estado en el admin) es una escritura de una de ellas;
    - la cantidad de borrados de esas ofertas (admin o SQL), que no dejan rastro en la tabla: la
      cuenta un disparador por sentencia (migración 0012) en `oferta_borrados_portal`;
    - la fecha de hoy: una oferta deja de estar publicada al pasar su fin de vigencia (la que vence
      hoy cuenta todo el día, la de ayer no) sin que nada cambie en la fila.

    Lo que no está en la fila (el nombre de la entidad o de un catálogo) no la cambia: dura hasta
    `SEGUNDOS_CACHE`. Dos lecturas por índice: `oferta_actualizada` hacia atrás hasta la primera
    publicada alguna vez y la fila del contador (~0,1 ms; contar las publicadas recorría la tabla)."""
    (actualizada, borrados), = filas_preparadas(_sql_huella())
    return f"{actualizada.timestamp() if actualizada else 0}-{borrados}-{timezone.localdate():%Y%m%d}"


@functools.cache
def _sql_huella() -> str:
    """El SQL de `_huella`, sin parámetros (el estado va escrito, citado por psycopg): preparada en cada
    conexión (`att.consultas.filas_preparadas`), PostgreSQL ya no la analiza ni la planifica en cada visita
    al portal."""
    t = connection.ops.quote_name(Oferta._meta.db_table)
    publicada = connection.ops.compose_sql("%s", [EstadoOferta.PUBLICADA.value])
    return (f"SELECT (SELECT max(actualizada) FROM {t} WHERE estado = {publicada} OR publicada_en IS NOT NULL), "
            "(SELECT n FROM oferta_borrados_portal WHERE id = 1)")


def huella_publicadas() -> str:
    """La huella de las ofertas (la del portal): cambia con cada cambio que puede tocar las publicadas."""
    return _huella()


def _clave_cache(filtros: FiltrosPortal, numero: int, por_pagina: int) -> str:
    """Las filas (total, tarjetas de la página y conteos de facetas) de una búsqueda, bajo la huella de lo
    publicado; con texto, también la búsqueda (los espacios de más no cuentan). La página
    se pinta siempre: lo guardado son las filas, no la respuesta."""
    valores = "&".join(f"{k}={','.join(v)}" for k, v in sorted(filtros.valores.items()))
    texto = " ".join(filtros.q.split())
    q = hashlib.blake2b(texto.encode(), digest_size=12).hexdigest() if texto else ""
    # «2»: lo guardado es (hora en que vence, filas); antes eran solo las filas.
    return f"oferta:portal:2:{_huella()}:{filtros.orden}:{numero}:{por_pagina}:{q}:{valores}"


# Tarjetas y facetas ya armadas, por (clave de sus filas, `ver`, idioma), con la hora en que vencen sus filas
# en la caché compartida (`portal_resultados`). Son de solo lectura: las plantillas y etiquetas del portal
# no las modifican. Hasta 128 búsquedas (cada una ~10 KB en pickle con la demo a escala 1000, unas decenas de
# KB como objetos: pocos MB por proceso); al llenarse se vacía entera (`att.memoria`).
_RESULTADOS_EN_PROCESO = MemoriaAcotada(128)


def olvidar_resultados_en_proceso() -> None:
    """Vacía la copia local (las pruebas empiezan sin ella, como con la caché vacía)."""
    _RESULTADOS_EN_PROCESO.vaciar()


def _ejecutar(cursor, consulta: str, params, numero: int, por_pagina: int):
    """`params`: (los de antes de LIMIT/OFFSET, los de después)."""
    previos, posteriores = params
    cursor.execute(consulta, (*previos, por_pagina, (numero - 1) * por_pagina, *posteriores))
    filas = cursor.fetchall()
    total = next(int(n) for clave, _v, _nom, n in filas if clave == "total")
    ultima = max(1, -(-total // por_pagina))
    if numero > ultima:  # página fuera de rango: la última
        numero = ultima
        cursor.execute(consulta, (*previos, por_pagina, (numero - 1) * por_pagina, *posteriores))
        filas = cursor.fetchall()
    return filas, numero


def _consultar(filtros: FiltrosPortal, consulta: str, params, numero: int, por_pagina: int):
    if not filtros.q:
        with connection.cursor() as cursor:
            return _ejecutar(cursor, consulta, params, numero, por_pagina)
    # El planificador estima barato evaluar `@@` fila por fila (costo 1) y, cuando la palabra es
    # frecuente, prefiere recorrer toda la tabla; con el índice GIN no hay que evaluarla (sin
    # recomprobación) y es varias veces más rápido. Solo para esta consulta: `SET LOCAL` dura hasta
    # el final de la transacción, y si ya hay una abierta (un bloque atómico de afuera; liberar un
    # punto de guardado no lo deshace) alcanzaría a las demás consultas de la conexión, que además
    # se reutiliza (CONN_MAX_AGE). Por eso se devuelve al valor por omisión apenas termina; si la
    # consulta falla, la transacción se deshace y el ajuste con ella.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        resultado = _ejecutar(cursor, consulta, params, numero, por_pagina)
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return resultado


# --- Detalle y gestión ------------------------------------------------------------------------
def oferta_detalle(pk: int) -> Oferta | None:
    """La oferta con lo que muestra su ficha a cualquiera (la historia, aparte: `con_historia`)."""
    return (
        Oferta.objects.select_related("entidad", "canal", "creada_por")
        .defer("busqueda")
        .prefetch_related(
            "cooferentes", "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
            "focaliza_departamentos", "focaliza_entidades", "indicadores",
        )
        .filter(pk=pk)
        .first()
    )


def con_historia(oferta: Oferta) -> Oferta:
    """Le suma las transiciones con quién las hizo (una consulta), solo para quien ve la historia."""
    prefetch_related_objects([oferta], Prefetch("transiciones", queryset=TransicionOferta.objects.select_related("por")))
    return oferta


def ofertas_de_usuario(usuario) -> QuerySet:
    """Las ofertas que el usuario gestiona como oferente (todas sus entidades), en cualquier estado."""
    entidades = permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
    return (
        Oferta.objects.filter(entidad__in=entidades)
        .select_related("entidad")
        .defer("busqueda")
        .order_by("-actualizada", "-pk")
    )


def ofertas_en_revision() -> QuerySet:
    return (
        Oferta.objects.filter(estado=EstadoOferta.EN_REVISION)
        .select_related("entidad")
        .defer("busqueda")
        .order_by("actualizada", "pk")
    )


def ofertas_visibles(usuario) -> QuerySet:
    """Publicadas para todos; además, todo para quien lee todo y las de sus entidades para el oferente."""
    if permisos.lee_todo(usuario):
        return Oferta.objects.all()
    filtro = Oferta.objects.q_publicadas()
    if not permisos.sin_entidades(usuario, [Rol.OFERENTE]):
        filtro |= Q(entidad__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk"))
    return Oferta.objects.filter(filtro)


def clave_ofertas_visibles(usuario) -> tuple | None:
    """Lo que fija `ofertas_visibles(usuario)` sin armarla: todas, o las publicadas a la fecha de hoy (la
    vigencia se compara con hoy); None si depende de las entidades de la persona."""
    if permisos.lee_todo(usuario):
        return ("todas",)
    if permisos.sin_entidades(usuario, [Rol.OFERENTE]):
        return ("publicadas", timezone.localdate())
    return None


def _lista_m2m(campo: str, *valores) -> dict:
    from att.exportacion import lista_m2m

    return lista_m2m(Oferta, campo, *valores)


def para_exportar(filtros: FiltrosPortal) -> QuerySet:
    """Datos abiertos: solo lo público (ofertas publicadas), con los filtros del portal. Una sola consulta
    (`values()` con las listas m2m como subconsultas de arreglo), para recorrer con
    `.iterator(chunk_size=…)` (cursor del servidor): el número de consultas no crece con las filas."""
    from django.db.models import Case, When
    from django.db.models.functions import Coalesce, NullIf

    from att.models import TipoEntidad

    # La sigla, o el nombre si no tiene (de la oferente y, en su subconsulta, de cada cooferente).
    sigla = Coalesce(NullIf(F("entidad__sigla"), Value("")), F("entidad__nombre"))
    divipola = ("divipola", Case(When(entidad__tipo=TipoEntidad.ALCALDIA, then=F("entidad__municipio_id")),
                                 default=Coalesce(F("entidad__departamento_id"), Value(""))))
    listas = {
        **_lista_m2m("cooferentes", ("sigla", sigla), "nombre"),
        **{k: v for m in ("descriptores", "temas", "capacidades", "etapas", "modalidades", "focaliza_departamentos")
           for k, v in _lista_m2m(m, "codigo", "nombre").items()},
        **_lista_m2m("focaliza_entidades", divipola, "nombre"),
        **_lista_m2m("indicadores", "nombre"),
    }
    campos = ["id", "entidad__nombre", "canal__codigo", "canal__nombre", "estructura", "continua",
              "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "solo_pdet", "solo_zomac", "focaliza_categorias",
              "focaliza_grupos_mdm", "publico_objetivo", "fuentes_financiacion", "nombre", "necesidad",
              "descripcion", "bienes_entregados", "requisitos", "cronograma", "cupos", "alineacion_pnd",
              "contacto_nombre", "contacto_email", "contacto_telefono", "vigencia_desde", "vigencia_hasta",
              "publicada_en", "brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades",
              "cadena_productos", "cadena_resultados", "costo_por_et"]
    return (
        aplicar_filtros(publicadas(), filtros)
        .order_by("pk")
        .annotate(entidad_sigla=sigla, **listas)
        .values(*campos, "entidad_sigla", *listas)
    )


# --- Solapamientos ----------------------------------------------------------------------------
@dataclass
class Solapamiento:
    a: Oferta
    b: Oferta
    similitud: float


_SQL_VECINAS = """
    SELECT a.id, v.id, v.s FROM ({origen}) a CROSS JOIN LATERAL (
        SELECT b.id, similarity(a.n, att_unaccent(b.nombre)) AS s FROM {tabla} b
        WHERE b.estado = ANY(%s) AND b.entidad_id <> a.entidad_id AND b.id <> a.id
        ORDER BY att_unaccent(b.nombre) <-> a.n LIMIT %s) v
    WHERE v.s >= %s
    ORDER BY v.s DESC, a.id, v.id
"""
ESTADOS_VIGENTES = [EstadoOferta.EN_REVISION.value, EstadoOferta.PUBLICADA.value]


def _vecinas(origen: str, params_origen: list, *, umbral: float, por_oferta: int) -> list[Solapamiento]:
    sql = _SQL_VECINAS.format(origen=origen, tabla=Oferta._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params_origen, ESTADOS_VIGENTES, por_oferta, umbral])
        pares, vistos = [], set()
        for a, b, s in cursor.fetchall():
            if frozenset((a, b)) not in vistos:
                vistos.add(frozenset((a, b)))
                pares.append((a, b, s))
    ids = {i for a, b, _s in pares for i in (a, b)}
    ofertas = Oferta.objects.select_related("entidad").defer(*CAMPOS_PESADOS).in_bulk(ids)
    return [Solapamiento(ofertas[a], ofertas[b], float(s)) for a, b, s in pares if a in ofertas and b in ofertas]


def solapamientos(*, umbral: float = 0.55, ofertas: int = 60, por_oferta: int = 3) -> list[Solapamiento]:
    """Pares de ofertas de entidades distintas con nombres casi iguales (similitud de trigramas sobre
    el nombre sin tildes; vecinos más cercanos con el índice GiST `oferta_nombre_trgm_gist`).

    Se revisan primero las ofertas en revisión (lo que el DNP está por publicar) y luego las
    publicadas más recientes, hasta `ofertas`; para cada una, sus `por_oferta` vecinas más parecidas
    entre las en revisión o publicadas de otras entidades."""
    origen = f"""SELECT id, entidad_id, att_unaccent(nombre) AS n FROM {Oferta._meta.db_table}
                 WHERE estado = ANY(%s) ORDER BY (estado = 'en_revision') DESC, actualizada DESC, id LIMIT %s"""
    return _vecinas(origen, [ESTADOS_VIGENTES, ofertas], umbral=umbral, por_oferta=por_oferta)


def parecidas(oferta: Oferta, *, umbral: float = 0.45, limite: int = 5) -> list[Solapamiento]:
    """Ofertas vigentes de otras entidades con nombre parecido a esta (para la revisión del DNP)."""
    origen = f"SELECT id, entidad_id, att_unaccent(nombre) AS n FROM {Oferta._meta.db_table} WHERE id = %s"
    return _vecinas(origen, [oferta.pk], umbral=umbral, por_oferta=limite)


def resumen_inicio() -> list[dict]:
    return [{
        "etiqueta": _("Ofertas publicadas"),
        "valor": publicadas().count(),
        "url": "/oferta/",
    }]
