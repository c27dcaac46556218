"""Datos abiertos de la oferta por `att.exportacion`: celdas con tipo, fórmulas escapadas, etiquetas
junto a los códigos, y un archivo exportado se vuelve a leer con la importación."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from oferta.models import Oferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db

PELIGROSOS = ["=HYPERLINK(\"http://x\")", "+57 300", "-1+1", "@SUMA(A1)"]


def _ofertas_peligrosas():
    o = fabricas.oferta(nombre="Normal", cupos=40, vigencia_desde=datetime.date(2027, 4, 30))
    Oferta.objects.filter(pk=o.pk).update(nombre=PELIGROSOS[0], contacto_telefono=PELIGROSOS[1],
                                          requisitos=PELIGROSOS[2], cronograma=PELIGROSOS[3])
    return o


def test_xlsx_sin_formulas_y_con_tipos_y_etiquetas(client):
    o = _ofertas_peligrosas()
    r = client.get("/oferta/exportar/", {"formato": "xlsx"})
    hoja = load_workbook(io.BytesIO(r.getvalue())).worksheets[0]
    assert hoja.title == "Ofertas"
    cabeza = [c.value for c in hoja[1]]
    fila = {cabeza[i]: c for i, c in enumerate(hoja[2])}
    for columna, valor in zip(["nombre", "contacto_telefono", "requisitos", "cronograma"], PELIGROSOS, strict=True):
        assert (fila[columna].value, fila[columna].data_type) == (valor, "s"), columna
    assert fila["id"].value == o.pk and fila["id"].data_type == "n"
    assert fila["cupos"].value == 40 and fila["cupos"].data_type == "n"
    assert fila["vigencia_desde"].value == datetime.datetime(2027, 4, 30) and fila["vigencia_desde"].is_date
    assert fila["publicada_en"].is_date
    assert fila["temas"].value == "planeacion" and fila["temas_nombres"].value == o.temas.get().nombre
    assert fila["canal_nombre"].value == o.canal.nombre


def test_csv_con_bom_formulas_escapadas_y_listas_con_punto_y_coma(client):
    _ofertas_peligrosas()
    contenido = client.get("/oferta/exportar/", {"formato": "csv"}).getvalue()
    assert contenido.startswith("\ufeff".encode())
    fila = next(csv.DictReader(io.StringIO(contenido.decode("utf-8-sig"))))
    assert [fila[c] for c in ("nombre", "contacto_telefono", "requisitos", "cronograma")] == [
        "'" + v for v in PELIGROSOS]
    assert fila["vigencia_desde"] == "2027-04-30" and fila["cupos"] == "40"


def test_lo_exportado_se_vuelve_a_importar(client, oferente, entidad_oferente):
    """Las columnas de código son las de la importación; las de etiquetas se ignoran con un aviso."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from att import importacion as imp

    fabricas.oferta(entidad=entidad_oferente, vigencia_desde=datetime.date(2027, 1, 1))
    contenido = client.get("/oferta/exportar/", {"formato": "xlsx"}).getvalue()
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=SimpleUploadedFile("o.xlsx", contenido))
    assert importacion.estado == "validada", importacion.errores
