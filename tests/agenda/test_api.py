import pytest
from rest_framework.test import APIClient

from agenda.models import EstadoPlan
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_ciclo_por_api(api, entidad_oferente, oferente, admin_dnp, auditor):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    api.force_authenticate(oferente)
    r = api.post(f"/api/v1/agenda/lineas/?plan={plan.pk}", {
        "oferta": oferta.pk, "objetivo": "Acompañar", "territorios": [factories.alcaldia("05001").pk],
        "etapa": "planeacion", "fecha_inicio": "2025-02-01", "fecha_fin": "2025-05-31",
        "responsable": oferente.email, "inversion": "5000000", "indicador": "ET", "meta": "3",
    }, format="json")
    assert r.status_code == 201, r.content
    assert api.post(f"/api/v1/agenda/planes/{plan.pk}/enviar/", {"nota": "v1"}, format="json").status_code == 201
    assert api.post(f"/api/v1/agenda/planes/{plan.pk}/revisar/", {"decision": "aprobado"},
                    format="json").status_code == 403
    api.force_authenticate(auditor)
    assert api.post(f"/api/v1/agenda/planes/{plan.pk}/revisar/", {"decision": "aprobado"},
                    format="json").status_code == 403
    api.force_authenticate(admin_dnp)
    r = api.post(f"/api/v1/agenda/planes/{plan.pk}/revisar/", {"decision": "devuelto"}, format="json")
    assert r.status_code == 400 and "comentario" in r.json()
    r = api.post(f"/api/v1/agenda/planes/{plan.pk}/revisar/", {"decision": "aprobado"}, format="json")
    assert r.status_code == 201
    detalle = api.get(f"/api/v1/agenda/planes/{plan.pk}/").json()
    assert detalle["estado"] == EstadoPlan.APROBADO and len(detalle["versiones"]) == 1
    assert detalle["revisiones"][0]["decision"] == "aprobado"


def test_lineas_por_territorio(api, funcionario_medellin):
    medellin = factories.alcaldia("05001")
    plan = f.plan(factories.EntidadNacionalFactory(), estado=EstadoPlan.APROBADO)
    f.linea(plan, territorios=[medellin])
    f.linea(plan, territorios=[factories.alcaldia("76001")])
    api.force_authenticate(funcionario_medellin)
    r = api.get(f"/api/v1/agenda/lineas/?territorio={medellin.pk}")
    assert r.status_code == 200 and len(r.json()["results"]) == 1


def test_anonimo_no_entra(api):
    assert api.get("/api/v1/agenda/planes/").status_code in (401, 403)


def test_crear_linea_sin_plan_valido(api, entidad_oferente, oferente):
    api.force_authenticate(oferente)
    r = api.post("/api/v1/agenda/lineas/?plan=abc", {
        "oferta": f.oferta(entidad_oferente).pk, "objetivo": "x", "territorios": [factories.alcaldia("05001").pk],
        "etapa": "planeacion", "fecha_inicio": "2025-02-01", "fecha_fin": "2025-05-31",
        "responsable": oferente.email}, format="json")
    assert r.status_code == 400 and "plan" in r.json()


def test_otro_oferente_no_crea_lineas_en_plan_ajeno_por_api(api, entidad_oferente, otro_oferente):
    plan = f.plan(entidad_oferente)
    api.force_authenticate(otro_oferente)
    r = api.post(f"/api/v1/agenda/lineas/?plan={plan.pk}", {
        "oferta": f.oferta(entidad_oferente).pk, "objetivo": "x", "territorios": [factories.alcaldia("05001").pk],
        "etapa": "planeacion", "fecha_inicio": "2025-02-01", "fecha_fin": "2025-05-31",
        "responsable": otro_oferente.email}, format="json")
    assert r.status_code == 404 and not plan.lineas.exists()
