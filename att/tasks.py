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


@shared_task(name="att.purgar_solicitudes_idempotentes")
def purgar_solicitudes_idempotentes() -> int:
    """Borra las claves de envío de más de 24 horas: pasado ese plazo un reenvío cuenta como nuevo."""
    from att.idempotencia import purgar

    return purgar()


@shared_task(name="att.purgar_formularios")
def purgar_formularios() -> dict:
    """Cada hora: borra los adjuntos pendientes vencidos (con sus archivos) y los borradores viejos."""
    from att import services

    return {"adjuntos": services.purgar_adjuntos_pendientes(), "borradores": services.purgar_borradores()}


@shared_task(name="att.despachar_salida")
def despachar_salida() -> dict:
    """Cada minuto (beat): publica la bandeja de salida pendiente y envía los correos inmediatos
    atrasados. Se puede correr dos veces a la vez: ambas partes reclaman con SKIP LOCKED."""
    import logging

    from att.notificaciones import enviar_atrasadas
    from att.salida import despachar, purgar

    cuenta = despachar()
    cuenta["purgadas"] = purgar()
    try:
        cuenta["correos"] = enviar_atrasadas()
    except Exception as error:  # noqa: BLE001 - quedan sin enviar; la próxima vuelta los retoma
        logging.getLogger("att.salida").warning("Correos atrasados sin enviar: %s", error)
        cuenta["correos"] = 0
    return cuenta


@shared_task(name="att.entregar_webhook")
def entregar_webhook(entrega_id: int) -> bool:
    """Un intento de entrega de un webhook (lo pide la bandeja de salida). Idempotente: una entrega
    ya hecha o tomada por otra corrida no se vuelve a enviar."""
    from att.cambios import entregar

    return entregar(entrega_id)


@shared_task(name="att.reintentar_webhooks")
def reintentar_webhooks() -> dict:
    """Cada minuto (beat): reintenta las entregas de webhooks fallidas cuya espera ya pasó."""
    from att.cambios import reintentar_vencidas

    return reintentar_vencidas()


@shared_task(name="att.purgar_eliminaciones")
def purgar_eliminaciones() -> int:
    """Cada día (beat): borra las lápidas de más de ATT_ELIMINACIONES_DIAS días."""
    from att.cambios import purgar

    return purgar()


@shared_task(name="att.validar_importacion", acks_late=True)
def validar_importacion(importacion_id: int) -> None:
    """El ensayo de una importación grande (idempotente: solo corre en «validando»)."""
    from att import importacion

    importacion.validar(importacion_id)


@shared_task(name="att.escribir_importacion", acks_late=True)
def escribir_importacion(importacion_id: int) -> None:
    """La escritura de una importación confirmada (idempotente: candado y estado final en la misma
    transacción; una segunda entrega no escribe nada)."""
    from att import importacion

    importacion.escribir(importacion_id)


@shared_task(name="att.purgar_importaciones")
def purgar_importaciones() -> int:
    """Borra los ensayos abandonados de más de un día (y los archivos de las terminadas)."""
    from att import importacion

    return importacion.purgar()


@shared_task(name="att.generar_empalme", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generar_empalme(entidad_id: int, solicitado_en: str | None = None) -> dict:
    """El informe de empalme de una entidad territorial (att/empalme.py). Seguro de correr dos veces:
    candado por entidad y, con `solicitado_en`, no regenera lo generado después del pedido."""
    from django.utils.dateparse import parse_datetime

    from att import empalme

    momento = parse_datetime(solicitado_en) if solicitado_en else None
    informe = empalme.generar(entidad_id, solicitado_en=momento)
    return {"entidad": entidad_id, "version": informe.version, "omitido": informe.omitido}


@shared_task(name="att.avisar_diagnostico")
def avisar_diagnostico(diagnostico_id: int) -> int:
    from att.services import avisar_diagnostico as avisar

    return avisar(diagnostico_id)


@shared_task(name="att.avisar_egreso")
def avisar_egreso(egreso_id: int) -> int:
    from att.services import avisar_egreso as avisar

    return avisar(egreso_id)


@shared_task(name="att.correo_cuenta", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def correo_cuenta(evento: str, pk: int, correo: str = "") -> int:
    """Correos de cuentas (solicitud, invitación, fin de membresía, datos personales): att/cuentas.py."""
    from att.cuentas import enviar_correo

    return enviar_correo(evento, pk, correo)


@shared_task(name="att.avisar_solicitud_cuenta")
def avisar_solicitud_cuenta(solicitud_id: int) -> int:
    from att.cuentas import avisar_solicitud_cuenta as avisar

    return avisar(solicitud_id)


@shared_task(name="att.purgar_exportaciones")
def purgar_exportaciones() -> int:
    """Borra las exportaciones grandes ya vencidas y sus archivos (att.exportacion.purgar)."""
    from att import exportacion

    return exportacion.purgar()


@shared_task(name="att.generar_exportacion", acks_late=True)
def generar_exportacion(pk: int) -> None:
    """Una exportación grande pedida desde una página (`att.exportacion.diferir`)."""
    from att.exportacion import generar

    generar(pk)
