"""Tareas de Celery de la demanda."""

from celery import shared_task


@shared_task(name="demanda.alertar_importadas", acks_late=True)
def alertar_importadas(ids: list[int]) -> int:
    """Alertas de demandas nuevas, registradas en la página, por la API o por archivo (fuera de la petición).

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


@shared_task(name="demanda.alertar_cambio", acks_late=True)
def alertar_cambio(demanda_id: int, marca: str) -> int:
    """Alertas de una demanda que su entidad cambió. La `marca` la fijó el servicio al pedir la tarea:
    una entrega repetida lleva la misma clave de alerta y no avisa dos veces."""
    from demanda.models import Demanda
    from demanda.services import alertar_oferentes

    demanda = Demanda.objects.filter(pk=demanda_id).select_related("entidad").first()
    if demanda is None:
        return 0
    return len(alertar_oferentes(demanda=demanda, nueva=False, marca=marca))


@shared_task(name="demanda.recruzar_brechas", acks_late=True)
def recruzar_brechas(oferta_id: int) -> int:
    """Tras publicar una oferta: vuelve a cruzar las demandas que eran brecha (segura de repetir: solo
    recalcula la relevancia guardada)."""
    from demanda.services import recruzar_brechas as recruzar

    return recruzar(oferta_id=oferta_id)


@shared_task(name="demanda.recruzar_de_oferta", acks_late=True)
def recruzar_de_oferta(oferta_id: int) -> int:
    """Tras archivar una oferta: vuelve a cruzar las demandas de las que era la mejor (segura de repetir)."""
    from demanda.services import recruzar_de_oferta as recruzar

    return recruzar(oferta_id=oferta_id)
