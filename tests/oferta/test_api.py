"""API: lectura pública de lo publicado, escritura del oferente sobre sus borradores, esquema."""

import pytest
from rest_framework.test import APIClient

from att.models import Modalidad, Tema
from oferta.models import EstadoOferta, Oferta
from tests.oferta import fabricas
from tests.oferta.test_portal import _muchas

pytestmark = pytest.mark.django_db
URL = "/api/v1/ofertas/"


@pytest.fixture
def api():
    return APIClient()


def cuerpo(entidad, **extra):
    datos = {
        "entidad": entidad.pk, "nombre": "Asesoría API", "necesidad": "n", "descripcion": "d",
        "descriptores": ["gestion-publica"], "temas": ["planeacion"], "capacidades": ["planeacion"],
        "etapas": ["planeacion"], "modalidades": ["asesoria"], "canal": "virtual",
        "contacto_nombre": "Ana", "contacto_email": "ana@x.gov.co", "vigencia_desde": "2026-01-01",
    }
    datos.update(extra)
    return datos


def test_lectura_publica_solo_publicadas(api):
    pub = fabricas.oferta(nombre="Planeación publicada")
    fabricas.oferta(nombre="Borrador", estado=EstadoOferta.BORRADOR)
    r = api.get(URL)
    assert r.status_code == 200
    assert [o["nombre"] for o in r.json()["results"]] == ["Planeación publicada"]
    assert r.json()["results"][0]["temas"] == ["planeacion"]
    assert api.get(f"{URL}{pub.pk}/").status_code == 200


def test_filtros_de_la_api(api):
    fabricas.oferta(nombre="Planeación A", temas=("planeacion",))
    fabricas.oferta(nombre="Salud B", temas=("salud",), modalidades=("capacitacion",))
    assert [o["nombre"] for o in api.get(URL, {"q": "planeacion"}).json()["results"]] == ["Planeación A"]
    assert [o["nombre"] for o in api.get(URL, {"tema": "salud,agua-saneamiento"}).json()["results"]] == ["Salud B"]
    assert [o["nombre"] for o in api.get(URL, {"modalidad": "asesoria"}).json()["results"]] == ["Planeación A"]


def test_oferente_crea_y_edita_su_borrador(api, oferente, entidad_oferente):
    api.force_authenticate(oferente)
    r = api.post(URL, cuerpo(entidad_oferente), format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["estado"] == EstadoOferta.BORRADOR
    r = api.patch(f"{URL}{pk}/", {"nombre": "Nuevo", "temas": ["salud"]}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["temas"] == ["salud"] and r.json()["nombre"] == "Nuevo"
    # El oferente ve su borrador en la lista; el público no.
    assert [o["id"] for o in api.get(URL).json()["results"]] == [pk]
    r = api.post(f"{URL}{pk}/enviar/")
    assert r.status_code == 200 and r.json()["estado"] == EstadoOferta.EN_REVISION
    r = api.patch(f"{URL}{pk}/", {"nombre": "Otra vez"}, format="json")
    assert r.status_code == 400
    assert APIClient().get(f"{URL}{pk}/").status_code == 404


def test_errores_en_espanol(api, oferente, entidad_oferente):
    api.force_authenticate(oferente)
    r = api.post(URL, cuerpo(entidad_oferente, temas=["no-existe"], contacto_email="x"), format="json")
    assert r.status_code == 400
    assert "contacto_email" in r.json() and "temas" in r.json()
    assert "válida" in r.json()["contacto_email"][0]
    r = api.post(URL, cuerpo(entidad_oferente, vigencia_hasta="2025-01-01"), format="json")
    assert r.status_code == 400
    assert not Oferta.objects.exists()


@pytest.mark.parametrize("quien", ["otro_oferente", "auditor", "funcionario_medellin"])
def test_otros_no_crean_para_la_entidad(api, request, quien, entidad_oferente):
    api.force_authenticate(request.getfixturevalue(quien))
    r = api.post(URL, cuerpo(entidad_oferente), format="json")
    assert r.status_code == 403
    assert not Oferta.objects.exists()


def test_anonimo_no_escribe(api, entidad_oferente):
    assert api.post(URL, cuerpo(entidad_oferente), format="json").status_code in (401, 403)


def test_otro_oferente_no_edita(api, otro_oferente, entidad_oferente):
    o = fabricas.oferta(entidad=entidad_oferente, estado=EstadoOferta.BORRADOR)
    api.force_authenticate(otro_oferente)
    assert api.patch(f"{URL}{o.pk}/", {"nombre": "X"}, format="json").status_code == 404


def test_esquema_openapi_incluye_ofertas(api):
    r = api.get("/api/v1/esquema/")
    assert r.status_code == 200
    assert b"/api/v1/ofertas/" in r.content


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_la_api_fijas(api, django_assert_max_num_queries, n):
    _muchas(n)
    with django_assert_max_num_queries(11):
        r = api.get(URL, {"q": "planeacion", "tamano": 200})
    assert r.status_code == 200
    assert len(r.json()["results"]) == min(n, 200)
    tema = Tema.objects.get(codigo="planeacion")
    assert tema and Modalidad.objects.exists()
