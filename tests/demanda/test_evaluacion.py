"""El conjunto etiquetado de bench/evaluacion_matching: metas sobre la parte de prueba (no usada para ajustar)."""

import pytest
from django.core.management import call_command

from demanda import evaluacion
from demanda.models import Demanda
from oferta.models import Oferta

pytestmark = pytest.mark.django_db


def test_metas_en_la_parte_de_prueba_y_nada_queda_escrito(capsys):
    antes = (Oferta.objects.count(), Demanda.objects.count())
    ofertas, demandas = evaluacion.leer_conjunto()
    assert len(ofertas["ofertas"]) >= 40 and len(demandas) >= 60
    resultados = evaluacion.evaluar(demandas, ofertas)
    assert (Oferta.objects.count(), Demanda.objects.count()) == antes
    m = evaluacion.metricas([r for r in resultados if r.demanda["parte"] == "prueba"])
    assert m["precision_1"] >= 0.90
    assert m["aciertos_3"] >= 0.98
    assert m["mrr"] >= 0.93
    assert m["sin_oferta_como_brecha"] >= 0.8 * m["sin_oferta"] > 0
    call_command("evaluar_matching", "--parte", "prueba")
    salida = capsys.readouterr().out
    assert salida.startswith("Parte «prueba»: 34 demandas (29 con oferta que las atiende). precisión@1 ")
    assert "[sin_oferta]" in salida  # lista los errores (una sin oferta no señalada)
