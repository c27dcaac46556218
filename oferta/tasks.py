"""Tareas de Celery de la oferta: importaciones grandes con avance visible."""

from celery import shared_task


@shared_task(name="oferta.validar_importacion", acks_late=True)
def validar_importacion(importacion_id: int) -> None:
    from .services import importacion_validar

    importacion_validar(importacion_id=importacion_id)


@shared_task(name="oferta.escribir_importacion", acks_late=True)
def escribir_importacion(importacion_id: int) -> None:
    from .services import importacion_escribir

    importacion_escribir(importacion_id=importacion_id)
