"""Las páginas del PAS de punta a punta: el DNP completa el Anexo A (peso, indicador con metas, costo), la
entidad reporta con evidencia y envía, el DNP devuelve y aprueba; los botones solo para quien puede."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicadores.models import MetaIndicador
from pas.models import CostoAccion, EstadoReporte, ReportePAS

pytestmark = pytest.mark.django_db


def test_el_dnp_completa_la_accion_en_las_paginas(client, acciones, admin_dnp, reportero_dafp):
    accion = acciones["1.3"]
    client.force_login(reportero_dafp)
    assert "Agregar indicador" not in client.get(f"/pas/acciones/{accion.pk}/").content.decode()
    assert client.get(f"/pas/acciones/{accion.pk}/editar/").status_code == 403
    client.force_login(admin_dnp)
    datos = {"codigo": "1.3", "texto": accion.texto, "objetivo": accion.objetivo_id, "entidad": accion.entidad_id,
             "fecha_inicio": "2022-07-01", "fecha_fin": "2023-12-31", "peso": "12.5",
             "corresponsables": list(accion.corresponsables.values_list("pk", flat=True))}
    assert client.post(f"/pas/acciones/{accion.pk}/editar/", datos).status_code == 302
    accion.refresh_from_db()
    assert accion.peso == D("12.5") and accion.corresponsables.count() == 4
    r = client.post(f"/pas/acciones/{accion.pk}/editar/", {**datos, "fecha_fin": "2021-01-01"})
    assert "La terminación no puede ser anterior al inicio." in r.content.decode()
    r = client.post(f"/pas/acciones/{accion.pk}/", {
        "accion": "indicador", "ind-nombre": "Reglamento de gobernanza expedido", "ind-tipo": "producto",
        "ind-descripcion": "Reglamento de la estructura de gobernanza", "ind-formula": "Reglamentos expedidos",
        "ind-unidad": "Documento", "ind-frecuencia": "semestral", "ind-linea_base": "0", "ind-meta_cuatrienio": "1",
        "ind-tipo_acumulacion": "acumulado", "ind-meta_2023": "1"})
    assert r.status_code == 302
    indicador = accion.indicadores_pas.get().indicador
    assert (indicador.entidad, indicador.tipo) == (accion.entidad, "producto")
    assert list(MetaIndicador.objects.filter(indicador=indicador).values_list("anio", "valor")) == [(2023, D(1))]
    r = client.post(f"/pas/acciones/{accion.pk}/", {"accion": "costo", "costo-anio": "2023",
                                                     "costo-fuente": "inversion", "costo-monto": "120.5"})
    assert r.status_code == 302 and CostoAccion.objects.get(accion=accion).monto == D("120.5")
    pagina = client.get(f"/pas/acciones/{accion.pk}/").content.decode()
    assert "Reglamento de gobernanza expedido" in pagina and "120,50" in pagina


def test_la_entidad_reporta_con_evidencia_y_el_dnp_devuelve_y_aprueba(client, acciones, octavo, admin_dnp,
                                                                      reportero_dafp):
    accion = acciones["1.3"]
    client.force_login(reportero_dafp)
    assert "Reportar" in client.get(f"/pas/cortes/{octavo.pk}/").content.decode()
    url = f"/pas/acciones/{accion.pk}/cortes/{octavo.pk}/reportar/"
    r = client.post(url, {"avance": "35", "comprometido": "50", "pagado": "80", "nota": "x"})
    assert "Lo pagado no puede superar lo comprometido." in r.content.decode() and not ReportePAS.objects.exists()
    acta = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta del comite", content_type="application/pdf")
    r = client.post(url, {"avance": "35", "comprometido": "50", "pagado": "20", "nota": "Comité instalado",
                          "evidencias": [acta], "enviar": "1"})
    reporte = ReportePAS.objects.get()
    assert r.status_code == 302 and reporte.estado == EstadoReporte.ENVIADO and reporte.evidencias.count() == 1
    pagina = client.get(f"/pas/reportes/{reporte.pk}/").content.decode()
    assert "Devolver con comentarios" not in pagina and "acta.pdf" in pagina
    assert client.get(f"/pas/evidencias/{reporte.evidencias.get().pk}/").status_code == 200
    client.force_login(admin_dnp)
    assert "Devolver con comentarios" in client.get(f"/pas/reportes/{reporte.pk}/").content.decode()
    client.post(f"/pas/reportes/{reporte.pk}/devolver/", {"comentario": "Adjunte el reglamento"})
    reporte.refresh_from_db()
    assert reporte.estado == EstadoReporte.DEVUELTO
    client.force_login(reportero_dafp)
    assert "Adjunte el reglamento" in client.get(url).content.decode()
    client.post(url, {"avance": "40", "comprometido": "50", "pagado": "25", "nota": "Con reglamento", "enviar": "1"})
    client.force_login(admin_dnp)
    client.post(f"/pas/reportes/{reporte.pk}/aprobar/", {"comentario": ""})
    reporte.refresh_from_db()
    assert (reporte.estado, reporte.version, reporte.avance) == (EstadoReporte.APROBADO, 2, D(40))
    client.logout()
    assert "Con reglamento" in client.get(f"/pas/reportes/{reporte.pk}/").content.decode()  # aprobado: público
