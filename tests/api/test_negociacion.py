"""La negociación de contenido recordada (att/api/negociacion.py) elige lo mismo que la de DRF: JSON
por defecto, la API navegable con `Accept: text/html` o `?format=api`, el tipo con sus parámetros
(`indent=4`), y lo que DRF rechaza (406, 404 por formato) se rechaza igual la segunda vez, sin quedar
recordado."""

import pytest
from rest_framework.test import APIClient

from att.api import negociacion

pytestmark = pytest.mark.django_db
RUTA = "/api/v1/departamentos/"


@pytest.fixture
def cliente():
    negociacion._ELEGIDOS.vaciar()
    return APIClient()


@pytest.mark.parametrize("vez", [1, 2])
def test_elige_lo_mismo_que_drf_cada_vez(cliente, vez):
    casos = [
        ({}, "application/json"),
        ({"HTTP_ACCEPT": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}, "text/html; charset=utf-8"),
        ({"HTTP_ACCEPT": "application/json; indent=4"}, "application/json"),
    ]
    for _repeticion in range(vez):
        for encabezados, tipo in casos:
            r = cliente.get(RUTA, **encabezados)
            assert (r.status_code, r["Content-Type"]) == (200, tipo)
        r = cliente.get(RUTA, {"format": "api"})
        assert (r.status_code, r["Content-Type"]) == (200, "text/html; charset=utf-8")
    sangrado = cliente.get(RUTA, HTTP_ACCEPT="application/json; indent=4")
    assert b'\n    "' in sangrado.content  # el tipo con sus parámetros, no solo el renderizador
    assert len(negociacion._ELEGIDOS) == 4


def test_lo_rechazado_no_se_recuerda(cliente):
    for _vez in range(2):
        assert cliente.get(RUTA, HTTP_ACCEPT="application/xml").status_code == 406
        assert cliente.get(RUTA, {"format": "xml"}).status_code == 404
    assert len(negociacion._ELEGIDOS) == 0
