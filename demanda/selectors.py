"""Lecturas de la demanda, acotadas a quien pregunta (`att.permisos.filtro_entidad`)."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import TruncMonth
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.translation import gettext as _

from att import permisos
from att.models import Entidad, Rol, Tema, TipoEntidad
from att.selectors import filtrar_por_periodo
from demanda.models import (
    DecisionCruce,
    Demanda,
    EstadoDemanda,
    EventoDemanda,
    TipoDecision,
    _Minusculas,
    _SinTildes,
    texto_buscable,
)
from oferta.models import Oferta
from oferta.selectors import vigentes

ESTADOS_ABIERTOS = [
    EstadoDemanda.REGISTRADA, EstadoDemanda.EN_ANALISIS, EstadoDemanda.REMITIDA,
    EstadoDemanda.VINCULADA, EstadoDemanda.EN_ATENCION,
]


class _Como(Func):
    """`expresión LIKE '%' || att_unaccent(lower(patrón)) || '%'`: con el patrón constante PostgreSQL
    lo resuelve por el índice de trigramas de la misma expresión."""

    template = "%(expressions)s"
    arg_joiner = " LIKE '%%' || "
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql} || '%%')", params


def _contiene(texto: str) -> _Como:
    """Título o descripción contienen `texto`, sin distinguir tildes ni mayúsculas."""
    literal = texto.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    patron = _SinTildes(_Minusculas(Value(literal)))
    return _Como(texto_buscable(), patron)


# Por encima de este número de filas (demanda, tema) de los temas del oferente, la prueba por fila
# sale más barata que armar el conjunto completo (ver `_coincide_con_temas`).
UMBRAL_TEMAS_DENSOS = 20_000


def _coincide_con_temas(sus_temas) -> Q:
    """Demandas con algún tema de `sus_temas`, en la forma que PostgreSQL resuelve mejor.

    Dentro de un OR, `pk IN (subconsulta)` se vuelve un conjunto en memoria (hash) con todas las
    demandas de esos temas: barato si son pocas, pero con temas amplios son ~250.000 filas en la
    base de demostración (0,2 s en cada consulta, aunque la página solo pida 25). Entonces se
    prueba fila a fila por el índice (demanda, tema): la lista en orden de fecha se detiene al
    completar la página. Una sola consulta corta (índice, con tope) decide cuál usar y trae los
    ids de esos temas (catálogo, unas decenas a lo sumo): con el arreglo como constante la prueba
    por fila cuesta lo que vale; con `ARRAY(SELECT …)` el planificador cobraba la subconsulta en
    cada fila, estimaba millones y encendía el JIT (~1 s de compilación por consulta)."""
    TemaDemanda = Demanda.temas.through
    temas_sql, temas_params = sus_temas.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ARRAY(SELECT DISTINCT t.tema_id FROM ({temas_sql}) t), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {TemaDemanda._meta.db_table} "
            f"WHERE tema_id IN ({temas_sql}) LIMIT %s) c)",
            (*temas_params, *temas_params, UMBRAL_TEMAS_DENSOS),
        )
        ids_temas, filas = cursor.fetchone()
    if filas < UMBRAL_TEMAS_DENSOS:
        return Q(pk__in=TemaDemanda.objects.filter(tema_id__in=ids_temas).values("demanda_id"))
    return Q(IsNull(Subquery(
        TemaDemanda.objects.filter(tema_id__in=ids_temas, demanda_id=OuterRef("pk")).values("tema_id")[:1]
    ), False))


def filtro_visibles(usuario) -> Q:
    """Q sobre Demanda con lo que el usuario puede ver (subconsultas, sin listas de ids)."""
    if permisos.lee_todo(usuario):
        return Q()
    filtro = permisos.filtro_entidad(usuario, "entidad")
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        # El oferente ve lo vinculado a sus ofertas, lo remitido a su entidad y las demandas de los
        # temas de sus ofertas publicadas.
        propias = permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk")
        sus_temas = Oferta.temas.through.objects.filter(
            Oferta.objects.q_publicadas("oferta__"), oferta__entidad__in=propias,
        ).values("tema_id")
        # `oferta IN (sus ofertas)` y no `oferta__entidad`: sin LEFT JOIN con toda la tabla de ofertas.
        sus_ofertas = Oferta.objects.filter(entidad__in=propias).values("pk")
        # Y las que pidieron una de sus ofertas entre las que coinciden (`services.decision_registrar`):
        # la alerta de esa solicitud la lleva a la demanda, donde la acepta y la vincula.
        pedidas = DecisionCruce.objects.filter(tipo=TipoDecision.SOLICITADA, oferta__in=sus_ofertas).values("demanda_id")
        filtro |= (Q(oferta__in=sus_ofertas) | Q(entidad_competente__in=propias) | Q(pk__in=pedidas)
                   | _coincide_con_temas(sus_temas))
    return filtro


def demandas_visibles(usuario) -> QuerySet[Demanda]:
    if not usuario or not usuario.is_authenticated:
        return Demanda.objects.none()
    return Demanda.objects.filter(filtro_visibles(usuario))


def demandas_lista(usuario, *, estado: str = "", entidad=None, tema: str | Tema = "", texto: str = "",
                   periodo=None) -> QuerySet[Demanda]:
    """`tema`: código o el `Tema` ya leído. Se filtra por el id constante y no por un JOIN con el
    catálogo: así PostgreSQL conoce la frecuencia de ese tema (estadísticas de `tema_id`) y recorre
    la lista por fecha; con el JOIN suponía un tema raro, estimaba millones y encendía el JIT."""
    qs = demandas_visibles(usuario)
    if estado:
        qs = qs.filter(estado=estado)
    if entidad:
        qs = qs.filter(entidad=entidad)
    if tema:
        if not isinstance(tema, Tema):
            tema = Tema.objects.filter(codigo=tema).only("pk").first()
        if tema is None:
            return Demanda.objects.none()
        qs = qs.filter(temas=tema.pk)
    if texto:
        qs = qs.filter(_contiene(texto))
    # Periodo de gobierno (`PeriodoGobierno` o su código) por la fecha de registro.
    qs = filtrar_por_periodo(qs, "creada", periodo)
    return (
        qs.select_related("entidad", "entidad__municipio", "entidad__departamento", "oferta", "entidad_competente")
        .prefetch_related(Prefetch("temas", queryset=Tema.objects.only("pk", "codigo", "nombre")))
        .order_by("-creada", "-pk")
    )


def demanda_detalle(usuario, pk) -> Demanda | None:
    """La demanda si el usuario la puede ver; None si no (la vista responde 404)."""
    demanda = (
        demandas_visibles(usuario)
        .select_related(
            "entidad", "entidad__municipio", "entidad__departamento", "registrada_por", "capacidad", "etapa",
            "modalidad", "canal", "oferta", "oferta__entidad", "entidad_competente",
        )
        .prefetch_related(
            "temas", "descriptores", "adjuntos",
            Prefetch("eventos", queryset=EventoDemanda.objects.select_related("por").order_by("cuando", "pk")),
        )
        .filter(pk=pk)
        .first()
    )
    return demanda


def entidades_para_registrar(usuario) -> QuerySet[Entidad]:
    """Entidades territoriales por las que el usuario puede registrar demandas."""
    from demanda.rules import ROLES_REGISTRO

    return (
        permisos.entidades_de(usuario, ROLES_REGISTRO)
        .filter(tipo__in=TipoEntidad.territoriales())
        .select_related("municipio")
        .order_by("-tipo", "nombre")
    )


def demandas_en_brecha() -> QuerySet[Demanda]:
    """Demanda sin oferta que la atienda (la definición de brecha; la usan esta página, los mapas y las
    alertas al DNP): abierta, sin oferta vinculada y

    - ya cruzada: su mejor oferta candidata no alcanzó `matching.UMBRAL_BRECHA` de relevancia
      (`Demanda.relevancia_cruce`, que guardan las alertas y se recalcula al publicar una oferta), o
      esa oferta (`Demanda.oferta_cruce`) ya no está publicada y vigente (`oferta.selectors.vigentes`); o
    - aún sin cruzar (demandas anteriores a la relevancia guardada): ninguna oferta publicada y vigente
      de sus temas. Los temas con oferta son pocos (decenas): se calculan primero."""
    from demanda.matching import UMBRAL_BRECHA

    cubiertos = list(
        Oferta.temas.through.objects.filter(oferta__in=vigentes()).values_list("tema_id", flat=True).distinct()
    )
    sin_oferta = list(Tema.objects.exclude(pk__in=cubiertos).values_list("pk", flat=True))
    TemaDemanda = Demanda.temas.through
    sin_cruzar = Q(
        relevancia_cruce__isnull=True,
        pk__in=TemaDemanda.objects.filter(tema_id__in=sin_oferta).values("demanda_id"),
    ) & ~Exists(TemaDemanda.objects.filter(demanda_id=OuterRef("pk"), tema_id__in=cubiertos))
    # La mejor oferta del último cruce ya no está publicada y vigente (se archivó o venció): brecha
    # hasta el siguiente cruce (`services.recruzar_de_oferta`, `manage.py recruzar_demandas`).
    sin_su_oferta = Q(relevancia_cruce__gte=UMBRAL_BRECHA) & ~Exists(vigentes().filter(pk=OuterRef("oferta_cruce_id")))
    return Demanda.objects.filter(estado__in=ESTADOS_ABIERTOS, oferta__isnull=True).filter(
        Q(relevancia_cruce__lt=UMBRAL_BRECHA) | sin_su_oferta | sin_cruzar
    )


def decisiones_de(demanda: Demanda) -> QuerySet:
    """Las decisiones tomadas sobre ofertas propuestas para esta demanda (la más reciente primero)."""
    from demanda.models import DecisionCruce

    return DecisionCruce.objects.filter(demanda=demanda).select_related("oferta", "por").order_by("-cuando", "-pk")


def brechas(*, departamento: str = "") -> dict:
    """Brechas (`demandas_en_brecha`) agrupadas por tema y por departamento."""
    TemaDemanda = Demanda.temas.through
    qs = demandas_en_brecha()
    if departamento:
        qs = qs.filter(entidad__departamento_id=departamento)
    por_tema = list(
        TemaDemanda.objects.filter(demanda__in=qs.values("pk"))
        .values("tema__codigo", "tema__nombre").annotate(total=Count("demanda_id", distinct=True))
        .order_by("-total", "tema__nombre")
    )
    por_departamento = list(
        qs.values("entidad__departamento_id", "entidad__departamento__nombre")
        .annotate(total=Count("pk")).order_by("-total", "entidad__departamento__nombre")
    )
    return {"por_tema": por_tema, "por_departamento": por_departamento, "total": qs.count(),
            "serie": serie_mensual_de(qs)}


# Atendida, para las series mensuales: la demanda pasó a una oferta o a la entidad que la atiende y siguió
# su curso (vinculada, en atención, atendida o cerrada). Remitida y no pertinente no cuentan.
ESTADOS_ATENDIDA = [EstadoDemanda.VINCULADA, EstadoDemanda.EN_ATENCION, EstadoDemanda.ATENDIDA, EstadoDemanda.CERRADA]


def serie_mensual_de(qs: QuerySet[Demanda], *, hasta=None, n: int = 12) -> dict:
    """Demandas registradas cada mes de los últimos `n` (hasta el mes de `hasta`) y, de ellas, cuántas ya están
    atendidas (`ESTADOS_ATENDIDA`); meses sin demandas en cero. Una consulta agregada."""
    from att.graficos import limites_de_meses, meses_recientes, rellenar

    meses = meses_recientes(n, hasta)
    desde, fin = limites_de_meses(meses)
    filas = (
        qs.filter(creada__gte=desde, creada__lt=fin).annotate(mes=TruncMonth("creada"))
        .order_by().values("mes")
        .annotate(registradas=Count("pk"), atendidas=Count("pk", filter=Q(estado__in=ESTADOS_ATENDIDA)))
    )
    filas = list(filas)
    return {
        "meses": meses,
        "registradas": rellenar(meses, {f["mes"]: f["registradas"] for f in filas}),
        "atendidas": rellenar(meses, {f["mes"]: f["atendidas"] for f in filas}),
    }


def serie_mensual(usuario, *, hasta=None, n: int = 12) -> dict:
    """`serie_mensual_de` sobre las demandas que ve el usuario (todas, para quien lee todo)."""
    qs = Demanda.objects.all() if permisos.lee_todo(usuario) else demandas_visibles(usuario)
    return serie_mensual_de(qs, hasta=hasta, n=n)


def resumen_inicio() -> list[dict]:
    abiertas = Demanda.objects.filter(estado__in=ESTADOS_ABIERTOS).count()
    return [{"etiqueta": _("Demandas abiertas"), "valor": abiertas, "url": reverse("demanda:mis-demandas")}]
