"""Las demandas importadas y el pedido de sus alertas (bandeja de salida) se confirman juntos."""

import pytest

from demanda import services
from demanda.models import Demanda
from demanda.resources import COLUMNAS
from tests.demanda.test_importar import BUENA

pytestmark = pytest.mark.django_db


def test_si_no_se_puede_pedir_la_alerta_no_queda_nada_escrito(funcionario_medellin, monkeypatch):
    def encolar(*args, **kwargs):
        raise RuntimeError("no se pudo escribir la salida")

    monkeypatch.setattr("att.salida.encolar", encolar)
    filas = [dict(zip(COLUMNAS, BUENA.strip().split(";"), strict=True))]
    with pytest.raises(RuntimeError, match="no se pudo escribir la salida"):
        services.demandas_importar(filas=filas, por=funcionario_medellin, confirmar=True)
    assert not Demanda.objects.exists()


def test_sin_falla_se_escribe_y_se_pide_la_alerta(funcionario_medellin):
    from att.models import Salida

    filas = [dict(zip(COLUMNAS, BUENA.strip().split(";"), strict=True))]
    resultado = services.demandas_importar(filas=filas, por=funcionario_medellin, confirmar=True)
    assert resultado.confirmada and Demanda.objects.count() == 1
    assert list(Salida.objects.values_list("tarea", "argumentos")) == [
        ("demanda.alertar_importadas", [[Demanda.objects.get().pk]])]
