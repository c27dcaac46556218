"""Lo que guarda LibreOffice se lee de vuelta: una exportación de las líneas de un plan, editada,
abierta y guardada por LibreOffice sin cabeza (XLSX y CSV con «;» en Windows-1252), se ensaya sin
errores y, confirmada, actualiza las mismas líneas por su id (no crea copias).

Necesita `soffice` (Debian: libreoffice-calc-nogui; .ci/run lo instala). Sin él, la prueba se salta
en local con el motivo, pero en CI (CI=true) falla."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from agenda.models import LineaPlan
from tests import factories
from tests.agenda import fabricas as f

SOFFICE = shutil.which("soffice")
if SOFFICE is None and os.environ.get("CI", "").lower() == "true":
    raise RuntimeError("En CI debe estar LibreOffice (soffice): .ci/run instala libreoffice-calc-nogui.")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="sin LibreOffice (soffice) en esta máquina: apt-get install "
                                               "libreoffice-calc-nogui (en CI es obligatorio)"),
]

CSV_WINDOWS_1252 = "csv:Text - txt - csv (StarCalc):59,34,1"  # separador «;», comillas «"», Windows-1252


def _guardar_con_libreoffice(origen: Path, formato: str, carpeta: Path) -> Path:
    salida = carpeta / "guardado"
    salida.mkdir()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{carpeta / 'perfil'}", "--headless", "--convert-to", formato,
         "--outdir", str(salida), str(origen)],
        check=True, capture_output=True, timeout=180,
    )
    (resultado,) = list(salida.iterdir())
    return resultado


def _plan_con_lineas(entidad_oferente):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    for i, codigo in enumerate(("05001", "76001"), start=1):
        f.linea(plan, territorios=[factories.alcaldia(codigo), factories.gobernacion("05")], oferta_=oferta,
                secuencia=i, objetivo=f"Objetivo {i}", inversion=1500000 * i, fuente_financiacion="PGN")
    return plan


def _importar(client, plan, nombre, contenido):
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": SimpleUploadedFile(nombre, contenido)},
                    follow=True)
    importacion = r.context["importacion"]
    assert (importacion.estado, importacion.errores) == ("validada", []), importacion.errores
    assert importacion.validas == 2
    client.post(f"/nucleo/importaciones/{importacion.pk}/")
    importacion.refresh_from_db()
    assert importacion.estado == "terminada"


@pytest.mark.parametrize("formato", ["xlsx", CSV_WINDOWS_1252])
def test_exportacion_editada_y_guardada_por_libreoffice_actualiza_sin_duplicar(
        client, entidad_oferente, oferente, tmp_path, formato):
    plan = _plan_con_lineas(entidad_oferente)
    ids = set(LineaPlan.objects.filter(plan=plan).values_list("pk", flat=True))
    client.force_login(oferente)
    libro = load_workbook(io.BytesIO(client.get(f"/agenda/planes/{plan.pk}/exportar/?formato=xlsx").getvalue()))
    hoja = libro.active
    cabeza = [c.value for c in hoja[1]]
    assert isinstance(hoja.cell(row=2, column=cabeza.index("fecha_inicio") + 1).value, __import__("datetime").datetime)
    hoja.cell(row=2, column=cabeza.index("objetivo") + 1).value = "Objetivo 1 con tildes: gestión y participación"
    editado = tmp_path / "lineas.xlsx"
    libro.save(editado)

    guardado = _guardar_con_libreoffice(editado, formato, tmp_path)
    contenido = guardado.read_bytes()
    if formato != "xlsx":
        assert b";" in contenido.splitlines()[0] and "gestión".encode("cp1252") in contenido
    _importar(client, plan, "lineas." + ("xlsx" if formato == "xlsx" else "csv"), contenido)

    lineas = {ln.pk: ln for ln in LineaPlan.objects.filter(plan=plan)}
    assert set(lineas) == ids  # las mismas líneas, sin copias
    primera = min(lineas.values(), key=lambda ln: ln.secuencia)
    assert primera.objetivo == "Objetivo 1 con tildes: gestión y participación"
    assert {t.municipio_id or t.departamento_id for t in primera.territorios.all()} == {"05001", "05"}
    assert primera.inversion == 1500000
