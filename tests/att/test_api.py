import pytest
from rest_framework.test import APIClient

from att import permisos, services
from att.models import Rol, TokenIntegracion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_catalogos_y_territorio_publicos(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        respuesta = api.get("/api/v1/departamentos/")
    assert respuesta.status_code == 200 and respuesta.json()["count"] == 33
    respuesta = api.get("/api/v1/municipios/", {"departamento": "05"})
    assert respuesta.json()["count"] == 125
    assert api.get("/api/v1/catalogos/etapas-ciclo/").json()["count"] == 5


def test_entidades_paginacion_por_cursor(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        primera = api.get("/api/v1/entidades/").json()
    assert len(primera["results"]) == 50 and "cursor=" in primera["next"]
    segunda = api.get(primera["next"]).json()
    assert not {e["id"] for e in primera["results"]} & {e["id"] for e in segunda["results"]}


def test_token_emitido_por_dnp_autentica_con_su_entidad_y_rol(api, admin_dnp):
    cali = factories.alcaldia("76001")
    integrador = factories.persona(cali, Rol.FUNCIONARIO_ET)
    token, clave = services.token_emitir(
        nombre="Sistema de Cali", usuario=integrador, entidad=cali, rol=Rol.FUNCIONARIO_ET, por=admin_dnp
    )
    assert token.resumen != clave and clave.startswith(token.prefijo)
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    assert api.get("/api/v1/entidades/").status_code == 200
    token.refresh_from_db()
    assert token.ultimo_uso is not None
    # El token fija la entidad y el rol con que actúa el cliente.
    integrador._att_token = token
    assert permisos.actua_por(integrador, cali, {Rol.FUNCIONARIO_ET})
    assert not permisos.actua_por(integrador, factories.alcaldia("05001"), {Rol.FUNCIONARIO_ET})


def test_token_revocado_y_clave_falsa_rechazados(api, admin_dnp):
    token, clave = services.token_emitir(
        nombre="X", usuario=factories.persona(factories.dnp(), Rol.INTEGRADOR), entidad=factories.dnp(),
        rol=Rol.INTEGRADOR, por=admin_dnp,
    )
    services.token_revocar(token=token, por=admin_dnp)
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    respuesta = api.get("/api/v1/entidades/")
    assert respuesta.status_code == 401 and "revocado" in respuesta.json()["detail"]
    api.credentials(HTTP_AUTHORIZATION="Token inventado")
    assert api.get("/api/v1/entidades/").status_code == 401


def test_solo_dnp_emite_tokens(funcionario_medellin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Solo un administrador DNP puede emitir tokens"):
        services.token_emitir(nombre="X", usuario=funcionario_medellin, entidad=factories.dnp(),
                              rol=Rol.INTEGRADOR, por=funcionario_medellin)
    assert not TokenIntegracion.objects.exists()


def test_esquema_openapi_y_documentacion_locales(api):
    esquema = api.get("/api/v1/esquema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert esquema.status_code == 200
    assert esquema.json()["info"]["title"] == "API de la plataforma ATT"
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_admin_emite_token_y_muestra_clave_una_vez(client, admin_dnp):
    integrador = factories.persona(factories.dnp(), Rol.INTEGRADOR)
    client.force_login(admin_dnp)
    respuesta = client.post("/admin/att/tokenintegracion/add/", {
        "nombre": "SUIFP", "usuario": integrador.pk, "entidad": factories.dnp().pk, "rol": Rol.INTEGRADOR,
    }, follow=True)
    assert respuesta.status_code == 200
    token = TokenIntegracion.objects.get()
    mensajes = [str(m) for m in respuesta.context["messages"]]
    assert any(token.prefijo in m and "no se volverá a mostrar" in m for m in mensajes)
    assert token.emitido_por == admin_dnp


def test_filtro_de_fecha_con_desfase_extremo_no_da_500(api):
    # ISO permite -17:59; PostgreSQL no. La API lo lleva a UTC y responde normalmente.
    respuesta = api.get("/api/v1/ofertas/", {"actualizada_desde": "9020-08-13T10:13:27-17:59"})
    assert respuesta.status_code == 200
    assert respuesta.json()["results"] == []
