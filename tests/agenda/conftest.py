import pytest

from agenda import services
from tests import factories


@pytest.fixture
def medellin():
    return factories.alcaldia("05001")


@pytest.fixture
def concertado(medellin, entidad_oferente, oferente):
    """Plan concertado de Medellín con un solo oferente (la entidad de `oferente`)."""
    return services.concertado_crear(entidad_territorial=medellin, oferentes=[entidad_oferente], vigencia=2025,
                                     nombre="Plan concertado Medellín", por=oferente)
