"""Dependencias (unidades de la entidad oferente) que usan ofertas y líneas: el formulario y la API solo
ofrecen/aceptan las activas de la entidad (la ya ligada, aunque inactiva, se conserva) y el servicio lo
exige con un mensaje en español; el catálogo lo gestionan el oferente de la entidad y el DNP."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from agenda import services as agenda_services
from att import services
from att.models import Dependencia
from tests import factories
from tests.seguimiento import fabricas as fs

pytestmark = pytest.mark.django_db


@pytest.fixture
def deps(entidad_oferente):
    otra = factories.EntidadNacionalFactory()
    return {
        "activa": Dependencia.objects.create(entidad=entidad_oferente, nombre="Dirección de Descentralización"),
        "inactiva": Dependencia.objects.create(entidad=entidad_oferente, nombre="Grupo disuelto", activa=False),
        "ajena": Dependencia.objects.create(entidad=otra, nombre="Subdirección ajena"),
    }


def test_formulario_de_oferta_ofrece_solo_las_activas_de_la_entidad(client, oferente, entidad_oferente, deps):
    client.force_login(oferente)
    html = client.get("/oferta/nueva/").content.decode()
    assert 'name="dependencia"' in html and "Dirección de Descentralización" in html
    assert "Grupo disuelto" not in html and "Subdirección ajena" not in html
    # La ya ligada, aunque inactiva, sigue elegible al editar.
    oferta = fs.oferta(entidad_oferente, dependencia=deps["inactiva"])
    html = client.get(f"/oferta/{oferta.pk}/editar/").content.decode()
    assert f'value="{deps["inactiva"].pk}" selected' in html


def test_api_de_oferta_rechaza_dependencia_ajena_o_inactiva(oferente, entidad_oferente, deps):
    oferta = fs.oferta(entidad_oferente)
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"dependencia": deps["ajena"].pk}, format="json")
    assert r.status_code == 400 and "debe ser de la entidad oferente" in r.content.decode()
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"dependencia": deps["inactiva"].pk}, format="json")
    assert r.status_code == 400 and "está inactiva" in r.content.decode()
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"dependencia": deps["activa"].pk}, format="json")
    assert r.status_code == 200 and r.json()["dependencia"] == deps["activa"].pk


def test_linea_toma_solo_dependencias_activas_de_la_entidad_del_plan(client, oferente, entidad_oferente, deps):
    linea = fs.linea(entidad_oferente, territorios=[factories.alcaldia("05001")])
    with pytest.raises(ValidationError, match="debe ser de la entidad oferente"):
        agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente, dependencia=deps["ajena"])
    with pytest.raises(ValidationError, match="está inactiva"):
        agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente, dependencia=deps["inactiva"])
    agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente, dependencia=deps["activa"])
    linea.refresh_from_db()
    assert linea.dependencia == deps["activa"]
    # Desactivada después, la línea la conserva al guardarse otra vez.
    services.dependencia_desactivar(por=oferente, dependencia=deps["activa"])
    agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente, dependencia=deps["activa"])
    client.force_login(oferente)
    html = client.get(f"/agenda/planes/{linea.plan_id}/lineas/{linea.pk}/").content.decode()
    assert 'name="dependencia"' in html and f'value="{deps["activa"].pk}" selected' in html
    assert "Grupo disuelto" not in html and "Subdirección ajena" not in html
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.patch(f"/api/v1/agenda/lineas/{linea.pk}/", {"dependencia": deps["inactiva"].pk}, format="json")
    assert r.status_code == 400 and "está inactiva" in r.content.decode()


def test_catalogo_lo_gestionan_el_oferente_de_la_entidad_y_el_dnp(oferente, otro_oferente, admin_dnp,
                                                                    entidad_oferente):
    d = services.dependencia_crear(por=oferente, entidad=entidad_oferente, nombre="  Dirección   de Programas ")
    assert d.nombre == "Dirección de Programas"
    with pytest.raises(ValidationError, match="ya existe|Ya existe"):
        services.dependencia_crear(por=admin_dnp, entidad=entidad_oferente, nombre="Dirección de Programas")
    with pytest.raises(PermissionDenied, match="gestiona sus dependencias"):
        services.dependencia_renombrar(por=otro_oferente, dependencia=d, nombre="Otra")
    services.dependencia_renombrar(por=admin_dnp, dependencia=d, nombre="Dirección de Proyectos")
    d = services.dependencia_desactivar(por=oferente, dependencia=d)
    assert (d.nombre, d.activa) == ("Dirección de Proyectos", False)
    assert d.historial.count() == 3


def test_pagina_de_dependencias_lista_crea_renombra_y_desactiva(client, oferente, otro_oferente, entidad_oferente,
                                                                 deps):
    client.force_login(oferente)
    html = client.get("/nucleo/dependencias/").content.decode()
    assert "Dirección de Descentralización" in html and "Grupo disuelto" in html
    assert "Subdirección ajena" not in html and 'name="_token_envio"' in html
    r = client.post("/nucleo/dependencias/", {"entidad": entidad_oferente.pk, "nombre": "Grupo de Catastro",
                                               "_token_envio": "t-1"})
    assert r.status_code == 302
    nueva = Dependencia.objects.get(nombre="Grupo de Catastro")
    # El mismo envío otra vez no crea una segunda.
    client.post("/nucleo/dependencias/", {"entidad": entidad_oferente.pk, "nombre": "Grupo de Catastro",
                                          "_token_envio": "t-1"})
    assert Dependencia.objects.filter(nombre="Grupo de Catastro").count() == 1
    r = client.post("/nucleo/dependencias/", {"entidad": entidad_oferente.pk, "nombre": "Grupo de Catastro",
                                               "_token_envio": "t-2"})
    assert r.status_code == 200 and "Ya existe" in r.content.decode()
    client.post(f"/nucleo/dependencias/{nueva.pk}/", {"accion": "renombrar", "nombre": "Grupo Catastral"})
    client.post(f"/nucleo/dependencias/{nueva.pk}/", {"accion": "desactivar"})
    nueva.refresh_from_db()
    assert (nueva.nombre, nueva.activa) == ("Grupo Catastral", False)
    # Otro oferente no la encuentra ni la cambia.
    client.force_login(otro_oferente)
    assert client.post(f"/nucleo/dependencias/{nueva.pk}/", {"accion": "renombrar", "nombre": "X"}).status_code == 404
    assert "Grupo Catastral" not in client.get("/nucleo/dependencias/").content.decode()


@pytest.mark.parametrize("n", [10, 60])
def test_pagina_de_dependencias_consultas_fijas(client, oferente, entidad_oferente, n, django_assert_max_num_queries):
    Dependencia.objects.bulk_create(Dependencia(entidad=entidad_oferente, nombre=f"Dirección {i}") for i in range(n))
    client.force_login(oferente)
    client.get("/nucleo/dependencias/")
    with django_assert_max_num_queries(12):
        r = client.get("/nucleo/dependencias/")
    assert r.content.decode().count("Renombrar") == n
