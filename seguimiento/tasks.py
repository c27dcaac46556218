"""Tareas de Celery del seguimiento.

Programación sugerida (CELERY_BEAT_SCHEDULE en att/settings.py):
- seguimiento.actualizar_y_alertar: todos los días a las 05:30.
- seguimiento.generar_informe_mensual: el día 1 de cada mes a las 06:00 (informe del mes anterior).
- seguimiento.generar_corte_semestral: el 2 de enero y el 2 de julio a las 06:00 (cortes de diciembre y junio).
- seguimiento.revisar_informes_atascados: cada 10 minutos.

Todas son seguras de correr dos veces (la entrega de Redis es «al menos una vez»). Los informes
pedidos por la página, el admin, el comando o el relanzamiento llevan `solicitado_en`; el beat no
(genera siempre).
"""

from __future__ import annotations

from datetime import date, datetime

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from seguimiento.models import TipoInforme


def _periodo(valor: str | None, defecto: date) -> date:
    if not valor:
        return defecto
    anio, mes = str(valor)[:7].split("-")
    return date(int(anio), int(mes), 1)


def _momento(valor: str | None) -> datetime | None:
    """`solicitado_en` (ISO 8601) de quien pidió el informe; sin él (el beat), siempre se genera."""
    if not valor:
        return None
    momento = parse_datetime(str(valor))
    if momento is None:
        raise ValueError(f"solicitado_en no es una fecha y hora ISO: {valor!r}")
    return timezone.make_aware(momento) if timezone.is_naive(momento) else momento


def _generar(tarea, tipo: str, periodo: date, alcance: str, solicitado_en: str | None = None) -> dict:
    """Corre `informes.generar`, que es seguro de correr dos veces (candado por informe; con
    `solicitado_en`, no regenera un informe generado después del pedido). Un fallo
    ya queda registrado en el informe (se conserva la versión anterior) y se reintenta con espera
    creciente; pasarse del tiempo no se reintenta: otra vuelta tardaría lo mismo."""
    from celery.exceptions import SoftTimeLimitExceeded

    from seguimiento import informes

    try:
        informe = informes.generar(
            tipo=tipo, periodo=periodo, alcance=alcance, solicitado_en=_momento(solicitado_en),
            progreso=lambda p: tarea.update_state(state="PROGRESS", meta={"progreso": p})
            if tarea.request.id and not tarea.request.is_eager else None,
        )
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        if tarea.request.retries >= tarea.max_retries or tarea.request.is_eager:
            raise
        raise tarea.retry(exc=exc, countdown=60 * 2 ** tarea.request.retries)
    return {"id": informe.pk, "periodo": f"{periodo:%Y-%m}", "alcance": alcance, "estado": informe.estado,
            "version": informe.version, "omitido": informe.omitido}


@shared_task(bind=True, name="seguimiento.generar_informe_mensual", max_retries=3, acks_late=True)
def generar_informe_mensual(self, periodo: str | None = None, alcance: str = "nacional",
                            solicitado_en: str | None = None) -> dict:
    """Informe del mes `periodo` ("AAAA-MM"; por defecto, el mes anterior). `solicitado_en` (ISO):
    cuándo se pidió; si el informe ya se generó después, no se genera otra vez."""
    from seguimiento.informes import mes_anterior

    return _generar(self, TipoInforme.MENSUAL, _periodo(periodo, mes_anterior()), alcance, solicitado_en)


@shared_task(bind=True, name="seguimiento.generar_corte_semestral", max_retries=3, acks_late=True)
def generar_corte_semestral(self, periodo: str | None = None, alcance: str = "nacional",
                            solicitado_en: str | None = None) -> dict:
    """Corte de junio o diciembre (por defecto, el último cerrado); `solicitado_en` como el mensual."""
    hoy = timezone.localdate()
    defecto = date(hoy.year, 6, 1) if hoy.month > 6 else date(hoy.year - 1, 12, 1)
    return _generar(self, TipoInforme.SEMESTRAL, _periodo(periodo, defecto), alcance, solicitado_en)


@shared_task(name="seguimiento.actualizar_y_alertar")
def actualizar_y_alertar() -> dict:
    """Diaria: recalcula avance esperado y semáforos, y alerta a los responsables de hitos vencidos.

    Dos veces seguidas: el recálculo da lo mismo y cada hito se alerta una sola vez
    (`vencimiento_alertado`). Dos a la vez: la segunda no hace nada (candado consultivo)."""
    from att.bloqueos import candado, clave_bloqueo
    from seguimiento import services

    with candado(clave_bloqueo("seguimiento.actualizar_y_alertar")) as propio:
        if not propio:
            return {"omitido": True}
        return {"lineas": services.recalcular_todas(), "alertas": services.alertar_hitos_vencidos()}


@shared_task(name="seguimiento.revisar_informes_atascados")
def revisar_informes_atascados() -> dict:
    """Cada 10 minutos: relanza (o da por fallidos) los informes cuyo proceso murió a mitad."""
    from seguimiento.informes import revisar_atascados

    return revisar_atascados()
