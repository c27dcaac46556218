"""Tareas de Celery de la oferta.

Las importaciones de ofertas van por la tubería común (`att.importacion`, tareas
`att.validar_importacion` y `att.escribir_importacion`). Las dos tareas de abajo quedan registradas
solo para que un mensaje viejo de la bandeja de salida (de una `ImportacionOferta` anterior, que hoy
es historial de solo lectura) se consuma sin hacer nada: una entrega repetida no escribe ni reabre.
"""

import logging

from celery import shared_task

logger = logging.getLogger("oferta.tasks")


@shared_task(name="oferta.validar_importacion", acks_late=True)
def validar_importacion(importacion_id: int) -> None:
    logger.info("Importación de ofertas %s del sistema anterior: se ignora (historial de solo lectura)", importacion_id)


@shared_task(name="oferta.escribir_importacion", acks_late=True)
def escribir_importacion(importacion_id: int) -> None:
    logger.info("Importación de ofertas %s del sistema anterior: se ignora (historial de solo lectura)", importacion_id)


@shared_task(name="oferta.refrescar_vocabulario", acks_late=True)
def refrescar_vocabulario() -> None:
    """Vocabulario del «¿Quiso decir …?» del portal (idempotente: recalcula la vista entera)."""
    from att.busqueda import refrescar_vocabulario as refrescar

    refrescar("oferta")


@shared_task(name="oferta.generar_datos_abiertos", acks_late=True)
def generar_datos_abiertos() -> list[str]:
    """Instantánea de los datos abiertos completos (CSV y XLSX) que sirve `/oferta/exportar/` sin filtros
    (idempotente: con la misma huella de las publicadas no hace nada)."""
    from oferta.exportacion import generar_instantanea

    return generar_instantanea()
