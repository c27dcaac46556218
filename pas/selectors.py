"""Lecturas del PAS: lo visible para cada quien y la consolidación de un corte (avance ponderado del
plan y ejecución presupuestal frente a las Tablas 2 y 3), en consultas de número fijo."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from att import permisos
from pas import calculo
from pas.models import (
    Accion,
    CorteSemestral,
    EstadoReporte,
    FinanciamientoEntidad,
    FinanciamientoObjetivo,
    ObjetivoEspecifico,
    ReportePAS,
)

CERO = Decimal(0)


def acciones() -> QuerySet[Accion]:
    return Accion.objects.select_related("objetivo", "entidad").order_by("codigo")


def reportes_visibles(usuario) -> QuerySet[ReportePAS]:
    qs = ReportePAS.objects.select_related("accion__entidad", "accion__objetivo", "corte")
    if permisos.lee_todo(usuario):
        return qs
    return qs.filter(Q(estado=EstadoReporte.APROBADO) | Q(accion__entidad__in=permisos.entidades_de(usuario).values("pk")))


def cortes_con_cifras() -> list[CorteSemestral]:
    return list(CorteSemestral.objects.annotate(
        n_reportes=Count("reportes"),
        n_aprobados=Count("reportes", filter=Q(reportes__estado=EstadoReporte.APROBADO)),
        n_enviados=Count("reportes", filter=Q(reportes__estado=EstadoReporte.ENVIADO)),
    ).order_by("numero"))


def anio_del_corte(corte: CorteSemestral) -> int:
    return corte.fecha_corte.year


def consolidado(corte: CorteSemestral) -> dict:
    """Consolidado del corte: por acción, por objetivo/estrategia y por entidad.

    - Avance de cada acción: el de su último reporte aprobado hasta este corte (0 si no hay); avance
      ponderado por peso (regla `calculo.REGLA_PESO`).
    - Presupuesto del corte: suma de comprometido y pagado de los reportes **aprobados** del corte.
      Acumulado: suma de los aprobados de todos los cortes hasta este. Frente a la Tabla 3 (programado
      del año del corte y total por objetivo) y la Tabla 2 (total por entidad)."""
    anio = anio_del_corte(corte)
    lista = list(Accion.objects.filter(fecha_inicio__lte=corte.fecha_corte)
                 .values("pk", "codigo", "texto", "peso", "objetivo_id", "entidad_id", "entidad__nombre")
                 .order_by("codigo"))
    # Último avance aprobado de cada acción hasta este corte (DISTINCT ON, una consulta).
    ultimos = dict(ReportePAS.objects.filter(estado=EstadoReporte.APROBADO, corte__numero__lte=corte.numero)
                   .order_by("accion_id", "-corte__numero").distinct("accion_id").values_list("accion_id", "avance"))
    del_corte = {f["accion_id"]: f for f in ReportePAS.objects.filter(corte=corte).values(
        "accion_id", "estado", "comprometido", "pagado")}
    aprobados = ReportePAS.objects.filter(estado=EstadoReporte.APROBADO)
    acumulado = {f["accion_id"]: f for f in aprobados.filter(corte__numero__lte=corte.numero).values("accion_id").annotate(
        comprometido=Sum("comprometido"), pagado=Sum("pagado"))}
    objetivos = {o.pk: o for o in ObjetivoEspecifico.objects.all()}
    tabla3 = defaultdict(lambda: {"anio": CERO, "total": CERO})
    for f in FinanciamientoObjetivo.objects.values("objetivo_id", "anio", "monto"):
        tabla3[f["objetivo_id"]]["total"] += f["monto"]
        if f["anio"] == anio:
            tabla3[f["objetivo_id"]]["anio"] += f["monto"]
    tabla2 = {f["entidad_id"]: f["monto"] for f in FinanciamientoEntidad.objects.filter(entidad__isnull=False)
              .values("entidad_id", "monto")}

    filas = []
    for a in lista:
        r = del_corte.get(a["pk"])
        aprobado = r is not None and r["estado"] == EstadoReporte.APROBADO
        acu = acumulado.get(a["pk"], {})
        filas.append({
            "codigo": a["codigo"], "texto": a["texto"], "objetivo": objetivos[a["objetivo_id"]].codigo,
            "objetivo_id": a["objetivo_id"], "entidad_id": a["entidad_id"], "entidad": a["entidad__nombre"],
            "peso": a["peso"], "avance": ultimos.get(a["pk"]),
            "estado": r["estado"] if r else "", "estado_texto": EstadoReporte(r["estado"]).label if r else "Sin reporte",
            "comprometido": r["comprometido"] if aprobado else CERO, "pagado": r["pagado"] if aprobado else CERO,
            "acumulado_comprometido": acu.get("comprometido") or CERO, "acumulado_pagado": acu.get("pagado") or CERO,
        })

    def agrupar(clave):
        grupos = defaultdict(list)
        for f in filas:
            grupos[f[clave]].append(f)
        return grupos

    def suma(fs, campo):
        return sum((f[campo] for f in fs), CERO)

    por_objetivo = []
    grupos = agrupar("objetivo_id")
    for oid, o in sorted(objetivos.items(), key=lambda x: x[1].codigo):
        fs = grupos.get(oid, [])
        por_objetivo.append({
            "codigo": o.codigo, "estrategia": f"{o.numeral} {o.estrategia}", "acciones": len(fs),
            "avance": calculo.avance_ponderado((f["peso"], f["avance"]) for f in fs),
            "comprometido": suma(fs, "comprometido"), "pagado": suma(fs, "pagado"),
            "programado_anio": tabla3[oid]["anio"], "acumulado_pagado": suma(fs, "acumulado_pagado"),
            "programado_total": tabla3[oid]["total"],
        })
    por_entidad = []
    for eid, fs in sorted(agrupar("entidad_id").items(), key=lambda x: x[1][0]["entidad"]):
        por_entidad.append({
            "entidad": fs[0]["entidad"], "acciones": len(fs),
            "reportadas": sum(1 for f in fs if f["estado"] in (EstadoReporte.ENVIADO, EstadoReporte.APROBADO)),
            "aprobadas": sum(1 for f in fs if f["estado"] == EstadoReporte.APROBADO),
            "avance": calculo.avance_ponderado((f["peso"], f["avance"]) for f in fs),
            "comprometido": suma(fs, "comprometido"), "pagado": suma(fs, "pagado"),
            "acumulado_pagado": suma(fs, "acumulado_pagado"), "tabla2": tabla2.get(eid),
        })
    return {
        "corte": corte, "anio": anio, "regla": calculo.REGLA_PESO,
        "avance_plan": calculo.avance_ponderado((f["peso"], f["avance"]) for f in filas),
        "acciones": filas, "por_objetivo": por_objetivo, "por_entidad": por_entidad,
        "totales": {
            "comprometido": suma(filas, "comprometido"), "pagado": suma(filas, "pagado"),
            "acumulado_comprometido": suma(filas, "acumulado_comprometido"),
            "acumulado_pagado": suma(filas, "acumulado_pagado"),
            "programado_anio": sum((t["anio"] for t in tabla3.values()), CERO),
            "programado_total": sum((t["total"] for t in tabla3.values()), CERO),
            "tabla2": sum(tabla2.values(), CERO) if tabla2 else sum(
                FinanciamientoEntidad.objects.values_list("monto", flat=True), CERO),
        },
    }


def version_consolidado(corte: CorteSemestral) -> str:
    """Huella de todo lo que entra al consolidado (reportes, acciones, Tablas 2 y 3) en dos consultas:
    cualquier cambio (también desde el administrador) da otra huella."""
    from django.db.models import Max

    r = ReportePAS.objects.aggregate(n=Count("pk"), m=Max("actualizado"))
    a = Accion.objects.aggregate(n=Count("pk"), m=Max("actualizado"))
    f = FinanciamientoObjetivo.objects.aggregate(n=Count("pk"), s=Sum("monto"))
    e = FinanciamientoEntidad.objects.aggregate(n=Count("pk"), s=Sum("monto"), m=Max("entidad_id"))
    return ":".join(str(x) for x in (corte.pk, corte.cerrado_en, r["n"], r["m"], a["n"], a["m"], f["n"], f["s"],
                                     e["n"], e["s"], e["m"]))


def consolidado_en_cache(corte: CorteSemestral) -> dict:
    """Los agregados del consolidado (sin las filas por acción) para la página del corte, guardados en la caché con su huella (ver `version_consolidado`):
    con miles de acciones, calcularlo toma alrededor de un segundo; servido desde la caché, unas milésimas."""
    import hashlib

    from django.core.cache import cache

    clave = "pas:consolidado:" + hashlib.blake2b(version_consolidado(corte).encode(), digest_size=12).hexdigest()
    datos = cache.get(clave)
    if datos is None:
        # La página muestra los agregados, no las filas por acción (esas van en el informe): guardar y leer
        # miles de filas de la caché costaría casi lo mismo que calcularlas.
        datos = {k: v for k, v in consolidado(corte).items() if k != "acciones"}
        cache.set(clave, datos, 60 * 60)
    return datos
