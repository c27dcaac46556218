"""Recorrido en el navegador: un miembro propone una buena práctica, el DNP la publica y se encuentra."""

import pytest

from att.models import Rol
from conocimiento.models import EstadoRecurso, Recurso
from tests import factories
from tests.conftest import ingresar

pytestmark = pytest.mark.e2e


def test_proponer_publicar_y_encontrar(pagina, referencia_cargada):
    funcionaria = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, nombre="Funcionaria de Medellín")
    revisora = factories.persona(factories.dnp(), Rol.ADMIN_DNP, nombre="Revisora DNP")

    # 1. La funcionaria propone una buena práctica.
    ingresar(pagina, funcionaria.email)
    pagina.goto(f"{pagina.base}/conocimiento/repositorio/")
    pagina.get_by_role("link", name="Proponer una práctica").click()
    pagina.get_by_label("Buena práctica").check()
    pagina.get_by_label("Título").fill("Ventanilla única de trámites rurales")
    pagina.get_by_label("Resumen").fill("Una sola ventanilla para los trámites de las veredas, con atención itinerante.")
    pagina.get_by_role("button", name="Enviar propuesta").click()
    pagina.wait_for_load_state()
    assert "quedó en revisión del DNP" in pagina.content()
    recurso = Recurso.objects.get(titulo="Ventanilla única de trámites rurales")
    assert recurso.estado == EstadoRecurso.PROPUESTO

    # Mientras está en revisión no aparece en la búsqueda pública.
    pagina.context.clear_cookies()
    pagina.goto(f"{pagina.base}/conocimiento/repositorio/?q=tramites+rurales")
    assert "Ventanilla única de trámites rurales" not in pagina.content()

    # 2. El DNP la revisa y la publica.
    ingresar(pagina, revisora.email)
    pagina.goto(f"{pagina.base}/conocimiento/repositorio/revision/")
    pagina.get_by_role("link", name="Ventanilla única de trámites rurales").click()
    pagina.get_by_label("Publicar en el repositorio").check()
    pagina.get_by_role("button", name="Registrar revisión").click()
    pagina.wait_for_load_state()
    assert "Revisión registrada" in pagina.content()
    recurso.refresh_from_db()
    assert recurso.estado == EstadoRecurso.PUBLICADO

    # 3. Cualquiera la encuentra buscando sin tildes.
    pagina.context.clear_cookies()
    pagina.goto(f"{pagina.base}/conocimiento/repositorio/")
    pagina.get_by_label("Palabras clave").fill("tramites rurales")
    pagina.get_by_role("button", name="Buscar").click()
    pagina.wait_for_load_state()
    enlace = pagina.get_by_role("link", name="Ventanilla única de trámites rurales")
    assert enlace.count() == 1
    assert pagina.get_by_role("checkbox", name="Buena práctica (1)").count() == 1  # faceta con su conteo
    enlace.click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", name="Ventanilla única de trámites rurales").count() == 1
