"""Toda lectura de la oferta que usan las páginas y la API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import permisos
from att.models import Rol

from .models import EstadoOferta, Oferta, TransicionOferta

CONFIG_BUSQUEDA = "es_unaccent"
POR_PAGINA = 20


def _through(nombre: str):
    return Oferta._meta.get_field(nombre).remote_field.through


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
        obtener_lista = datos.getlist if hasattr(datos, "getlist") else (lambda k: list(datos.get(k, []) or []))
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
    return SearchQuery(q, search_type="websearch", config=CONFIG_BUSQUEDA)


def aplicar_filtros(qs: QuerySet, filtros: FiltrosPortal) -> QuerySet:
    """Filtros que se combinan: Y entre facetas, O entre valores de una misma faceta."""
    if filtros.q:
        qs = qs.filter(busqueda=consulta_texto(filtros.q))
    for clave, valores in filtros.valores.items():
        _etiqueta, campo, columna, _tabla = FACETAS[clave]
        if clave == "entidad":
            conjuntas = _through("cooferentes").objects.filter(entidad_id__in=valores).values("oferta_id")
            qs = qs.filter(Q(entidad_id__in=valores) | Q(pk__in=conjuntas))
        elif clave == "canal":
            qs = qs.filter(canal_id__in=valores)
        elif clave == "departamento":
            tabla = _through(campo)
            explicitas = tabla.objects.filter(departamento_id__in=valores).values("oferta_id")
            sin_focalizar = ~Exists(tabla.objects.filter(oferta_id=OuterRef("pk")))
            qs = qs.filter(Q(pk__in=explicitas) | sin_focalizar)
        else:
            qs = qs.filter(pk__in=_through(campo).objects.filter(**{f"{columna}__in": valores}).values("oferta_id"))
    return qs


def publicadas() -> QuerySet:
    return Oferta.objects.filter(estado=EstadoOferta.PUBLICADA)


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
        .defer("busqueda", "descripcion", "requisitos", "cronograma", "bienes_entregados", "alineacion_pnd",
               "comentario_revision")
        .prefetch_related(
            Prefetch("temas", queryset=_catalogo("temas")),
            Prefetch("modalidades", queryset=_catalogo("modalidades")),
        )
    )


def _catalogo(campo: str) -> QuerySet:
    modelo = Oferta._meta.get_field(campo).related_model
    return modelo.objects.only("id", "codigo", "nombre", "orden") if hasattr(modelo, "codigo") else modelo.objects.all()


def _sql_facetas(sql_filtradas: str) -> str:
    o = Oferta._meta.db_table
    partes = []
    for clave, (_etiqueta, campo, columna, tabla) in FACETAS.items():
        if clave == "entidad":
            coof = _through("cooferentes")._meta.db_table
            partes.append(f"""
            SELECT 'entidad', e.id::text, coalesce(nullif(e.sigla, ''), e.nombre), count(DISTINCT u.oferta_id)
            FROM (SELECT o.id AS oferta_id, o.entidad_id FROM {o} o JOIN f ON f.id = o.id
                  UNION ALL SELECT c.oferta_id, c.entidad_id FROM {coof} c JOIN f ON f.id = c.oferta_id) u
            JOIN att_entidad e ON e.id = u.entidad_id GROUP BY e.id""")
        elif clave == "canal":
            partes.append(f"""
            SELECT 'canal', c.id::text, c.nombre, count(*) FROM {o} o JOIN f ON f.id = o.id
            JOIN att_canal c ON c.id = o.canal_id GROUP BY c.id""")
        elif clave == "departamento":
            fd = _through(campo)._meta.db_table
            partes.append(f"""
            SELECT 'departamento', d.codigo, d.nombre,
                   coalesce(x.n, 0) + (SELECT count(*) FROM f WHERE NOT EXISTS
                                         (SELECT 1 FROM {fd} y WHERE y.oferta_id = f.id))
            FROM att_departamento d LEFT JOIN
                 (SELECT z.departamento_id, count(*) AS n FROM {fd} z JOIN f ON f.id = z.oferta_id GROUP BY 1) x
              ON x.departamento_id = d.codigo""")
        else:
            tabla_m2m = _through(campo)._meta.db_table
            partes.append(f"""
            SELECT '{clave}', c.id::text, c.nombre, count(*) FROM {tabla_m2m} m JOIN f ON f.id = m.oferta_id
            JOIN {tabla} c ON c.id = m.{columna} GROUP BY c.id""")
    return f"WITH f AS MATERIALIZED ({sql_filtradas}) " + " UNION ALL ".join(partes)


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


def portal_facetas(filtros: FiltrosPortal) -> list[Faceta]:
    """Conteos de todas las facetas sobre el conjunto filtrado, en una sola consulta."""
    ids = aplicar_filtros(publicadas(), filtros).order_by().values("id")
    sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(_sql_facetas(sql), params)
        filas = cursor.fetchall()
    por_clave: dict[str, list[Opcion]] = {clave: [] for clave in FACETAS}
    for clave, valor, nombre, cantidad in filas:
        elegida = filtros.tiene(clave, valor)
        if cantidad or elegida:
            por_clave[clave].append(Opcion(valor, nombre, int(cantidad), elegida))
    facetas = []
    for clave, opciones in por_clave.items():
        if clave in ("departamento", "entidad", "tema"):
            opciones.sort(key=lambda o: (not o.elegida, -o.cantidad, o.nombre))
        else:
            opciones.sort(key=lambda o: (-o.cantidad, o.nombre))
        facetas.append(Faceta(clave, str(FACETAS[clave][0]), opciones))
    return facetas


# --- Detalle y gestión ------------------------------------------------------------------------
def oferta_detalle(pk: int) -> Oferta | None:
    return (
        Oferta.objects.select_related("entidad", "canal", "creada_por")
        .prefetch_related(
            "cooferentes", "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
            "focaliza_departamentos", "focaliza_entidades",
            Prefetch("transiciones", queryset=TransicionOferta.objects.select_related("por")),
        )
        .filter(pk=pk)
        .first()
    )


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
    filtro = Q(estado=EstadoOferta.PUBLICADA)
    if usuario is not None and usuario.is_authenticated:
        filtro |= Q(entidad__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk"))
    return Oferta.objects.filter(filtro)


def para_exportar(filtros: FiltrosPortal) -> QuerySet:
    """Datos abiertos: solo lo público (ofertas publicadas), con los filtros del portal."""
    return (
        aplicar_filtros(publicadas(), filtros)
        .select_related("entidad", "canal")
        .prefetch_related("cooferentes", "descriptores", "temas", "capacidades", "etapas", "modalidades",
                          "focaliza_departamentos")
        .defer("busqueda", "comentario_revision", "creada_por")
        .order_by("pk")
    )


# --- Solapamientos ----------------------------------------------------------------------------
@dataclass
class Solapamiento:
    a: Oferta
    b: Oferta
    similitud: float


def solapamientos(*, umbral: float = 0.55, limite: int = 100) -> list[Solapamiento]:
    """Pares de ofertas vigentes (en revisión o publicadas) de entidades distintas con nombres casi iguales
    (similitud de trigramas sobre el nombre sin tildes, con el índice GIN `oferta_nombre_trgm`)."""
    o = Oferta._meta.db_table
    sql = f"""
        SELECT a.id, b.id, similarity(att_unaccent(a.nombre), att_unaccent(b.nombre)) AS s
        FROM {o} a JOIN {o} b
          ON att_unaccent(a.nombre) %% att_unaccent(b.nombre)
         AND a.id < b.id AND a.entidad_id <> b.entidad_id
        WHERE a.estado = ANY(%s) AND b.estado = ANY(%s)
        ORDER BY s DESC, a.id, b.id
        LIMIT %s
    """
    estados = [EstadoOferta.EN_REVISION.value, EstadoOferta.PUBLICADA.value]
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(umbral)])
        cursor.execute(sql, [estados, estados, limite])
        pares = cursor.fetchall()
    ids = {i for a, b, _s in pares for i in (a, b)}
    ofertas = Oferta.objects.select_related("entidad").defer("busqueda").in_bulk(ids)
    return [Solapamiento(ofertas[a], ofertas[b], float(s)) for a, b, s in pares if a in ofertas and b in ofertas]


def resumen_inicio() -> list[dict]:
    return [{
        "etiqueta": _("Ofertas publicadas"),
        "valor": publicadas().filter(Q(vigencia_hasta__isnull=True) | Q(vigencia_hasta__gte=datetime.date.today()))
        .count(),
        "url": "/oferta/",
    }]
