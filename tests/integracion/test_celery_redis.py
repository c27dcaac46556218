"""Contra el Redis de la máquina y un worker de Celery real (los corre `make test-integracion`)."""

import pytest

from att.tasks import contar_territorio

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_tarea_ejecutada_por_worker_real_y_resultado_guardado(worker_celery, referencia_cargada):
    resultado = contar_territorio.delay()
    assert resultado.get(timeout=60) == {"municipios": 1121, "pdet": 0}
    # El resultado queda guardado en el backend (Redis) y se puede leer de nuevo por su id.
    from celery.result import AsyncResult

    guardado = AsyncResult(resultado.id)
    assert guardado.status == "SUCCESS" and guardado.result["municipios"] == 1121


def test_correo_de_alerta_por_el_worker(worker_celery, referencia_cargada):
    from att.models import Notificacion
    from att.notificaciones import notificar
    from tests import factories

    persona = factories.persona(factories.alcaldia("05001"))
    notificar(usuarios=[persona], categoria="prueba", titulo="Alerta de prueba", url="/")
    import time

    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        if Notificacion.objects.filter(usuario=persona, correo_enviado_en__isnull=False).exists():
            break
        time.sleep(0.5)
    assert Notificacion.objects.get(usuario=persona).correo_enviado_en is not None


def test_el_worker_real_registra_cada_tarea_del_beat(worker_celery):
    """Cada nombre del horario del beat existe en el worker una vez cargados sus módulos: un nombre
    mal escrito o un tasks.py que no se importa dejaría la corrida programada sin quién la haga."""
    from django.conf import settings

    from att.celery import app

    respuestas = app.control.inspect(timeout=10).registered() or {}
    assert respuestas, "el worker no respondió a inspect registered"
    registradas = set().union(*respuestas.values())
    programadas = {entrada["task"] for entrada in settings.CELERY_BEAT_SCHEDULE.values()}
    assert programadas - registradas == set()
