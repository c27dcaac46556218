"""Recorrido en el navegador: el DNP devuelve un plan con un comentario, el oferente lo ajusta y lo
reenvía, y el DNP lo aprueba. Las dos versiones quedan guardadas."""

import re

import pytest

from agenda import services
from agenda.models import EstadoPlan, PlanDeTrabajo
from att.models import Rol
from tests import factories
from tests.agenda import fabricas as f
from tests.conftest import ingresar

pytestmark = pytest.mark.e2e


def _salir(page):
    page.get_by_role("button", name="Salir").click()
    page.wait_for_load_state()


def test_devolver_ajustar_y_aprobar(pagina, referencia_cargada):
    page = pagina
    ministerio = factories.EntidadNacionalFactory(nombre="Ministerio del Recorrido")
    oferente = factories.persona(ministerio, Rol.OFERENTE, email="oferente.e2e@prueba.gov.co")
    dnp = factories.persona(factories.dnp(), Rol.ADMIN_DNP, email="dnp.e2e@prueba.gov.co")
    plan = f.plan(ministerio)
    f.linea(plan, territorios=[factories.alcaldia("05001")], responsable=oferente,
            oferta_=f.oferta(ministerio, nombre="Acompañamiento al PDT"))
    services.plan_enviar(plan=plan, por=oferente, nota="Primera versión")
    url = f"{page.base}/agenda/planes/{plan.pk}/"

    # 1. El DNP devuelve con comentario.
    ingresar(page, dnp.email)
    page.goto(url)
    page.get_by_label("Devuelto para ajuste").check()
    page.get_by_label("Comentarios").fill("Agregue el indicador y la meta de la línea 1.")
    page.get_by_role("button", name="Registrar decisión").click()
    page.wait_for_load_state()
    assert page.locator("#estado-plan").inner_text() == "Devuelto para ajuste"
    _salir(page)

    # 2. El oferente ve el comentario, ajusta la línea y reenvía.
    ingresar(page, oferente.email)
    page.goto(url)
    assert "Agregue el indicador y la meta de la línea 1." in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Editar línea 1").click()
    page.get_by_label("Indicador", exact=True).fill("Municipios con PDT acompañado")
    page.get_by_label("Meta de la vigencia").fill("12")
    page.get_by_label("Unidad de la meta").fill("municipios")
    page.get_by_role("button", name="Guardar línea").click()
    page.wait_for_load_state()
    assert "Municipios con PDT acompañado" in page.content()
    page.get_by_label("Nota para el DNP (qué cambió)").fill("Se agregó la meta.")
    page.get_by_role("button", name="Enviar a revisión").click()
    page.wait_for_load_state()
    assert page.locator("#estado-plan").inner_text() == "Enviado a revisión"
    _salir(page)

    # 3. El DNP aprueba.
    ingresar(page, dnp.email)
    page.goto(url)
    page.get_by_label("Aprobado").check()
    page.get_by_role("button", name="Registrar decisión").click()
    page.wait_for_load_state()
    assert page.locator("#estado-plan").inner_text() == "Aprobado"
    historial = page.locator(".historial").inner_text()
    assert re.search(r"Versión 1.*Devuelto para ajuste.*Versión 2.*Aprobado", historial, re.DOTALL)

    plan = PlanDeTrabajo.objects.get(pk=plan.pk)
    assert plan.estado == EstadoPlan.APROBADO
    assert list(plan.versiones.values_list("numero", flat=True)) == [1, 2]
    assert plan.versiones.get(numero=2).datos["lineas"][0]["indicador"] == "Municipios con PDT acompañado"
