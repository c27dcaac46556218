import io
import random

import pytest

from att.models import Tema
from oferta import demo
from oferta.models import EstadoOferta, Oferta
from oferta.selectors import FiltrosPortal, portal_buscar

pytestmark = pytest.mark.django_db


def test_demo_proporciones_e_idempotente():
    salida = io.StringIO()
    demo.generar(escala=10, rng=random.Random(1), salida=salida)
    assert Oferta.objects.count() == 200
    planeacion = Oferta.objects.filter(temas__codigo="planeacion").count()
    trabajo = Oferta.objects.filter(temas__codigo="trabajo").count()
    assert planeacion > 3 * Oferta.objects.filter(temas__codigo="vivienda").count() * 0.5
    assert planeacion > trabajo
    assert Oferta.objects.filter(estado=EstadoOferta.PUBLICADA).count() > 100
    assert not Oferta.objects.filter(busqueda__isnull=True).exists()
    assert Oferta.objects.filter(temas__isnull=True).count() == 0
    assert portal_buscar(FiltrosPortal.desde({"q": "planeacion"})).exists()
    # Los índices quitados durante la carga masiva volvieron.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'oferta_oferta'")
        indices = {fila[0] for fila in cursor.fetchall()}
    assert {i.name for i in Oferta._meta.indexes} <= indices
    assert Oferta.objects.filter(facetas_temas__len__gt=0).count() == 200
    demo.generar(escala=10, rng=random.Random(1), salida=salida)
    assert Oferta.objects.count() == 200
    assert "no se generan" in salida.getvalue()
    assert Tema.objects.exists()
