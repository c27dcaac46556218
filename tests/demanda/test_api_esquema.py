"""La API de demandas sobrevive a datos generados desde el esquema OpenAPI: ninguna respuesta 5xx."""

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error

from tests.api.test_schemathesis import esquema_api, token_et  # noqa: F401  (fixtures)

esquema = schemathesis.from_pytest_fixture("esquema_api").include(path_regex="^/api/v1/demandas/")


@esquema.parametrize()
@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_de_demandas_sin_errores_de_servidor(case, token_et):  # noqa: F811
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token_et}"}
    respuesta = case.call_wsgi()
    case.validate_response(respuesta, checks=(not_a_server_error,))
