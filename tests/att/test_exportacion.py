"""`att.exportacion.libro_xlsx`, el libro de toda exportación XLSX (datos abiertos, demandas, líneas de
plan, informes y tableros del seguimiento): nada se vuelve fórmula y las celdas llevan su tipo."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from att.exportacion import libro_xlsx

PELIGROSOS = ["=1+1", "+57 300", "-2+3", "@SUMA(A1)"]


def test_ningun_texto_se_vuelve_formula_y_los_valores_tienen_tipo():
    hora = datetime.datetime(2027, 4, 30, 17, 5, tzinfo=datetime.UTC)
    contenido = libro_xlsx([("Datos", [["=título peligroso"]], ["texto", "n"], [
        *[[v, i] for i, v in enumerate(PELIGROSOS)],
        [datetime.date(2027, 4, 30), Decimal("12.5")],
        [hora, -3],
    ])])
    hoja = load_workbook(io.BytesIO(contenido)).worksheets[0]
    assert (hoja["A1"].value, hoja["A1"].data_type) == ("=título peligroso", "s")
    for fila, valor in enumerate(PELIGROSOS, start=3):
        assert (hoja[f"A{fila}"].value, hoja[f"A{fila}"].data_type) == (valor, "s")
        assert hoja[f"B{fila}"].data_type == "n"
    assert hoja["A7"].is_date and hoja["A7"].value == datetime.datetime(2027, 4, 30)
    assert (hoja["B7"].value, hoja["B7"].data_type) == (12.5, "n")
    bogota = hora.astimezone(ZoneInfo("America/Bogota")).replace(tzinfo=None)
    assert hoja["A8"].is_date and hoja["A8"].value == bogota  # 12:05 en Bogotá, no 17:05 UTC
    assert (hoja["B8"].value, hoja["B8"].data_type) == (-3, "n")  # un número negativo sigue siendo número
