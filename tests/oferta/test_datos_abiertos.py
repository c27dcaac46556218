"""Datos abiertos completos de la oferta servidos de una instantánea (issue #17): archivo ya generado en
el almacenamiento de medios, regenerado al publicar o archivar una oferta; si está vieja, la descarga va
en flujo y se pide regenerarla."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from att.models import EstadoSalida, Salida
from oferta import exportacion, services
from oferta.models import EstadoOferta, Oferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


def _nombres_csv(r) -> list[str]:
    return sorted(f["nombre"] for f in csv.DictReader(io.StringIO(r.getvalue().decode("utf-8-sig"))))


def test_sin_filtros_sirve_la_instantanea_y_la_rehace_cuando_cambia_la_huella(client, django_capture_on_commit_callbacks):
    fabricas.oferta(nombre="Primera")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/oferta/exportar/")
    # Sin instantánea: esta vez va en flujo y se pidió por la bandeja de salida (la tarea corre al confirmar).
    assert not isinstance(r, FileResponse) and _nombres_csv(r) == ["Primera"]
    assert Salida.objects.filter(tarea="oferta.generar_datos_abiertos").exists()
    guardada = exportacion.instantanea("csv")
    assert guardada and default_storage.exists(guardada) and exportacion.instantanea("xlsx")
    # Otra vez: el archivo guardado, sin pedir otra generación.
    antes = Salida.objects.count()
    r = client.get("/oferta/exportar/")
    assert isinstance(r, FileResponse) and _nombres_csv(r) == ["Primera"] and Salida.objects.count() == antes
    # Una publicada nueva (escrita directo, sin servicio) cambia la huella: la vieja ya no se sirve.
    fabricas.oferta(nombre="Segunda")
    assert exportacion.instantanea("csv") is None
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/oferta/exportar/")
    assert _nombres_csv(r) == ["Primera", "Segunda"]
    assert not default_storage.exists(guardada)  # la vieja se borró al generar la nueva
    r = client.get("/oferta/exportar/")
    assert isinstance(r, FileResponse) and _nombres_csv(r) == ["Primera", "Segunda"]


def test_sin_instantanea_la_descarga_va_en_flujo_y_la_deja_pedida(client):
    fabricas.oferta(nombre="Sola")
    r = client.get("/oferta/exportar/")  # la salida queda pendiente (como con el broker lejos o lento)
    assert isinstance(r, StreamingHttpResponse) and not isinstance(r, FileResponse)
    assert _nombres_csv(r) == ["Sola"]
    assert Salida.objects.get(tarea="oferta.generar_datos_abiertos").estado == EstadoSalida.PENDIENTE


def test_publicar_y_archivar_regeneran_la_instantanea(client, admin_dnp, oferente, entidad_oferente,
                                                       django_capture_on_commit_callbacks):
    o = fabricas.oferta(entidad=entidad_oferente, nombre="En revisión", estado=EstadoOferta.EN_REVISION)
    fabricas.oferta(nombre="Ya publicada")
    with django_capture_on_commit_callbacks(execute=True):
        services.oferta_publicar(oferta=o, por=admin_dnp)
    guardada = exportacion.instantanea("xlsx")
    assert guardada is not None  # la generó la tarea que pidió la publicación
    with default_storage.open(guardada, "rb") as archivo:
        filas = list(load_workbook(io.BytesIO(archivo.read())).active.iter_rows(values_only=True))
        nombres = sorted(f[filas[0].index("nombre")] for f in filas[1:])
    assert nombres == ["En revisión", "Ya publicada"]
    with django_capture_on_commit_callbacks(execute=True):
        services.oferta_archivar(oferta=Oferta.objects.get(pk=o.pk), por=admin_dnp, motivo="Terminó")
    assert exportacion.instantanea("csv") is not None
    r = client.get("/oferta/exportar/")
    assert isinstance(r, FileResponse) and _nombres_csv(r) == ["Ya publicada"]


def test_xlsx_completo_de_la_instantanea(client, django_capture_on_commit_callbacks):
    fabricas.oferta(nombre="=Peligrosa")
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/oferta/exportar/", {"formato": "xlsx"}).getvalue()
    r = client.get("/oferta/exportar/", {"formato": "xlsx"})
    assert isinstance(r, FileResponse) and r["Content-Disposition"].startswith("attachment")
    hoja = load_workbook(io.BytesIO(r.getvalue())).active
    cabeza = [c.value for c in hoja[1]]
    celda = hoja.cell(row=2, column=cabeza.index("nombre") + 1)
    assert (celda.value, celda.data_type) == ("=Peligrosa", "s")
