"""Tareas de Celery del PAS (programadas en CELERY_BEAT_SCHEDULE de att/settings.py):

- pas.alertar_plazos: todos los días a las 07:00; alerta una vez por entidad y corte a quien no ha
  reportado antes del plazo.
- pas.generar_informe_corte: pedida por la bandeja de salida (página, API, cierre del corte).

Ambas son seguras de correr dos veces (la entrega de Redis es «al menos una vez»).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime


@shared_task(name="pas.alertar_plazos")
def alertar_plazos() -> int:
    """Dos a la vez: la segunda no hace nada (candado consultivo); dos seguidas: `AlertaCorte` es única."""
    from att.bloqueos import candado, clave_bloqueo
    from pas import services

    with candado(clave_bloqueo("pas.alertar_plazos")) as propio:
        return services.alertar_plazos() if propio else 0


@shared_task(bind=True, name="pas.generar_informe_corte", max_retries=3, acks_late=True)
def generar_informe_corte(self, corte_id: int, solicitado_en: str | None = None) -> dict:
    from pas import informes
    from pas.models import CorteSemestral

    momento = parse_datetime(solicitado_en) if solicitado_en else None
    if momento is not None and timezone.is_naive(momento):
        momento = timezone.make_aware(momento)
    corte = CorteSemestral.objects.get(pk=corte_id)
    try:
        informe = informes.generar(corte=corte, solicitado_en=momento)
    except Exception as exc:
        if self.request.retries >= self.max_retries or self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc
    return {"id": informe.pk, "version": informe.version, "omitido": informe.omitido}
