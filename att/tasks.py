from celery import shared_task

from att.models import Municipio


@shared_task(name="att.contar_territorio")
def contar_territorio() -> dict:
    """Tarea mínima de salud: la ejecuta el worker y lee la base de datos."""
    return {"municipios": Municipio.objects.count(), "pdet": Municipio.objects.filter(pdet=True).count()}


@shared_task(name="att.enviar_notificaciones_inmediatas", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def enviar_notificaciones_inmediatas(usuarios_ids: list[int]) -> int:
    from att.notificaciones import enviar_pendientes

    return enviar_pendientes(usuarios_ids=usuarios_ids)


@shared_task(name="att.enviar_resumen_diario", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def enviar_resumen_diario() -> int:
    from att.notificaciones import enviar_pendientes

    return enviar_pendientes(resumen=True)
