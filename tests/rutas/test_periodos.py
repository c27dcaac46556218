"""Filtro por periodo de gobierno en otras listas: planes concertados (página y API, por vigencia) y
líneas de los planes (API, por fecha de inicio)."""

import datetime

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.agenda import fabricas as fa

pytestmark = pytest.mark.django_db


def test_concertados_por_periodo_en_pagina_y_api(client, admin_dnp):
    medellin = factories.alcaldia("05001")
    oferente = factories.EntidadNacionalFactory()
    viejo = fa.concertado(medellin, [oferente], vigencia=2023)
    viejo.nombre = "Plan de la administración anterior"
    viejo.save()
    nuevo = fa.concertado(medellin, [oferente], vigencia=2024)
    nuevo.nombre = "Plan de esta administración"
    nuevo.save()
    client.force_login(admin_dnp)
    pagina = client.get("/agenda/concertados/?periodo=2024-2027").content.decode()
    assert "Plan de esta administración" in pagina and "Plan de la administración anterior" not in pagina
    api = APIClient()
    api.force_login(admin_dnp)
    assert [p["id"] for p in api.get("/api/v1/agenda/concertados/?periodo=2020-2023").json()["results"]] == [viejo.pk]
    assert api.get("/api/v1/agenda/concertados/?periodo=1990-1993").status_code == 400


def test_lineas_por_periodo_en_la_api(admin_dnp):
    medellin = factories.alcaldia("05001")
    oferente = factories.EntidadNacionalFactory()
    vieja = fa.linea(fa.plan(oferente, vigencia=2023), territorios=[medellin])
    nueva = fa.linea(fa.plan(oferente, vigencia=2025), territorios=[medellin],
                     fecha_inicio=datetime.date(2025, 1, 10))
    api = APIClient()
    api.force_login(admin_dnp)
    ids = {ln["id"] for ln in api.get("/api/v1/agenda/lineas/?periodo=2024-2027").json()["results"]}
    assert nueva.pk in ids and vieja.pk not in ids
