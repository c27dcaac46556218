import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_portada_muestra_territorio_con_consultas_fijas(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        respuesta = client.get("/")
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'data-cifra="departamentos">33<' in html
    assert 'data-cifra="municipios">1.121<' in html
    assert 'lang="es-CO"' in html


def test_portada_con_sesion_muestra_entidad(client, funcionario_medellin, django_assert_max_num_queries):
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(16):
        html = client.get("/").content.decode()
    assert "Alcaldía de Medellín" in html and "Salir" in html


def test_ingreso_por_correo(client):
    persona = factories.persona(factories.alcaldia("05001"), email="Ana.Perez@Medellin.gov.co")
    respuesta = client.post(reverse("login"), {"username": "ana.perez@medellin.gov.co", "password": factories.CLAVE})
    assert respuesta.status_code == 302
    assert client.session["_auth_user_id"] == str(persona.pk)


def test_ingreso_fallido_mensaje_en_espanol(client):
    factories.persona(factories.alcaldia("05001"), email="ana@medellin.gov.co")
    respuesta = client.post(reverse("login"), {"username": "ana@medellin.gov.co", "password": "otra"})
    assert respuesta.status_code == 200
    assert "El correo o la contraseña no son correctos" in respuesta.content.decode()
    assert respuesta.context["form"]["username"].value() == "ana@medellin.gov.co"


def test_directorio_de_entidades_busca_sin_tildes(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        respuesta = client.get("/nucleo/entidades/", {"q": "planeacion"})
    assert "Departamento Nacional de Planeación" in respuesta.content.decode()


def test_admin_en_espanol(client, admin_dnp):
    client.force_login(admin_dnp)
    respuesta = client.get("/admin/")
    assert respuesta.status_code == 200
    assert "Administración de la plataforma ATT" in respuesta.content.decode()


def test_ayuda_de_los_campos_ligada_por_aria_describedby(client, admin_dnp):
    client.force_login(admin_dnp)
    html = client.get("/nucleo/atributos/importar/").content.decode()
    assert 'aria-describedby="id_archivo_helptext"' in html and 'id="id_archivo_helptext"' in html


def test_archivos_cargados_no_se_sirven_sin_permiso(client, settings):
    settings.DEBUG = True
    assert client.get("/media/importaciones/x.csv").status_code == 404
