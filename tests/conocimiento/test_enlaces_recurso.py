"""Un recurso no enlaza el plan de trabajo en borrador de otra entidad (hallazgo de la matriz de
seguridad, tests/att/test_matriz_seguridad.py): la ficha del recurso mostraba el plan ajeno («Oferente ·
vigencia»), y un plan en borrador solo lo ven su entidad y el DNP."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from agenda.models import EstadoPlan
from conocimiento import services
from conocimiento.models import Recurso
from tests.agenda import fabricas as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_ajeno(otro_oferente):
    return fa.plan(otro_oferente.membresias.get().entidad, vigencia=2026)


def _cuerpo(plan):
    return {"tipo": "buena_practica", "titulo": "Mesa de planeación", "resumen": "Lo que funcionó", "plan": plan.pk}


def test_api_no_enlaza_el_plan_en_borrador_de_otra_entidad(funcionario_cali, oferente, plan_ajeno):
    api = APIClient()
    for quien in (funcionario_cali, oferente):
        api.force_authenticate(quien)
        r = api.post("/api/v1/conocimiento/recursos/", _cuerpo(plan_ajeno), format="json")
        assert r.status_code == 400
        assert r.json()["plan"] == ["Elija un plan de trabajo aprobado o de su entidad."]
    assert not Recurso.objects.exists()


def test_plan_propio_o_aprobado_si_se_enlaza(oferente, entidad_oferente, plan_ajeno, funcionario_cali):
    propio = fa.plan(entidad_oferente, vigencia=2026)
    r = services.recurso_proponer(por=oferente, tipo="buena_practica", titulo="Con mi plan", resumen="r", plan=propio)
    assert r.plan == propio
    plan_ajeno.estado = EstadoPlan.APROBADO
    plan_ajeno.save(update_fields=["estado"])
    r = services.recurso_proponer(por=funcionario_cali, tipo="buena_practica", titulo="Con el aprobado",
                                  resumen="r", plan=plan_ajeno)
    assert r.plan == plan_ajeno


def test_editar_no_cambia_al_plan_en_borrador_de_otra_entidad(funcionario_cali, plan_ajeno):
    r = services.recurso_proponer(por=funcionario_cali, tipo="buena_practica", titulo="Sin plan", resumen="r")
    with pytest.raises(ValidationError, match="Elija un plan de trabajo aprobado o de su entidad"):
        services.recurso_editar(recurso=r, por=funcionario_cali, plan=plan_ajeno)
    r.refresh_from_db()
    assert r.plan_id is None
