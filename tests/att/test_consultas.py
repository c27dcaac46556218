"""`att.consultas.EnArreglo`: filtra lo mismo que `__in` con una lista, con un solo parámetro."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from att.consultas import EnArreglo
from att.models import Entidad, Membresia, Rol
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def entidades():
    es = [factories.alcaldia(c) for c in ("05001", "05002", "05004", "05021")]
    for e in es[:3]:
        factories.persona(e, Rol.FUNCIONARIO_ET)
    return es


def test_mismas_filas_que_in(entidades):
    ids = [entidades[0].pk, entidades[2].pk, entidades[3].pk, 10**12]
    esperado = sorted(Entidad.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert sorted(Entidad.objects.filter(EnArreglo(F("pk"), ids)).values_list("pk", flat=True)) == esperado
    assert len(esperado) == 3
    # Una sola entidad, ninguna y un iterable que no es lista.
    assert list(Entidad.objects.filter(EnArreglo(F("pk"), [entidades[1].pk]))) == [entidades[1]]
    assert not Entidad.objects.filter(EnArreglo(F("pk"), [])).exists()
    assert Entidad.objects.filter(EnArreglo(F("pk"), (e.pk for e in entidades))).count() == 4


def test_a_traves_de_una_relacion(entidades):
    """Con un camino de relaciones (JOIN) y combinado con otros filtros, como `entidad__pk__in`."""
    ids = [entidades[1].pk, entidades[3].pk]
    por_in = sorted(Membresia.objects.filter(entidad__pk__in=ids, rol=Rol.FUNCIONARIO_ET).values_list("pk", flat=True))
    por_arreglo = sorted(Membresia.objects.filter(EnArreglo(F("entidad__pk"), ids), rol=Rol.FUNCIONARIO_ET)
                         .values_list("pk", flat=True))
    assert por_arreglo == por_in and len(por_in) == 1


def test_un_solo_parametro_con_miles_de_ids(entidades):
    ids = list(range(1, 20_001)) + [entidades[0].pk]
    with CaptureQueriesContext(connection) as consultas:
        assert Entidad.objects.filter(EnArreglo(F("pk"), ids)).filter(pk=entidades[0].pk).exists()
    sql = consultas.captured_queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql
