import io
import random

import pytest

from conocimiento import demo, selectors
from conocimiento.models import Discusion, EstadoRecurso, Evento, Recurso

pytestmark = pytest.mark.django_db


def test_demo_genera_y_es_idempotente(admin_dnp, funcionario_medellin, funcionario_cali, equipo_antioquia):
    salida = io.StringIO()
    demo.generar(escala=1, rng=random.Random(4091), salida=salida)
    n = Recurso.objects.count()
    assert n == 30 and Discusion.objects.exists() and Evento.objects.filter(tipo="encuentro_anual").count() == 2
    # La búsqueda en español encuentra justo las experiencias publicadas de esa acción (y solo esas).
    esperados = set(Recurso.objects.filter(resumen__istartswith="Presupuesto participativo",
                                           estado=EstadoRecurso.PUBLICADO).values_list("pk", flat=True))
    assert esperados
    encontrados = selectors.buscar_recursos(q="presupuesto participativo").recursos
    assert set(encontrados.values_list("pk", flat=True)) == esperados
    demo.generar(escala=1, rng=random.Random(4091), salida=salida)
    assert Recurso.objects.count() == n
