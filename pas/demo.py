"""Datos de demostración del PAS (`generar_demo`): las once acciones de la referencia con pesos e
indicadores, reportes de cada corte ya pasado (hasta hoy), con los cortes vencidos cerrados y el
último abierto con entidades atrasadas (sin reporte o en borrador), devueltos y por revisar.

Con `--escala N` (N > 1) agrega 5·N acciones sintéticas de entidades nacionales, para los
benchmarks (a escala 1000: unas 5.000 acciones y 35.000 reportes). Idempotente: si ya hay reportes,
no hace nada.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from att.demo_carga import insertar
from att.models import Entidad
from pas import referencia
from pas.models import (
    Accion,
    CorteSemestral,
    EstadoReporte,
    ObjetivoEspecifico,
    ReportePAS,
    VersionReporte,
)

ACCIONES_POR_ESCALA = 5
PESOS_CONPES = {"1.1": 8, "1.2": 10, "1.3": 8, "1.4": 12, "1.5": 8, "2.1": 12, "2.2": 6, "3.1": 14, "3.2": 8,
                "4.1": 8, "4.2": 6}
LOTE = 2000


def _acciones_sinteticas(n: int, rng: random.Random) -> int:
    objetivos = list(ObjetivoEspecifico.objects.order_by("codigo"))
    entidades = list(Entidad.objects.filter(departamento__isnull=True, municipio__isnull=True).order_by("pk")[:100])
    if not objetivos or not entidades or n <= 0:
        return 0
    nuevas = []
    for k in range(n):
        inicio = date(rng.choice([2022, 2023, 2024]), rng.choice([1, 7]), 1)
        fin = date(rng.randint(max(inicio.year, 2024), 2026), 12, 31)
        nuevas.append(Accion(codigo=f"D.{k + 1}", texto=f"Acción de demostración {k + 1}: actividad del plan de trabajo "
                             "de ATT de la entidad.", objetivo=rng.choice(objetivos), entidad=rng.choice(entidades),
                             fecha_inicio=inicio, fecha_fin=fin, peso=Decimal(rng.randint(1, 10))))
    Accion.objects.bulk_create(nuevas, batch_size=LOTE, ignore_conflicts=True)
    return n


def generar(*, escala: int, rng: random.Random, salida) -> None:
    if not CorteSemestral.objects.exists():
        salida.write("  faltan los cortes del PAS (migración pas.0002)")
        return
    referencia.cargar()
    if ReportePAS.objects.exists():
        salida.write("  ya hay reportes del PAS: nada que hacer")
        return
    for codigo, peso in PESOS_CONPES.items():
        Accion.objects.filter(codigo=codigo, peso=0).update(peso=peso)
    if escala > 1:
        _acciones_sinteticas(ACCIONES_POR_ESCALA * escala - Accion.objects.filter(codigo__startswith="D.").count(), rng)
    hoy = timezone.localdate()
    cortes = list(CorteSemestral.objects.filter(fecha_corte__lt=hoy).order_by("numero"))
    if not cortes:
        return
    ultimo = cortes[-1]
    acciones = list(Accion.objects.values("pk", "fecha_inicio", "fecha_fin", "entidad_id").order_by("pk"))
    entidades = sorted({a["entidad_id"] for a in acciones})
    atrasadas = set(rng.sample(entidades, max(1, len(entidades) // 5))) if entidades else set()
    ahora = timezone.now()
    reportes, versiones = [], []
    for corte in cortes:
        abierto = corte.pk == ultimo.pk and corte.plazo_reporte >= hoy - timedelta(days=365)
        for a in acciones:
            if a["fecha_inicio"] > corte.fecha_corte:
                continue
            if abierto and a["entidad_id"] in atrasadas and rng.random() < 0.7:
                continue  # entidad atrasada: aún no reporta
            total = max((a["fecha_fin"] - a["fecha_inicio"]).days, 1)
            hecho = min(max((corte.fecha_corte - a["fecha_inicio"]).days, 0) / total, 1)
            avance = Decimal(min(100, max(0, round(100 * hecho + rng.uniform(-15, 5), 2)))).quantize(Decimal("0.01"))
            comprometido = Decimal(rng.randint(5, 120))
            pagado = (comprometido * Decimal(rng.uniform(0.4, 1))).quantize(Decimal("0.01"))
            if abierto:
                estado = rng.choices([EstadoReporte.APROBADO, EstadoReporte.ENVIADO, EstadoReporte.DEVUELTO,
                                      EstadoReporte.BORRADOR], [50, 25, 10, 15])[0]
                if a["entidad_id"] in atrasadas:
                    estado = EstadoReporte.BORRADOR
            else:
                estado = EstadoReporte.APROBADO
            version = 0 if estado == EstadoReporte.BORRADOR else 1
            reportes.append(ReportePAS(
                accion_id=a["pk"], corte=corte, estado=estado, avance=avance, comprometido=comprometido,
                pagado=pagado, version=version, enviado_en=ahora if version else None,
                nota="Avance según el plan de trabajo; evidencias en el informe de gestión de la entidad.",
                comentario_dnp="Ajuste las cifras de compromisos al reporte del SIIF." if estado == EstadoReporte.DEVUELTO
                else ""))
    creados = insertar(ReportePAS, reportes)  # COPY (att.demo_carga), con los ids tomados de antemano
    for r in creados:
        if r.version:
            versiones.append(VersionReporte(reporte=r, numero=1, datos={
                "avance": str(r.avance), "comprometido": str(r.comprometido), "pagado": str(r.pagado), "nota": r.nota,
                "valores": {}, "evidencias": []}))
    insertar(VersionReporte, versiones)
    cerrados = CorteSemestral.objects.filter(pk__in=[c.pk for c in cortes if c.pk != ultimo.pk]).update(cerrado_en=ahora)
    salida.write(f"  {len(acciones)} acciones, {len(creados)} reportes en {len(cortes)} cortes ({cerrados} cerrados); "
                 f"{len(atrasadas)} entidades atrasadas en el {ultimo.nombre}")
