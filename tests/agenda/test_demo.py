import io
import random

import pytest

from agenda import demo
from agenda.models import Compromiso, LineaPlan, PlanConcertado, PlanDeTrabajo, VersionPlan
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def test_demo_idempotente(admin_dnp):
    for e in [factories.EntidadNacionalFactory() for _ in range(3)]:
        f.oferta(e)
        f.oferta(e)
    salida = io.StringIO()
    demo.generar(escala=1, rng=random.Random(1), salida=salida)
    assert PlanDeTrabajo.objects.count() == 6
    assert LineaPlan.objects.count() >= 6
    assert VersionPlan.objects.exists()
    assert PlanConcertado.objects.exists() and Compromiso.objects.exists()
    n = LineaPlan.objects.count()
    demo.generar(escala=1, rng=random.Random(1), salida=salida)
    assert LineaPlan.objects.count() == n
