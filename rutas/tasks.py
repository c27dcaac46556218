"""Tareas de Celery de las rutas."""

from celery import shared_task


@shared_task(name="rutas.avisar", acks_late=True)
def avisar(ruta_id: int, evento: str) -> int:
    """Avisa de una ruta creada, un paso que no aplica o un egreso. Segura de correr dos veces: la
    clave de la alerta («ruta-<id>-<evento>») no se repite por persona."""
    from rutas.services import avisar as avisar_ruta

    return avisar_ruta(ruta_id, evento)
