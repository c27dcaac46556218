"""Lecturas de los indicadores: visibles para cada quien, su avance frente a la meta, periodos cerrados."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from att import permisos
from indicadores import calculo
from indicadores.models import CierrePeriodo, Indicador, Medicion


def primer_dia(fecha: date) -> date:
    return fecha.replace(day=1)


def periodo_cerrado(periodo: date) -> bool:
    """¿Está cerrado el mes de esta fecha (cualquier día del mes)?"""
    return CierrePeriodo.objects.filter(periodo=primer_dia(periodo)).exists()


def periodos_cerrados(periodos) -> set[date]:
    """Los meses cerrados entre los dados (primeros días), en una consulta."""
    return set(CierrePeriodo.objects.filter(periodo__in=list(periodos)).values_list("periodo", flat=True))


def avance_de_indicador(indicador, mediciones: list | None = None, anio: int | None = None) -> calculo.ResultadoIndicador:
    """Logro y avance contra la meta del año (si se da `anio`) o del cuatrienio."""
    if mediciones is None:
        mediciones = list(indicador.mediciones.order_by("periodo"))
    if anio is not None:
        mediciones = [m for m in mediciones if m.periodo.year == anio]
        meta = next((m.valor for m in indicador.metas.all() if m.anio == anio), None)
    else:
        meta = indicador.meta_cuatrienio
    return calculo.avance_indicador(
        indicador.tipo_acumulacion, linea_base=indicador.linea_base, meta=meta,
        valores=[m.valor for m in sorted(mediciones, key=lambda m: m.periodo)],
    )


def indicadores_visibles(usuario) -> QuerySet[Indicador]:
    qs = Indicador.objects.select_related("entidad").prefetch_related("metas")
    if permisos.lee_todo(usuario):
        return qs
    return qs.filter(Q(entidad__in=permisos.entidades_de(usuario).values("pk")))


def indicadores_con_avance(usuario, anio: int | None = None, limite: int | None = None) -> list[dict]:
    return indicadores_con_avance_de(indicadores_visibles(usuario), anio, limite=limite)


def indicadores_con_avance_de(qs: QuerySet[Indicador], anio: int | None = None, hasta: date | None = None,
                              limite: int | None = None) -> list[dict]:
    """Cada indicador activo con su logro y avance (total y del año), por nombre. Sin `limite`, todos
    (los informes y las exportaciones no dejan indicadores fuera); tres consultas sin importar cuántos."""
    activos = qs.filter(activo=True).prefetch_related("metas").order_by("nombre", "pk")
    indicadores = list(activos if limite is None else activos[:limite])
    mediciones: dict[int, list[Medicion]] = {}
    medidas = Medicion.objects.filter(indicador__in=[i.pk for i in indicadores])
    if hasta:
        medidas = medidas.filter(periodo__lt=hasta)
    for m in medidas.only("indicador_id", "periodo", "valor").order_by("periodo"):
        mediciones.setdefault(m.indicador_id, []).append(m)
    filas = []
    for i in indicadores:
        total = avance_de_indicador(i, mediciones.get(i.pk, []))
        anual = avance_de_indicador(i, mediciones.get(i.pk, []), anio=anio) if anio else None
        filas.append({"indicador": i, "logro": total.logro, "avance": total.avance,
                      "logro_anio": anual.logro if anual else None, "avance_anio": anual.avance if anual else None})
    return filas
