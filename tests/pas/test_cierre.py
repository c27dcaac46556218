"""Un corte cerrado (mismo candado y regla que el cierre de periodos de `indicadores`) rechaza cambios
en el servicio, la página, el administrador y la API; cerrarlo es del equipo DNP, solo un corte
terminado, e idempotente. Lo existente del cierre de meses sigue igual (tests/seguimiento)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from indicadores import services as srv_indicadores
from indicadores.models import CierrePeriodo
from pas import services
from pas.models import CorteSemestral, EstadoReporte, ReportePAS, VersionReporte
from tests.pas.conftest import reportar

pytestmark = pytest.mark.django_db
CERRADO = "El Octavo corte del PAS está cerrado: sus reportes ya no se pueden cambiar."


def test_cerrar_es_del_dnp_solo_un_corte_terminado_e_idempotente(octavo, reportero_dafp, auditor, seguimiento_dnp):
    with pytest.raises(PermissionDenied, match="Solo el equipo de seguimiento del DNP cierra periodos"):
        services.corte_cerrar(corte=octavo, por=reportero_dafp, hoy=date(2026, 11, 30))
    with pytest.raises(PermissionDenied, match="Solo el equipo de seguimiento del DNP cierra periodos"):
        services.corte_cerrar(corte=octavo, por=auditor, hoy=date(2026, 11, 30))
    # Frontera: el día de la fecha de corte el semestre aún no termina; el siguiente, sí.
    with pytest.raises(ValidationError, match="Solo se cierra un periodo ya terminado: Octavo corte aún no termina"):
        services.corte_cerrar(corte=octavo, por=seguimiento_dnp, hoy=date(2026, 6, 30))
    corte = services.corte_cerrar(corte=octavo, por=seguimiento_dnp, hoy=date(2026, 7, 1))
    primero = corte.cerrado_en
    assert corte.cerrado_por == seguimiento_dnp and primero is not None
    otra_vez = services.corte_cerrar(corte=CorteSemestral.objects.get(numero=8), por=seguimiento_dnp, hoy=date(2026, 7, 2))
    assert otra_vez.cerrado_en == primero
    assert corte.historial.filter(cerrado_en__isnull=False).first().history_user == seguimiento_dnp
    assert not CierrePeriodo.objects.exists()  # el corte no cierra meses de la operación


def test_el_mismo_mecanismo_de_indicadores_rechaza_el_corte_cerrado(octavo, seguimiento_dnp):
    srv_indicadores.exigir_periodo_abierto(periodo=octavo)  # abierto: pasa
    srv_indicadores.periodo_cerrar(periodo=octavo, por=seguimiento_dnp, hoy=date(2026, 11, 30))
    with pytest.raises(ValidationError, match=CERRADO) as error:
        srv_indicadores.exigir_periodo_abierto(periodo=octavo)
    assert error.value.code == "periodo_cerrado"


@pytest.fixture
def cerrado(acciones, octavo, reportero_dafp, admin_dnp, seguimiento_dnp):
    enviado = reportar(acciones["1.3"], octavo, reportero_dafp)
    aprobado = services.reporte_aprobar(reporte=reportar(acciones["2.2"], octavo, reportero_dafp), por=admin_dnp)
    services.corte_cerrar(corte=octavo, por=seguimiento_dnp)
    octavo.refresh_from_db()
    return {"enviado": enviado, "aprobado": aprobado, "corte": octavo}


def _huella():
    return list(ReportePAS.objects.order_by("pk").values_list("pk", "estado", "avance", "comprometido", "pagado", "nota")), \
        VersionReporte.objects.count()


def test_corte_cerrado_rechaza_cambios_en_el_servicio(cerrado, acciones, reportero_dafp, admin_dnp):
    antes = _huella()
    with pytest.raises(ValidationError, match=CERRADO):
        services.reporte_aprobar(reporte=cerrado["enviado"], por=admin_dnp)
    with pytest.raises(ValidationError, match=CERRADO):
        services.reporte_devolver(reporte=cerrado["enviado"], por=admin_dnp, comentario="Tarde")
    with pytest.raises(ValidationError, match=CERRADO):
        reportar(acciones["1.3"], cerrado["corte"], reportero_dafp, avance=D(90))
    with pytest.raises(ValidationError, match=CERRADO):
        services.corte_editar(corte=cerrado["corte"], por=admin_dnp, plazo_reporte=date(2026, 12, 31), dias_alerta=5)
    with pytest.raises(ValidationError, match="El corte está cerrado"):
        ReportePAS.objects.get(pk=cerrado["aprobado"].pk).save()  # el modelo se defiende (cualquier camino)
    assert _huella() == antes


def test_corte_cerrado_rechaza_cambios_en_la_pagina(client, cerrado, acciones, reportero_dafp, admin_dnp):
    antes = _huella()
    client.force_login(admin_dnp)
    r = client.post(f"/pas/reportes/{cerrado['enviado'].pk}/aprobar/", {"comentario": ""}, follow=True)
    assert CERRADO in r.content.decode()
    r = client.post(f"/pas/cortes/{cerrado['corte'].pk}/", {"accion": "plazo", "plazo_reporte": "2026-12-31",
                                                          "dias_alerta": "5"}, follow=True)
    assert CERRADO in r.content.decode()
    assert CorteSemestral.objects.get(numero=8).plazo_reporte == date(2026, 7, 31)
    pagina = client.get(f"/pas/reportes/{cerrado['enviado'].pk}/").content.decode()
    assert "Aprobar" not in pagina and "Devolver con comentarios" not in pagina
    assert "Consolidar y cerrar" not in client.get(f"/pas/cortes/{cerrado['corte'].pk}/").content.decode()
    client.force_login(reportero_dafp)
    r = client.post(f"/pas/acciones/{acciones['1.3'].pk}/cortes/{cerrado['corte'].pk}/reportar/",
                    {"avance": "90", "comprometido": "1", "pagado": "1", "nota": "x", "enviar": "1"}, follow=True)
    assert CERRADO in r.content.decode()
    assert _huella() == antes


def test_corte_cerrado_rechaza_cambios_en_el_admin(client, cerrado, admin_dnp):
    antes = _huella()
    client.force_login(admin_dnp)
    pk = cerrado["aprobado"].pk
    r = client.post(f"/admin/pas/reportepas/{pk}/change/", {"accion": cerrado["aprobado"].accion_id, "estado": "borrador",
                                                             "avance": "1", "comprometido": "0", "pagado": "0"})
    assert r.status_code == 403
    assert client.post(f"/admin/pas/reportepas/{pk}/delete/", {"post": "yes"}).status_code == 403
    r = client.post(f"/admin/pas/cortesemestral/{cerrado['corte'].pk}/change/",
                    {"plazo_reporte": "2027-01-01", "dias_alerta": "3"})
    assert r.status_code == 403
    client.post("/admin/pas/reportepas/", {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    assert _huella() == antes
    assert CorteSemestral.objects.get(numero=8).plazo_reporte == date(2026, 7, 31)


def test_corte_cerrado_rechaza_cambios_en_la_api(cerrado, acciones, reportero_dafp, admin_dnp):
    antes = _huella()
    api = APIClient()
    api.force_authenticate(admin_dnp)
    r = api.post(f"/api/v1/pas/reportes/{cerrado['enviado'].pk}/aprobar/", {}, format="json")
    assert r.status_code == 400 and CERRADO in str(r.json())
    r = api.post(f"/api/v1/pas/reportes/{cerrado['enviado'].pk}/devolver/", {"comentario": "Tarde"}, format="json")
    assert r.status_code == 400 and CERRADO in str(r.json())
    api.force_authenticate(reportero_dafp)
    r = api.post("/api/v1/pas/reportes/", {"accion": acciones["1.3"].pk, "corte": cerrado["corte"].pk, "avance": "90",
                                           "comprometido": "1", "pagado": "1"}, format="json")
    assert r.status_code == 400 and CERRADO in str(r.json())
    assert _huella() == antes
    assert ReportePAS.objects.get(pk=cerrado["enviado"].pk).estado == EstadoReporte.ENVIADO
