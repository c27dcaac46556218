from datetime import date
from decimal import Decimal as D

import pytest

from att.models import Entidad, Rol
from pas import referencia, services
from pas.models import Accion, CorteSemestral
from tests import factories


@pytest.fixture
def acciones(db):
    referencia.cargar()
    return {a.codigo: a for a in Accion.objects.select_related("entidad")}


@pytest.fixture
def dafp(db):
    return Entidad.objects.get(nombre="Departamento Administrativo de la Función Pública")


@pytest.fixture
def reportero_dafp(dafp):
    """Oferente de la Función Pública: responsable de las acciones 1.3 y 2.2."""
    return factories.persona(dafp, Rol.OFERENTE)


@pytest.fixture
def octavo(db):
    return CorteSemestral.objects.get(numero=8)


def reportar(accion, corte, por, *, avance=D(40), comprometido=D(100), pagado=D(60), nota="Talleres con gobernaciones",
             enviar=True):
    reporte = services.reporte_guardar(accion=accion, corte=corte, por=por, avance=avance, comprometido=comprometido,
                                       pagado=pagado, nota=nota)
    if enviar:
        reporte = services.reporte_enviar(reporte=reporte, por=por)
    return reporte


HOY = date(2026, 11, 30)
