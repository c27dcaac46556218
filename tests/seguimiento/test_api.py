"""API del seguimiento: mismas reglas que las páginas."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from indicadores import services as ind_services
from seguimiento import services
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_reportar_validar_y_consultar_por_api(api, entidad_oferente, oferente, otro_oferente, seguimiento_dnp, auditor):
    l = fabricas.linea(entidad_oferente)
    h = fabricas.hito(l)
    services.recalcular_linea(l)
    datos = {"hito": h.pk, "porcentaje": "30", "fecha_corte": "2026-05-01", "narrativa": "Mesa técnica"}
    api.force_authenticate(otro_oferente)
    assert api.post("/api/v1/seguimiento/avances/", datos).status_code == 403
    api.force_authenticate(oferente)
    r = api.post("/api/v1/seguimiento/avances/", datos)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api.post(f"/api/v1/seguimiento/avances/{pk}/validar/", {}).status_code == 403
    api.force_authenticate(auditor)
    assert api.post(f"/api/v1/seguimiento/avances/{pk}/validar/", {}).status_code == 403
    api.force_authenticate(seguimiento_dnp)
    r = api.post(f"/api/v1/seguimiento/avances/{pk}/validar/", {"comentario": "ok"}, format="json")
    assert r.status_code == 200 and r.json()["estado"] == "validado"
    r = api.get("/api/v1/seguimiento/lineas/")
    assert r.json()["results"][0]["avance"] == "30.00"
    api.force_authenticate(otro_oferente)
    assert api.get("/api/v1/seguimiento/lineas/").json()["results"] == []
    assert api.get("/api/v1/seguimiento/avances/").json()["results"] == []


def test_mediciones_y_percepcion_por_api(api, entidad_oferente, oferente, seguimiento_dnp, funcionario_medellin):
    i = fabricas.indicador(entidad_oferente)
    ind_services.periodo_cerrar(periodo=date(2026, 2, 1), por=seguimiento_dnp)
    api.force_authenticate(oferente)
    r = api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-02-01", "valor": "3"})
    assert r.status_code == 400 and "cerrado" in str(r.json())
    assert api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-03-01", "valor": "3"}).status_code == 201
    medellin = factories.alcaldia("05001")  # sin consentimiento: es el estado por defecto
    api.force_authenticate(funcionario_medellin)
    r = api.post("/api/v1/seguimiento/percepciones/", {"entidad": medellin.pk, "calidad": 4, "pertinencia": 4, "oportunidad": 4})
    assert r.status_code == 400 and "no ha dado su consentimiento" in str(r.json())
    assert api.get("/api/v1/seguimiento/informes/").status_code == 200
    assert api.get("/api/v1/seguimiento/indicadores/").status_code == 200


def test_api_no_deja_ver_ni_escribir_lo_ajeno_por_identificador(api, entidad_oferente, oferente, otro_oferente,
                                                                 funcionario_medellin, auditor):
    from decimal import Decimal as D

    l = fabricas.linea(entidad_oferente, responsable=oferente)
    h = fabricas.hito(l)
    services.recalcular_linea(l)
    a = services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=date(2026, 5, 1), narrativa="x", por=oferente)
    i = fabricas.indicador(entidad_oferente)
    api.force_authenticate(otro_oferente)
    assert api.get(f"/api/v1/seguimiento/avances/{a.pk}/").status_code == 404
    assert api.get(f"/api/v1/seguimiento/lineas/{l.pk}/").status_code == 404
    assert api.get(f"/api/v1/seguimiento/hitos/{h.pk}/").status_code == 404
    assert api.post("/api/v1/seguimiento/hitos/", {"linea": l.pk, "nombre": "Ajeno", "peso": "1",
                                                   "fecha_planeada": "2026-09-30"}).status_code == 403
    assert api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-03-01",
                                                        "valor": "3"}).status_code == 403
    api.force_authenticate(funcionario_medellin)
    cali = factories.alcaldia("76001")
    assert api.post("/api/v1/seguimiento/percepciones/", {"entidad": cali.pk, "calidad": 5, "pertinencia": 5,
                                                          "oportunidad": 5}).status_code == 403
    api.force_authenticate(auditor)
    assert api.get(f"/api/v1/seguimiento/avances/{a.pk}/").status_code == 200
    assert api.get(f"/api/v1/seguimiento/lineas/{l.pk}/").status_code == 200
    assert api.post("/api/v1/seguimiento/hitos/", {"linea": l.pk, "nombre": "Auditor", "peso": "1",
                                                   "fecha_planeada": "2026-09-30"}).status_code == 403
    assert l.hitos.count() == 1
