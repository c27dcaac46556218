"""Tareas de Celery de la demanda."""

from celery import shared_task


@shared_task(name="demanda.alertar_importadas", acks_late=True)
def alertar_importadas(ids: list[int]) -> int:
    """Alertas de las demandas que entraron por archivo (fuera de la petición: pueden ser muchas).

    Segura de correr dos veces: la `clave` de cada alerta («demanda-<id>-nueva») no se repite por
    persona, y el correo reclama cada notificación antes de enviarla."""
    from demanda.models import Demanda
    from demanda.services import alertar_oferentes

    n = 0
    for demanda in Demanda.objects.filter(pk__in=ids).select_related("entidad", "entidad__municipio", "entidad__departamento",
                                                                     "capacidad", "etapa", "modalidad", "canal"):
        alertar_oferentes(demanda=demanda, nueva=True)
        n += 1
    return n


@shared_task(name="demanda.recruzar_brechas", acks_late=True)
def recruzar_brechas(oferta_id: int) -> int:
    """Tras publicar una oferta: vuelve a cruzar las demandas que eran brecha (segura de repetir: solo
    recalcula la relevancia guardada)."""
    from demanda.services import recruzar_brechas as recruzar

    return recruzar(oferta_id=oferta_id)
