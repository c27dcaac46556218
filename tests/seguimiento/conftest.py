"""Fixtures comunes de las pruebas del seguimiento."""

import pytest

from seguimiento import services
from tests import factories
from tests.seguimiento import fabricas


@pytest.fixture
def linea(entidad_oferente, oferente):
    l = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[factories.alcaldia("05001")])
    fabricas.hito(l, nombre="Diagnóstico", peso=2)
    services.recalcular_linea(l)
    return l
