"""La API sobrevive a datos generados desde su propio esquema OpenAPI: ninguna respuesta 5xx."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error

from att import services
from att.models import Rol
from tests import factories


@pytest.fixture
def esquema_api(db):
    # Como el cliente de pruebas de Django: la petición no debe cerrar la conexión de la prueba.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/v1/esquema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_et(db):
    admin = factories.persona(factories.dnp(), Rol.ADMIN_DNP)
    _token, clave = services.token_emitir(
        nombre="schemathesis", usuario=factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET),
        entidad=factories.alcaldia("05001"),
        rol=Rol.FUNCIONARIO_ET, por=admin,
    )
    return clave


esquema = schemathesis.from_pytest_fixture("esquema_api")


@esquema.parametrize()
@hsettings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_sin_errores_de_servidor(case, token_et):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token_et}"}
    respuesta = case.call_wsgi()
    case.validate_response(respuesta, checks=(not_a_server_error,))
