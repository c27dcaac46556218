"""Alerta antes del plazo de cada corte a las entidades que no han reportado: una sola vez por entidad y
corte (también si la tarea se entrega dos veces), por la bandeja de notificaciones."""

from datetime import date

import pytest
from django.conf import settings

from att.models import Notificacion, Rol
from pas import services, tasks
from pas.models import AlertaCorte
from tests import factories
from tests.pas.conftest import reportar

pytestmark = pytest.mark.django_db


def _alertas(usuario):
    return Notificacion.objects.filter(usuario=usuario, titulo__startswith="PAS: el plazo del Octavo corte")


def test_entidad_sin_reporte_recibe_una_alerta_antes_del_plazo_y_solo_una(acciones, octavo, reportero_dafp, admin_dnp):
    # El DNP (responsable de nueve acciones) reporta todas; la Función Pública no.
    dnp_oferente = factories.persona(factories.dnp(), Rol.OFERENTE)
    for accion in acciones.values():
        if accion.entidad.nombre == "Departamento Nacional de Planeación":
            reportar(accion, octavo, dnp_oferente)
    # Plazo del octavo corte: 31/07/2026; la alerta empieza 10 días antes (21/07).
    assert services.alertar_plazos(hoy=date(2026, 7, 20)) == 0
    assert services.alertar_plazos(hoy=date(2026, 7, 21)) == 1
    assert _alertas(reportero_dafp).count() == 1
    assert not _alertas(dnp_oferente).exists() and not _alertas(admin_dnp).exists()
    # Reentrega de la tarea y días siguientes hasta el plazo: nada más.
    assert services.alertar_plazos(hoy=date(2026, 7, 21)) == 0
    assert services.alertar_plazos(hoy=date(2026, 7, 31)) == 0
    assert _alertas(reportero_dafp).count() == 1
    assert AlertaCorte.objects.filter(corte=octavo).count() == 1


def test_despues_del_plazo_o_con_el_corte_cerrado_no_se_alerta(acciones, octavo, reportero_dafp, seguimiento_dnp):
    assert services.alertar_plazos(hoy=date(2026, 8, 1)) == 0
    services.corte_cerrar(corte=octavo, por=seguimiento_dnp, hoy=date(2026, 7, 15))
    assert services.alertar_plazos(hoy=date(2026, 7, 25)) == 0
    assert not AlertaCorte.objects.exists()


def test_la_tarea_esta_programada_en_el_beat_y_es_idempotente(acciones, octavo, reportero_dafp, monkeypatch):
    programadas = {v["task"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pas.alertar_plazos" in programadas
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 7, 25))
    assert tasks.alertar_plazos.apply().get() == 2  # la Función Pública y el DNP, sin reporte
    assert tasks.alertar_plazos.apply().get() == 0
    assert _alertas(reportero_dafp).count() == 1
