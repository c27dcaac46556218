"""Páginas y API de las rutas y los diagnósticos; filtro por periodo de gobierno; consultas fijas de 10 a
1.000 registros."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    EgresoCapacidad,
    Entidad,
    MotivoEgreso,
    TipoEntidad,
    ValoracionCapacidad,
)
from demanda.models import Demanda
from rutas import services
from rutas.models import EstadoRuta, Ruta
from tests import factories
from tests.demanda import fabricas as fd

pytestmark = pytest.mark.django_db
D = datetime.date


def cap(codigo="planeacion"):
    return Capacidad.objects.get(codigo=codigo)


def _rutas(n, por, oferente):
    """n rutas (de n alcaldías) con un diagnóstico y un egreso cumplido cada una."""
    ets = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[:n])
    planeacion = cap()
    diags = DiagnosticoCapacidad.objects.bulk_create([
        DiagnosticoCapacidad(entidad=e, fecha=D(2025, 3, 1), realizado_por=por) for e in ets])
    ValoracionCapacidad.objects.bulk_create([
        ValoracionCapacidad(diagnostico=d, capacidad=planeacion, valor=4, objetivo=3) for d in diags])
    egresos = EgresoCapacidad.objects.bulk_create([
        EgresoCapacidad(entidad=e, capacidad=planeacion, motivo=MotivoEgreso.CUMPLIDO, diagnostico=d,
                        fecha=D(2025, 4, 1), registrado_por=por, clave=f"prueba:{e.pk}") for e, d in zip(ets, diags)])
    rutas = Ruta.objects.bulk_create([
        Ruta(entidad=e, capacidad=planeacion, inicio=D(2025, 1, 1), clave=f"{e.pk}", creada_por=por,
             estado=EstadoRuta.EGRESADA, egreso=eg) for e, eg in zip(ets, egresos)])
    Ruta.oferentes.through.objects.bulk_create([
        Ruta.oferentes.through(ruta_id=r.pk, entidad_id=oferente.pk) for r in rutas])
    return rutas


@pytest.mark.parametrize("n", [10, 1000])
def test_listas_con_consultas_fijas(n, client, seguimiento_dnp, entidad_oferente, django_assert_num_queries):
    _rutas(n, seguimiento_dnp, entidad_oferente)
    client.force_login(seguimiento_dnp)
    api = APIClient()
    api.force_login(seguimiento_dnp)
    # Las mismas consultas con 10 que con 1.000 rutas (la página calcula los seis pasos en lote).
    for url, tope in (("/rutas/", 15), ("/rutas/?periodo=2024-2027&estado=egresada", 15),
                      ("/rutas/diagnosticos/", 7), ("/rutas/resultados/", 6), ("/rutas/exportar/?formato=xlsx", 13)):
        with django_assert_num_queries(tope):
            r = client.get(url)
        assert r.status_code == 200, url
    for url, tope in (("/api/v1/rutas/", 12), ("/api/v1/rutas/diagnosticos/", 5), ("/api/v1/rutas/egresos/", 3)):
        with django_assert_num_queries(tope):
            r = api.get(url)
        assert r.status_code == 200, url
    r = client.get("/rutas/?estado=egresada")
    assert r.content.decode().count('href="/rutas/') >= min(n, 25)


@pytest.mark.parametrize("n", [10, 1000])
def test_detalle_de_ruta_con_muchas_evidencias(n, client, oferente, entidad_oferente, funcionario_medellin,
                                               django_assert_num_queries):
    medellin = factories.alcaldia("05001")
    ruta = services.ruta_crear(entidad=medellin, capacidad=cap(), oferentes=[entidad_oferente], por=oferente)
    demandas = Demanda.objects.bulk_create([
        Demanda(entidad=medellin, registrada_por=funcionario_medellin, titulo=f"Demanda {i}", descripcion="x",
                fuente="diagnostico_propio", capacidad=cap()) for i in range(n)])
    client.force_login(oferente)
    with django_assert_num_queries(11):
        r = client.get(f"/rutas/{ruta.pk}/")
    assert r.status_code == 200
    pagina = r.content.decode()
    # Veinte evidencias por paso en la página (liviana), todas en la API.
    assert sum(f'href="/demanda/{d.pk}/"' in pagina for d in demandas) == min(n, 20)
    api = APIClient()
    api.force_login(oferente)
    with django_assert_num_queries(11):
        r = api.get(f"/api/v1/rutas/{ruta.pk}/")
    assert r.status_code == 200 and len(r.json()["pasos"][0]["evidencias"]) == n


def test_filtro_por_periodo_en_pagina_y_api_de_demandas(client, funcionario_medellin):
    medellin = factories.alcaldia("05001")
    vieja = fd.demanda(medellin, funcionario_medellin, titulo="Demanda de la administración anterior")
    nueva = fd.demanda(medellin, funcionario_medellin, titulo="Demanda de esta administración")
    Demanda.objects.filter(pk=vieja.pk).update(creada=timezone.make_aware(datetime.datetime(2023, 6, 15, 10)))
    Demanda.objects.filter(pk=nueva.pk).update(creada=timezone.make_aware(datetime.datetime(2024, 2, 1, 10)))
    client.force_login(funcionario_medellin)
    pagina = client.get("/demanda/?periodo=2024-2027").content.decode()
    assert "Demanda de esta administración" in pagina
    assert "Demanda de la administración anterior" not in pagina
    assert "Demanda de la administración anterior" in client.get("/demanda/?periodo=2020-2023").content.decode()
    assert "Demanda de la administración anterior" in client.get("/demanda/").content.decode()
    api = APIClient()
    api.force_login(funcionario_medellin)
    ids = [d["id"] for d in api.get("/api/v1/demandas/?periodo=2024-2027").json()["results"]]
    assert ids == [nueva.pk]
    ids = [d["id"] for d in api.get("/api/v1/demandas/?periodo=2020-2023").json()["results"]]
    assert ids == [vieja.pk]
    r = api.get("/api/v1/demandas/?periodo=2099-2102")
    assert r.status_code == 400 and "No existe el periodo de gobierno «2099-2102»" in r.json()["periodo"][0]


def test_abrir_ruta_y_egresar_desde_las_paginas(client, oferente, entidad_oferente, funcionario_medellin):
    from att import services as att_services

    client.force_login(oferente)
    r = client.post("/rutas/nueva/", {"entidad": "05001", "capacidad": cap().pk,
                                      "oferentes": [entidad_oferente.pk], "inicio": "2025-02-01"})
    ruta = Ruta.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/rutas/{ruta.pk}/"
    medellin = factories.alcaldia("05001")
    att_services.diagnostico_registrar(entidad=medellin, fecha=D(2025, 2, 1), por=funcionario_medellin,
                                       valoraciones=[{"capacidad": cap(), "valor": 2, "objetivo": 4}])
    r = client.post(f"/rutas/{ruta.pk}/egreso/", {"motivo": "cumplido"})
    assert r.status_code == 200
    assert "El objetivo de capacidad no se ha cumplido" in r.content.decode()
    att_services.diagnostico_registrar(entidad=medellin, fecha=D(2025, 9, 1), por=funcionario_medellin,
                                       valoraciones=[{"capacidad": cap(), "valor": 4}])
    r = client.post(f"/rutas/{ruta.pk}/egreso/", {"motivo": "cumplido"})
    assert r.status_code == 302
    ruta.refresh_from_db()
    assert ruta.estado == EstadoRuta.EGRESADA
    assert "Egresada" in client.get("/rutas/resultados/").content.decode() or ruta.egreso.entidad.nombre in (
        client.get("/rutas/resultados/").content.decode())


def test_api_egreso_rechazado_en_espanol(oferente, entidad_oferente, funcionario_medellin):
    api = APIClient()
    api.force_login(oferente)
    medellin = factories.alcaldia("05001")
    r = api.post("/api/v1/rutas/", {"entidad": medellin.pk, "capacidad": "planeacion",
                                    "oferentes": [entidad_oferente.pk]}, format="json")
    assert r.status_code == 201, r.content
    assert [p["estado"] for p in r.json()["pasos"]] == ["pendiente"] * 6
    r = api.post(f"/api/v1/rutas/{r.json()['id']}/egreso/", {"motivo": "cumplido"}, format="json")
    assert r.status_code == 400
    assert "hace falta un diagnóstico de capacidades" in str(r.json())


def test_diagnostico_por_pagina_y_cambio_frente_a_la_linea_base(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    c = cap()
    base = {"entidad": "05001", "fecha": "2024-03-01", f"valor_{c.pk}": "2", f"objetivo_{c.pk}": "4",
            f"fuente_{c.pk}": "propio"}
    r = client.post("/rutas/diagnosticos/nuevo/", base)
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post("/rutas/diagnosticos/nuevo/", {**base, "fecha": "2025-03-01", f"valor_{c.pk}": "4",
                                                   f"objetivo_{c.pk}": ""})
    assert r.status_code == 302
    pagina = client.get(r["Location"]).content.decode()
    assert "+2" in pagina and "Comparado con la línea base" in pagina
    r = client.post("/rutas/diagnosticos/nuevo/", {**base, f"valor_{c.pk}": "9"})
    assert r.status_code == 200 and "Escoja una opción válida" in r.content.decode()
