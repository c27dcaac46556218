import io
import random

import pytest

from att import demo as att_demo
from demanda import demo
from demanda.models import Demanda
from demanda.models import EstadoDemanda as E
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def test_demo_en_proporciones_e_idempotente():
    att_demo.generar(escala=1, rng=random.Random(1), salida=io.StringIO())
    entidad = factories.EntidadNacionalFactory()
    for tema in ("planeacion", "agua-saneamiento", "vivienda"):
        fabricas.oferta(entidad, temas=[tema])
    demo.generar(escala=1, rng=random.Random(2), salida=io.StringIO())
    assert Demanda.objects.count() == 200
    planeacion = Demanda.objects.filter(temas__codigo="planeacion").count()
    assert planeacion > Demanda.objects.filter(temas__codigo="vivienda").count()
    assert 40 <= planeacion <= 110  # ~30 % de la demanda municipal
    vinculadas = Demanda.objects.filter(estado__in=[E.VINCULADA, E.EN_ATENCION, E.ATENDIDA, E.CERRADA])
    assert vinculadas.exists() and not vinculadas.filter(oferta__isnull=True).exists()
    d = Demanda.objects.filter(estado=E.CERRADA).first()
    assert d is not None and d.calificacion
    assert list(d.eventos.values_list("a_estado", flat=True)) == [
        E.REGISTRADA, E.EN_ANALISIS, E.VINCULADA, E.EN_ATENCION, E.ATENDIDA, E.CERRADA]
    demo.generar(escala=1, rng=random.Random(2), salida=io.StringIO())
    assert Demanda.objects.count() == 200
    # La secuencia sigue bien después del COPY.
    nueva = fabricas.demanda(factories.alcaldia("05001"), factories.persona(factories.alcaldia("05001")))
    assert nueva.pk > max(Demanda.objects.exclude(pk=nueva.pk).values_list("pk", flat=True))
