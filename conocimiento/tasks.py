"""Tareas de Celery de la gestión del conocimiento."""

from celery import shared_task


@shared_task(name="conocimiento.refrescar_vocabulario", acks_late=True)
def refrescar_vocabulario() -> None:
    """Vocabulario del «¿Quiso decir …?» del repositorio (idempotente: recalcula la vista entera)."""
    from att.busqueda import refrescar_vocabulario as refrescar

    refrescar("conocimiento")
