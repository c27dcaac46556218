"""Cada lista y página del PAS (y su API y exportación) hace el mismo número de consultas con 10 y con
1.000 acciones y reportes (fijado)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from att.models import Entidad
from pas.models import Accion, EstadoReporte, ObjetivoEspecifico, ReportePAS

pytestmark = pytest.mark.django_db


def _mundo(entidad, corte, n: int, desde: int) -> None:
    objetivos = list(ObjetivoEspecifico.objects.order_by("codigo"))
    apoyo = Entidad.objects.get(nombre="Escuela Superior de Administración Pública")
    acciones = Accion.objects.bulk_create([
        Accion(codigo=f"P.{desde + k}", texto=f"Acción de prueba {k}", objetivo=objetivos[k % 4], entidad=entidad,
               fecha_inicio=date(2023, 1, 1), fecha_fin=date(2026, 12, 31), peso=D(k % 7)) for k in range(n)])
    Accion.corresponsables.through.objects.bulk_create([
        Accion.corresponsables.through(accion_id=a.pk, entidad_id=apoyo.pk) for a in acciones])
    estados = [EstadoReporte.APROBADO, EstadoReporte.ENVIADO, EstadoReporte.BORRADOR, EstadoReporte.DEVUELTO]
    ReportePAS.objects.bulk_create([
        ReportePAS(accion=a, corte=corte, estado=estados[k % 4], avance=D(k % 100), comprometido=D(10), pagado=D(5))
        for k, a in enumerate(acciones)])


def _consultas(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        if r.streaming:  # las consultas del flujo cuentan: se leen mientras se envía
            r.getvalue()
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


URLS = {
    "cortes": "/pas/", "corte": "/pas/cortes/{c}/", "acciones": "/pas/acciones/",
    "acciones_csv": "/pas/acciones/?formato=csv", "acciones_xlsx": "/pas/acciones/?formato=xlsx",
    "reportes": "/pas/reportes/", "reportes_corte": "/pas/reportes/?corte={c}&estado=aprobado",
    "api_cortes": "/api/v1/pas/cortes/", "api_acciones": "/api/v1/pas/acciones/", "api_reportes": "/api/v1/pas/reportes/",
}
# Consultas de cada página (sesión, usuario y membresías incluidas) para el DNP y para la entidad responsable;
# la del corte, sin su consolidado en la caché (calcularlo y su huella son consultas fijas).
CONSULTAS_DNP = {"cortes": 5, "corte": 19, "acciones": 6, "acciones_csv": 3, "acciones_xlsx": 3, "reportes": 5,
                 "reportes_corte": 5, "api_cortes": 3, "api_acciones": 5, "api_reportes": 5}
CONSULTAS_ENTIDAD = {"cortes": 4, "corte": 18, "acciones": 5, "acciones_csv": 2, "acciones_xlsx": 2, "reportes": 4,
                     "reportes_corte": 4, "api_cortes": 2, "api_acciones": 4, "api_reportes": 4}


@pytest.mark.parametrize("quien", ["dnp", "entidad"])
def test_paginas_listas_exportacion_y_api_con_consultas_fijas_de_10_a_1000(client, acciones, octavo, dafp,
                                                                          reportero_dafp, admin_dnp, quien):
    client.force_login(admin_dnp if quien == "dnp" else reportero_dafp)
    urls = {k: u.format(c=octavo.pk) for k, u in URLS.items()}
    _mundo(dafp, octavo, 10, 0)
    pocas = {k: _consultas(client, u) for k, u in urls.items()}
    _mundo(dafp, octavo, 990, 10)
    muchas = {k: _consultas(client, u) for k, u in urls.items()}
    assert muchas == pocas
    assert pocas == (CONSULTAS_DNP if quien == "dnp" else CONSULTAS_ENTIDAD)


def test_el_publico_ve_acciones_cortes_y_solo_lo_aprobado(client, acciones, octavo, dafp):
    _mundo(dafp, octavo, 8, 0)
    assert client.get("/pas/acciones/").status_code == 200
    assert client.get(f"/pas/cortes/{octavo.pk}/").status_code == 200
    r = client.get("/api/v1/pas/reportes/")
    assert r.status_code in (401, 403)
    pagina = client.get("/pas/reportes/").content.decode()
    filas = pagina.split("</select>")[-1]
    assert filas.count("Aprobado por el DNP") == 2 and "Borrador" not in filas and "Enviado al DNP" not in filas
    borrador = ReportePAS.objects.filter(estado=EstadoReporte.BORRADOR).first()
    assert client.get(f"/pas/reportes/{borrador.pk}/").status_code == 404
