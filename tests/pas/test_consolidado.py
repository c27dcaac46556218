"""Consolidado e informe del corte: los totales presupuestales son la suma de los reportes aprobados;
el avance del plan es la ponderación explícita por peso; el PDF y el XLSX se generan por Celery (bandeja
de salida), de forma idempotente, y se descargan."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from pas import calculo, informes, selectors, services
from pas.models import Accion, EstadoReporte, InformeCorte, ReportePAS
from tests.lectura_pdf import textos
from tests.pas.conftest import reportar

pytestmark = pytest.mark.django_db


@pytest.fixture
def corte_con_reportes(acciones, octavo, reportero_dafp, admin_dnp):
    from att.models import Rol
    from tests import factories

    dnp = factories.persona(factories.dnp(), Rol.OFERENTE)
    Accion.objects.filter(codigo="1.1").update(peso=D(30))
    Accion.objects.filter(codigo="1.3").update(peso=D(10))
    a = services.reporte_aprobar(reporte=reportar(acciones["1.1"], octavo, dnp, avance=D(80), comprometido=D("200.50"),
                                                  pagado=D(150)), por=admin_dnp)
    b = services.reporte_aprobar(reporte=reportar(acciones["1.3"], octavo, reportero_dafp, avance=D(20),
                                                  comprometido=D(40), pagado=D("10.25")), por=admin_dnp)
    reportar(acciones["2.2"], octavo, reportero_dafp, avance=D(99), comprometido=D(999), pagado=D(999))  # solo enviado
    services.reporte_devolver(reporte=reportar(acciones["1.2"], octavo, dnp, comprometido=D(500), pagado=D(1)),
                              por=admin_dnp, comentario="Revise")
    return {"aprobados": [a, b]}


def test_totales_del_consolidado_son_la_suma_de_los_reportes_aprobados(corte_con_reportes, octavo):
    datos = selectors.consolidado(octavo)
    aprobados = ReportePAS.objects.filter(corte=octavo, estado=EstadoReporte.APROBADO)
    assert aprobados.count() == 2
    assert datos["totales"]["comprometido"] == sum(r.comprometido for r in aprobados) == D("240.50")
    assert datos["totales"]["pagado"] == sum(r.pagado for r in aprobados) == D("160.25")
    assert sum(f["pagado"] for f in datos["por_objetivo"]) == D("160.25")
    assert sum(f["pagado"] for f in datos["por_entidad"]) == D("160.25")
    oe1 = next(f for f in datos["por_objetivo"] if f["codigo"] == "OE1")
    assert (oe1["comprometido"], oe1["programado_anio"], oe1["programado_total"]) == (D("240.50"), D(343), D(2266))
    assert datos["totales"]["programado_total"] == D(6015)
    dafp = next(f for f in datos["por_entidad"] if f["entidad"].startswith("Departamento Administrativo"))
    assert (dafp["acciones"], dafp["reportadas"], dafp["aprobadas"], dafp["tabla2"]) == (2, 2, 1, D(4637))


def test_avance_del_plan_es_la_ponderacion_explicita_por_peso(corte_con_reportes, octavo):
    datos = selectors.consolidado(octavo)
    pares = [(f["peso"], f["avance"]) for f in datos["acciones"]]
    # Solo 1.1 (peso 30, 80 %) y 1.3 (peso 10, 20 %) tienen peso y reporte aprobado; las demás pesan 0.
    assert datos["avance_plan"] == calculo.avance_ponderado(pares) == D("65.00")  # (30·80 + 10·20) ÷ 40
    assert calculo.avance_ponderado([(0, D(50)), (0, None)]) == D("25.00")  # sin pesos: todas igual
    assert calculo.avance_ponderado([]) is None
    assert "Σ (peso de la acción × avance de la acción) ÷ Σ pesos" in datos["regla"]


def test_informe_pdf_y_xlsx_por_la_bandeja_idempotente_y_descargable(client, corte_con_reportes, octavo, admin_dnp,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.informe_pedir(corte=octavo, por=admin_dnp)
    informe = InformeCorte.objects.get(corte=octavo)
    assert (informe.estado, informe.version) == ("listo", 1)
    assert informe.resumen["pagado"] == "160.25" and informe.resumen["comprometido"] == "240.50"
    # Reentrega del mismo pedido (ya atendido): no genera otra versión.
    assert informes.generar(corte=octavo, solicitado_en=informe.generado_en).omitido is True
    assert InformeCorte.objects.get(corte=octavo).version == 1
    r = client.get(f"/pas/cortes/{octavo.pk}/informe.pdf")
    pdf = b"".join(r.streaming_content)
    assert r.status_code == 200 and pdf.startswith(b"%PDF")
    # El PDF dice en qué XLSX están todas las filas, con el nombre con que se descarga.
    texto = " ".join(" ".join(textos(pdf)).split())
    assert f"pas-corte-{octavo.numero}-v1.xlsx" == informes.nombre_archivo(octavo, 1, "xlsx")
    assert f"todas las filas de cada tabla, están en el XLSX «pas-corte-{octavo.numero}-v1.xlsx»" in texto
    r = client.get(f"/pas/cortes/{octavo.pk}/informe.xlsx")
    assert f'pas-corte-{octavo.numero}-v1.xlsx' in r["Content-Disposition"]
    libro = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    resumen = {fila[0]: fila[1] for fila in libro["Resumen"].iter_rows(min_row=4, values_only=True)}
    assert resumen["Pagado en el corte, reportes aprobados (millones COP)"] == 160.25
    assert libro["Acciones"].max_row == 3 + 11
    assert client.get(f"/pas/cortes/{octavo.pk}/informe.doc").status_code == 404


def test_cerrar_el_corte_emite_el_informe_final_y_ya_no_se_regenera(corte_con_reportes, octavo, seguimiento_dnp,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.corte_cerrar(corte=octavo, por=seguimiento_dnp)
    informe = InformeCorte.objects.get(corte=octavo)
    assert informe.version == 1 and informe.generado_en >= octavo.__class__.objects.get(pk=octavo.pk).cerrado_en
    with pytest.raises(ValidationError, match="el informe emitido es el registro"):
        services.informe_pedir(corte=octavo, por=seguimiento_dnp)
    assert informes.generar(corte=octavo, solicitado_en=timezone.now()).omitido is True
    assert InformeCorte.objects.get(corte=octavo).version == 1


def test_la_pagina_del_corte_usa_la_cache_y_un_reporte_aprobado_la_renueva(client, acciones, octavo, reportero_dafp,
                                                                           admin_dnp):
    from django.core.cache import cache

    cache.clear()
    reporte = reportar(acciones["1.3"], octavo, reportero_dafp, comprometido=D(70), pagado=D(33))
    assert selectors.consolidado_en_cache(octavo)["totales"]["pagado"] == D(0)
    assert "acciones" not in selectors.consolidado_en_cache(octavo)
    services.reporte_aprobar(reporte=reporte, por=admin_dnp)
    assert selectors.consolidado_en_cache(octavo)["totales"]["pagado"] == D(33)
    assert "33,00" in client.get(f"/pas/cortes/{octavo.pk}/").content.decode()
