from celery import shared_task

from att.models import Municipio


@shared_task(name="att.contar_territorio")
def contar_territorio() -> dict:
    """Tarea mínima de salud: la ejecuta el worker y lee la base de datos."""
    return {"municipios": Municipio.objects.count(), "pdet": Municipio.objects.filter(pdet=True).count()}
