"""API REST: crear y leer demandas acotadas a la entidad de quien llama (sesión o token)."""

import pytest
from rest_framework.test import APIClient

from att import services as att_services
from att.models import Rol
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db
URL = "/api/v1/demandas/"


def test_crear_y_leer_con_sesion(funcionario_medellin, funcionario_cali):
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    r = api.post(URL, fabricas.cuerpo_api(factories.alcaldia("05001")), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["estado"] == "registrada" and r.json()["temas"] == ["hacienda-finanzas"]
    d = Demanda.objects.get()
    assert d.eventos.count() == 1 and d.registrada_por == funcionario_medellin
    r = api.post(URL, fabricas.cuerpo_api(factories.alcaldia("76001")), format="json")
    assert r.status_code == 400 and "No puede registrar demandas para esta entidad." in r.json()["entidad"]
    r = api.post(URL, fabricas.cuerpo_api(factories.alcaldia("05001"), temas=["no-existe"], fuente="x"), format="json")
    assert r.status_code == 400 and set(r.json()) == {"temas", "fuente"}
    otra = APIClient()
    otra.force_authenticate(funcionario_cali)
    assert otra.get(f"{URL}{d.pk}/").status_code == 404
    assert otra.get(URL).json()["results"] == []
    assert api.get(f"{URL}{d.pk}/").json()["eventos"][0]["a_estado"] == "registrada"


def test_anonimo_no_accede():
    assert APIClient().get(URL).status_code in (401, 403)


def test_token_de_integracion_acotado_a_su_entidad(admin_dnp, funcionario_medellin, funcionario_cali):
    medellin = factories.alcaldia("05001")
    propia = fabricas.demanda(medellin, funcionario_medellin)
    ajena = fabricas.demanda(factories.alcaldia("76001"), funcionario_cali)
    integrador = factories.persona(medellin, Rol.INTEGRADOR)
    _token, clave = att_services.token_emitir(nombre="SI municipal", usuario=integrador, entidad=medellin,
                                              rol=Rol.INTEGRADOR, por=admin_dnp)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    ids = [f["id"] for f in api.get(URL).json()["results"]]
    assert ids == [propia.pk] and ajena.pk not in ids
    assert api.post(URL, fabricas.cuerpo_api(medellin), format="json").status_code == 201
    assert api.post(URL, fabricas.cuerpo_api(factories.alcaldia("76001")), format="json").status_code == 400


def test_filtros(equipo_antioquia):
    fabricas.demanda(factories.alcaldia("05001"), equipo_antioquia, temas=["vivienda"])
    fabricas.demanda(factories.alcaldia("05002"), equipo_antioquia, temas=["planeacion"], estado="en_analisis")
    api = APIClient()
    api.force_authenticate(equipo_antioquia)
    assert len(api.get(URL).json()["results"]) == 2
    assert len(api.get(URL, {"tema": "vivienda"}).json()["results"]) == 1
    assert len(api.get(URL, {"estado": "en_analisis"}).json()["results"]) == 1
    assert len(api.get(URL, {"municipio": "05002"}).json()["results"]) == 1
    assert len(api.get(URL, {"departamento": "76"}).json()["results"]) == 0


def test_api_no_cambia_ni_borra(funcionario_medellin):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    assert api.patch(f"{URL}{d.pk}/", {"titulo": "x"}, format="json").status_code == 405
    assert api.delete(f"{URL}{d.pk}/").status_code == 405


def test_auditor_lee_todo_y_no_crea(auditor, funcionario_medellin):
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    api = APIClient()
    api.force_authenticate(auditor)
    assert len(api.get(URL).json()["results"]) == 1
    assert api.post(URL, fabricas.cuerpo_api(factories.alcaldia("05001")), format="json").status_code == 403
