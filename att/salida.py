"""Bandeja de salida (outbox): las tareas de Celery se piden con `encolar(...)`, nunca con `.delay`.

`encolar` escribe una fila `Salida` en la misma transacción que el cambio que la origina (si la
transacción se deshace, no queda nada por enviar) y, al confirmarse, intenta una publicación
inmediata con tiempos de espera cortos y sin reintentos de kombu. Si el broker (Redis) no
responde, la fila queda pendiente y la petición sigue su curso: una escritura confirmada nunca
termina en 500 por el broker. El despachador (`att.despachar_salida`, cada minuto en el beat)
reclama las filas vencidas con `SELECT … FOR UPDATE SKIP LOCKED`, las publica y reintenta con
espera creciente; tras `ATT_SALIDA_MAX_INTENTOS` las marca como fallidas con el error.

Sin broker (desarrollo y pruebas, `CELERY_TASK_ALWAYS_EAGER`), la tarea corre en el mismo proceso
al confirmar la transacción.

La entrega al broker es «al menos una vez»: las tareas que se encolan así deben ser idempotentes
(el envío de correos reclama cada notificación; los informes tienen clave por periodo).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from att.cache import Cortacircuitos
from att.models import EstadoSalida, Salida
from att.validadores import recortar

logger = logging.getLogger("att.salida")

LOTE = 100
ESPERA_BASE = timedelta(seconds=30)
ESPERA_MAXIMA = timedelta(hours=1)

# Tras un fallo del broker, las publicaciones inmediatas no lo intentan durante unos segundos:
# la fila queda pendiente para el despachador y la petición no paga otro tiempo de espera.
_broker = Cortacircuitos("El broker de Celery", pausa=5.0, registro=logger)


def _max_intentos() -> int:
    return getattr(settings, "ATT_SALIDA_MAX_INTENTOS", 10)


def _espera_broker() -> float:
    return getattr(settings, "ATT_SALIDA_ESPERA_BROKER", 1.0)


def _celery():
    from att.celery import app

    return app


def _tarea(nombre: str):
    app = _celery()
    if nombre not in app.tasks:
        app.loader.import_default_modules()  # el proceso web no importa los tasks.py hasta usarlos
    return app.tasks[nombre]


def _en_proceso() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def espera_tras(intentos: int) -> timedelta:
    """Espera antes del siguiente intento: 30 s, 1 min, 2 min, … hasta 1 hora."""
    return min(ESPERA_BASE * (2 ** max(intentos - 1, 0)), ESPERA_MAXIMA)


def encolar(tarea, *args, clave: str = "", **kwargs) -> Salida:
    """Pide ejecutar `tarea` (objeto de Celery o su nombre) con `args`/`kwargs` (JSON) cuando se
    confirme la transacción en curso. Con `clave`, no se duplica una salida pendiente igual."""
    nombre = tarea if isinstance(tarea, str) else tarea.name
    salida = Salida(tarea=nombre, argumentos=list(args), parametros=kwargs, clave=clave[:200])
    if clave:
        # Cada intento en su propio punto de guardado: un choque no rompe la transacción de afuera.
        for _intento in range(5):
            try:
                with transaction.atomic():
                    salida.save()
                break
            except IntegrityError:
                salida.pk = None
                existente = Salida.objects.filter(clave=salida.clave, estado=EstadoSalida.PENDIENTE).first()
                if existente is not None:
                    return existente  # ya pedida y sin publicar: sale con la que existe
        else:
            raise IntegrityError(f"No se pudo encolar {nombre} con la clave {salida.clave!r}.")
    else:
        salida.save()
    transaction.on_commit(partial(_publicar_al_confirmar, salida.pk))
    return salida


def _publicar_al_confirmar(pk: int) -> None:
    """Intento inmediato tras el commit; nunca lanza una excepción a quien hizo el cambio."""
    try:
        if _en_proceso():
            ejecutar_en_proceso(pk)
        elif not _broker.abierto():
            despachar(ids=[pk])
    except Exception:
        logger.exception("No se pudo publicar la salida %s al confirmar; queda para el despachador.", pk)


def _anotar_fallo(salida: Salida, error: BaseException | str) -> None:
    salida.intentos += 1
    salida.ultimo_error = recortar(error, Salida._meta.get_field("ultimo_error").max_length) or type(error).__name__
    if salida.intentos >= _max_intentos():
        salida.estado = EstadoSalida.FALLIDA
        logger.error("Salida %s (%s) fallida tras %s intentos: %s", salida.pk, salida.tarea, salida.intentos,
                     salida.ultimo_error)
    else:
        salida.estado = EstadoSalida.PENDIENTE
        salida.proximo_intento = timezone.now() + espera_tras(salida.intentos)


def ejecutar_en_proceso(pk: int) -> bool:
    """Modo sin broker: reclama la fila (pendiente → publicada) y corre la tarea aquí mismo."""
    ahora = timezone.now()
    if not Salida.objects.filter(pk=pk, estado=EstadoSalida.PENDIENTE).update(
            estado=EstadoSalida.PUBLICADA, publicada_en=ahora):
        return False  # otro proceso ya la tomó
    salida = Salida.objects.get(pk=pk)
    try:
        _tarea(salida.tarea).apply(args=salida.argumentos, kwargs=salida.parametros, throw=True)
    except Exception as error:
        logger.exception("La tarea %s de la salida %s falló en el proceso.", salida.tarea, pk)
        _anotar_fallo(salida, error)
        salida.publicada_en = None
        try:
            with transaction.atomic():
                salida.save(update_fields=["estado", "intentos", "ultimo_error", "proximo_intento", "publicada_en"])
        except IntegrityError:  # ya hay otra pendiente con la misma clave: esa la reemplaza
            salida.estado = EstadoSalida.FALLIDA
            salida.save(update_fields=["estado", "intentos", "ultimo_error", "proximo_intento", "publicada_en"])
        return False
    return True


def _conexion_broker():
    """Conexión de escritura con tiempos cortos y sin reintentos: un broker caído cuesta < 1 s."""
    espera = _espera_broker()
    return _celery().connection_for_write(
        connect_timeout=espera,
        transport_options={"socket_connect_timeout": espera, "socket_timeout": espera, "max_retries": 0},
    )


def _publicar(salida: Salida, conexion) -> None:
    _celery().send_task(
        salida.tarea, args=salida.argumentos, kwargs=salida.parametros, connection=conexion,
        retry=False, ignore_result=True,
    )


def _reclamar(ids: list[int] | None, lote: int) -> list[Salida]:
    qs = Salida.objects.select_for_update(skip_locked=True).filter(estado=EstadoSalida.PENDIENTE)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    else:
        qs = qs.filter(proximo_intento__lte=timezone.now())
    return list(qs.order_by("proximo_intento", "pk")[:lote])


def despachar(*, ids: list[int] | None = None, lote: int = LOTE) -> dict[str, int]:
    """Publica las salidas pendientes y vencidas (o las de `ids`, vencidas o no).

    Cada lote se reclama con `FOR UPDATE SKIP LOCKED` dentro de una transacción que dura lo que su
    publicación: dos despachadores a la vez nunca toman la misma fila. Si el broker falla, el resto
    del lote se reprograma sin volver a intentarlo."""
    cuenta = {"publicadas": 0, "reprogramadas": 0, "fallidas": 0}
    if _en_proceso():
        for salida in Salida.objects.filter(estado=EstadoSalida.PENDIENTE, **(
                {"pk__in": ids} if ids is not None else {"proximo_intento__lte": timezone.now()})):
            cuenta["publicadas" if ejecutar_en_proceso(salida.pk) else "reprogramadas"] += 1
        return cuenta
    conexion = _conexion_broker()
    try:
        while True:
            with transaction.atomic():
                filas = _reclamar(ids, lote)
                error_broker = None
                for salida in filas:
                    if error_broker is None:
                        try:
                            _publicar(salida, conexion)
                        except Exception as error:  # noqa: BLE001 - se anota y se reintenta luego
                            error_broker = error
                            _broker.fallo(error)
                        else:
                            _broker.exito()
                            salida.estado = EstadoSalida.PUBLICADA
                            salida.publicada_en = timezone.now()
                            salida.ultimo_error = ""
                            cuenta["publicadas"] += 1
                            continue
                    _anotar_fallo(salida, error_broker)
                    cuenta["fallidas" if salida.estado == EstadoSalida.FALLIDA else "reprogramadas"] += 1
                Salida.objects.bulk_update(
                    filas, ["estado", "publicada_en", "intentos", "proximo_intento", "ultimo_error"])
            if ids is not None or error_broker is not None or len(filas) < lote:
                break
    finally:
        conexion.release()
    return cuenta


def purgar(*, dias: int = 7, lote: int = 5000) -> int:
    """Borra las salidas publicadas hace más de `dias` (las fallidas se quedan para revisarlas)."""
    viejas = Salida.objects.filter(
        estado=EstadoSalida.PUBLICADA, publicada_en__lt=timezone.now() - timedelta(days=dias)
    ).values_list("pk", flat=True)[:lote]
    borradas, _detalle = Salida.objects.filter(pk__in=list(viejas)).delete()
    return borradas


def reintentar(*, salidas) -> int:
    """Devuelve a la cola (pendiente, ya vencida) las salidas indicadas que no se publicaron; el
    despachador las toma en su próxima vuelta. Omite las que ya tienen otra pendiente con su clave."""
    devueltas = 0
    for pk in salidas.exclude(estado=EstadoSalida.PUBLICADA).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                devueltas += Salida.objects.filter(pk=pk).exclude(estado=EstadoSalida.PUBLICADA).update(
                    estado=EstadoSalida.PENDIENTE, proximo_intento=timezone.now(), intentos=0)
        except IntegrityError:
            continue
    return devueltas
