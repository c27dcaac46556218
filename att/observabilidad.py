"""Observabilidad: id de solicitud, registros en JSON y reporte de errores a Sentry.

- `IdSolicitudMiddleware` toma `X-Request-ID` de la solicitud si es sensato (o genera un uuid4),
  lo guarda en una variable de contexto y lo devuelve en la respuesta.
- `FiltroContexto` pone en cada registro `request_id` y, dentro de una tarea de Celery,
  `task_id` y `task_name`: así una línea del registro lleva a la solicitud o tarea que la escribió.
- `configuracion_logging()` arma LOGGING: JSON (python-json-logger) en producción, texto en
  desarrollo.
- `iniciar_sentry()` activa Sentry solo si hay DSN; acepta un transporte propio para las pruebas.

Este módulo se importa desde settings: no importa modelos ni nada que necesite Django listo.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

ENCABEZADO = "X-Request-ID"
_ID_SENSATO = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

id_solicitud: contextvars.ContextVar[str] = contextvars.ContextVar("att_id_solicitud", default="")
id_tarea: contextvars.ContextVar[str] = contextvars.ContextVar("att_id_tarea", default="")
nombre_tarea: contextvars.ContextVar[str] = contextvars.ContextVar("att_nombre_tarea", default="")


def id_sensato(valor: str | None) -> str | None:
    """El id que manda el balanceador o el cliente, si no puede ensuciar los registros."""
    if valor and _ID_SENSATO.match(valor):
        return valor
    return None


class IdSolicitudMiddleware:
    """Primero de la pila: todo lo que se registre durante la solicitud lleva su id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        valor = id_sensato(request.headers.get(ENCABEZADO)) or uuid.uuid4().hex
        request.id_solicitud = valor
        marca = id_solicitud.set(valor)
        try:
            response = self.get_response(request)
        finally:
            id_solicitud.reset(marca)
        response[ENCABEZADO] = valor
        return response


class FiltroContexto(logging.Filter):
    """Agrega request_id, task_id y task_name (vacíos si no aplica) a cada registro."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request registra el 404/500 ya fuera del middleware: el id viaja en la solicitud.
        record.request_id = (getattr(record, "request_id", None) or id_solicitud.get()
                             or getattr(getattr(record, "request", None), "id_solicitud", ""))
        record.task_id = getattr(record, "task_id", None) or id_tarea.get()
        record.task_name = getattr(record, "task_name", None) or nombre_tarea.get()
        return True


FORMATO_TEXTO = "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s"
CAMPOS_JSON = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s %(task_name)s"


def configuracion_logging(*, formato: str = "json", nivel: str = "WARNING",
                          nivel_att: str = "INFO") -> dict:
    """LOGGING para settings: un solo manejador a stderr, con el contexto en cada línea."""
    if formato == "json":
        formateador = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": CAMPOS_JSON,
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        }
    else:
        formateador = {"format": FORMATO_TEXTO}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"contexto": {"()": "att.observabilidad.FiltroContexto"}},
        "formatters": {"att": formateador},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["contexto"],
                "formatter": "att",
            },
        },
        "root": {"handlers": ["console"], "level": nivel},
        "loggers": {
            # Lo que la plataforma registra a propósito (tareas, salidas, importaciones).
            **{app: {"level": nivel_att} for app in ("att", "indicadores", "oferta", "demanda", "agenda",
                                                        "seguimiento", "conocimiento")},
            "celery": {"level": "INFO"},
        },
    }


# --- Celery: el id de la tarea (y el de la solicitud que la lanzó) en sus registros -------------
CABECERA_SOLICITUD = "att_request_id"


def conectar_celery() -> None:
    """Conecta las señales de Celery una vez (se llama desde att/celery.py)."""
    from celery import signals

    signals.before_task_publish.connect(_al_publicar, weak=False, dispatch_uid="att_id_al_publicar")
    signals.task_prerun.connect(_antes_de_tarea, weak=False, dispatch_uid="att_id_antes_tarea")
    signals.task_postrun.connect(_despues_de_tarea, weak=False, dispatch_uid="att_id_despues_tarea")


def _al_publicar(sender=None, headers=None, **kwargs):
    valor = id_solicitud.get()
    if valor and headers is not None:
        headers.setdefault(CABECERA_SOLICITUD, valor)


_marcas: dict[str, tuple] = {}


def _antes_de_tarea(sender=None, task_id=None, task=None, **kwargs):
    solicitud = getattr(getattr(task, "request", None), CABECERA_SOLICITUD, None) or ""
    _marcas[task_id] = (
        id_tarea.set(task_id or ""),
        nombre_tarea.set(getattr(task, "name", "") or ""),
        id_solicitud.set(id_sensato(solicitud) or id_solicitud.get()),
    )


def _despues_de_tarea(sender=None, task_id=None, **kwargs):
    marcas = _marcas.pop(task_id, None)
    if marcas:
        for var, marca in zip((id_tarea, nombre_tarea, id_solicitud), marcas, strict=True):
            try:
                var.reset(marca)
            except ValueError:  # otro contexto (hilo del pool): basta con limpiar
                var.set("")


# --- Sentry -------------------------------------------------------------------------------------
def _etiquetar(event, hint):
    """Cada evento lleva el id de la solicitud o de la tarea: se cruza con los registros."""
    etiquetas = event.setdefault("tags", {})
    if id_solicitud.get():
        etiquetas.setdefault("request_id", id_solicitud.get())
    if id_tarea.get():
        etiquetas.setdefault("task_id", id_tarea.get())
    return event


def iniciar_sentry(dsn: str, *, entorno: str = "produccion", tasa_trazas: float = 0.0,
                   version: str | None = None, transport=None):
    """Activa Sentry con las integraciones de Django y Celery; sin DSN no hace nada.

    `transport` (una clase o instancia de `sentry_sdk.transport.Transport`) permite a las pruebas
    recoger los eventos sin red.
    """
    if not dsn:
        return None
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    opciones = {}
    if transport is not None:
        opciones["transport"] = transport
    return sentry_sdk.init(
        dsn=dsn,
        environment=entorno,
        release=version,
        traces_sample_rate=tasa_trazas,
        send_default_pii=False,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=_etiquetar,
        **opciones,
    )
