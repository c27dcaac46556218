"""Exportaciones que fluyen y nunca bloquean un worker (issue #17): CSV en flujo (BOM, fórmulas escapadas,
listas con «;»), XLSX escrito a un archivo temporal, cupo de exportaciones simultáneas por cliente (429 y
liberación al terminar o cortar la descarga) y exportación grande en Celery con un enlace."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from att import exportacion
from att.models import ArchivoExportado, EstadoExportacion
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_limpia():
    cache.clear()
    yield
    cache.clear()


def _leer_csv(contenido: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(contenido.decode("utf-8-sig"))))


def test_csv_en_flujo_lee_las_filas_a_medida_que_envia():
    leidas = []

    def filas():
        for i in range(5000):
            leidas.append(i)
            yield [i, f"=fila {i}", ["a", "b"], datetime.date(2027, 1, 2)]

    r = exportacion.respuesta_csv("x.csv", ["n", "texto", "lista", "fecha"], filas())
    assert isinstance(r, StreamingHttpResponse) and r["Content-Disposition"] == 'attachment; filename="x.csv"'
    trozos = iter(r.streaming_content)
    primero = next(trozos)
    assert primero.startswith("\ufeff".encode()) and 0 < len(leidas) < 5000  # el primer trozo sale antes del final
    contenido = primero + b"".join(trozos)
    assert len(leidas) == 5000
    filas_csv = _leer_csv(contenido)
    assert filas_csv[0] == ["n", "texto", "lista", "fecha"]
    assert filas_csv[1] == ["0", "'=fila 0", "a;b", "2027-01-02"]
    assert len(filas_csv) == 5001


def test_xlsx_desde_un_iterador_con_texto_largo_y_formulas():
    largo = "x" * 40_000
    filas = ([i, "=1+1" if i == 0 else largo if i == 1 else "normal", i * 2] for i in range(3))
    libro = load_workbook(io.BytesIO(exportacion.libro_xlsx([("Hoja", [["Título"]], ["n", "texto", "doble"], filas)])))
    hoja = libro.active
    valores = list(hoja.iter_rows(values_only=True))
    assert valores[0][0] == "Título"
    assert valores[1] == ("n", "texto", "texto_2", "doble")
    assert valores[2] == (0, "=1+1", None, 0) and hoja["B3"].data_type == "s"
    assert valores[3][1] + valores[3][2] == largo and valores[3][3] == 2
    assert hoja.auto_filter.ref == "A2:D5" and hoja.freeze_panes == "A3"


# --- Cupo por cliente -----------------------------------------------------------------------------------
def test_cupo_por_ip_da_429_con_mensaje_y_se_libera_al_terminar(client, settings):
    settings.ATT_EXPORTACIONES_POR_CLIENTE = 1
    fabricas.oferta(nombre="Una")
    en_curso = client.get("/oferta/exportar/", {"formato": "csv", "canal": "1"})
    assert en_curso.status_code == 200 and en_curso.streaming
    segunda = client.get("/oferta/exportar/", {"formato": "csv"})
    assert segunda.status_code == 429 and segunda["Retry-After"]
    assert "descargas en curso" in segunda.content.decode()
    en_curso.getvalue()  # la descarga termina: el servidor cierra la respuesta y el cupo vuelve
    assert client.get("/oferta/exportar/", {"formato": "csv"}).status_code == 200


def test_cupo_se_libera_si_la_descarga_se_corta(settings):
    settings.ATT_EXPORTACIONES_POR_CLIENTE = 1
    peticion = RequestFactory().get("/x/", REMOTE_ADDR="10.0.0.9")
    from django.contrib.auth.models import AnonymousUser

    peticion.user = AnonymousUser()

    @exportacion.con_cupo
    def vista(request):
        return exportacion.respuesta_csv("x.csv", ["n"], ([i] for i in range(100_000)))

    r = vista(peticion)
    next(iter(r.streaming_content))  # el cliente recibe un trozo y corta
    assert vista(peticion).status_code == 429
    r.close()  # lo que hace el servidor WSGI al cortarse la conexión
    otra = vista(peticion)
    assert otra.status_code == 200
    otra.close()


def test_cupo_cuenta_por_usuario_y_caduca_si_el_worker_muere(settings, admin_dnp, rf):
    settings.ATT_EXPORTACIONES_POR_CLIENTE = 1
    settings.ATT_EXPORTACION_CUPO_SEGUNDOS = 60
    peticion = rf.get("/x/")
    peticion.user = admin_dnp
    cupo = exportacion.tomar_cupo(peticion)
    assert cupo is not None and exportacion.tomar_cupo(peticion) is None
    otra = rf.get("/x/")
    from django.contrib.auth.models import AnonymousUser

    otra.user = AnonymousUser()
    assert exportacion.tomar_cupo(otra) is not None  # otro cliente tiene su propio cupo
    cache.delete(cupo.clave)  # lo que hace la caducidad si el proceso muere sin liberar
    assert exportacion.tomar_cupo(peticion) is not None


def test_una_pagina_que_tambien_exporta_no_gasta_cupo_sin_formato(client, settings, admin_dnp):
    settings.ATT_EXPORTACIONES_POR_CLIENTE = 1
    client.force_login(admin_dnp)
    abierta = client.get("/agenda/gobernanza/", {"formato": "csv"})
    assert abierta.status_code == 200
    assert client.get("/agenda/gobernanza/").status_code == 200
    assert client.get("/agenda/gobernanza/", {"formato": "xlsx"}).status_code == 429
    abierta.getvalue()


# --- Exportación grande: tarea y enlace -----------------------------------------------------------------
def test_xlsx_grande_va_a_celery_y_la_pagina_da_el_enlace(client, settings, django_capture_on_commit_callbacks):
    settings.ATT_EXPORTACION_UMBRAL_FILAS = 2
    canal = fabricas.oferta(nombre="Uno").canal_id
    fabricas.oferta(nombre="Dos")
    fabricas.oferta(nombre="=Tres")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/oferta/exportar/", {"formato": "xlsx", "canal": str(canal)})
    assert r.status_code == 302
    pedida = ArchivoExportado.objects.get()
    assert r["Location"] == f"/nucleo/exportaciones/{pedida.clave}/"
    assert pedida.tipo == "oferta.datos_abiertos" and pedida.parametros == {"canal": [str(canal)]}
    # Sin broker (pruebas), la tarea corrió al confirmar: la página ya da la descarga.
    assert pedida.estado == EstadoExportacion.LISTA and pedida.filas == 3
    pagina = client.get(r["Location"])
    assert f"/nucleo/exportaciones/{pedida.clave}/descargar/" in pagina.content.decode()
    archivo = client.get(f"/nucleo/exportaciones/{pedida.clave}/descargar/")
    filas = list(load_workbook(io.BytesIO(archivo.getvalue())).active.iter_rows(values_only=True))
    nombres = sorted(f[filas[0].index("nombre")] for f in filas[1:])
    assert nombres == ["=Tres", "Dos", "Uno"]
    assert archivo["Content-Disposition"].startswith("attachment")


def test_xlsx_bajo_el_umbral_sale_en_la_misma_peticion(client, settings):
    settings.ATT_EXPORTACION_UMBRAL_FILAS = 10
    canal = fabricas.oferta(nombre="Uno").canal_id
    r = client.get("/oferta/exportar/", {"formato": "xlsx", "canal": str(canal)})
    assert r.status_code == 200 and not ArchivoExportado.objects.exists()
    assert load_workbook(io.BytesIO(r.getvalue())).active.max_row == 2


def test_el_enlace_de_una_exportacion_es_solo_de_quien_la_pidio(client, admin_dnp, oferente):
    import uuid

    pedida = ArchivoExportado.objects.create(clave=uuid.uuid4(), usuario=admin_dnp, tipo="demanda.demandas",
                                             formato="xlsx")
    client.force_login(oferente)
    assert client.get(f"/nucleo/exportaciones/{pedida.clave}/").status_code == 404
    assert client.get(f"/nucleo/exportaciones/{pedida.clave}/descargar/").status_code == 404
    client.force_login(admin_dnp)
    assert "se está generando" in client.get(f"/nucleo/exportaciones/{pedida.clave}/").content.decode()
    assert client.get(f"/nucleo/exportaciones/{pedida.clave}/descargar/").status_code == 404  # aún no está


def test_demandas_grandes_en_xlsx_van_a_celery_con_los_filtros(client, settings, funcionario_medellin,
                                                              django_capture_on_commit_callbacks):
    from demanda.models import Demanda
    from tests.demanda import fabricas as fabricas_demanda

    settings.ATT_EXPORTACION_UMBRAL_FILAS = 1
    from att.models import Membresia

    entidad = Membresia.objects.get(usuario=funcionario_medellin).entidad
    for i in range(3):
        fabricas_demanda.demanda(entidad, funcionario_medellin, titulo=f"D{i}")
    client.force_login(funcionario_medellin)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/demanda/exportar/", {"formato": "xlsx", "estado": "registrada"})
    assert r.status_code == 302
    pedida = ArchivoExportado.objects.get()
    assert pedida.usuario == funcionario_medellin and pedida.estado == EstadoExportacion.LISTA
    libro = load_workbook(io.BytesIO(client.get(f"/nucleo/exportaciones/{pedida.clave}/descargar/").getvalue()))
    assert libro.active.max_row == 1 + Demanda.objects.filter(entidad=entidad).count()


def test_purgar_borra_las_exportaciones_vencidas_con_sus_archivos(settings, tmp_path):
    """A los ATT_EXPORTACIONES_DIAS días la exportación y su archivo se borran (la del día límite no); una
    segunda pasada no borra nada más y el enlace vencido es un 404."""
    import uuid
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.test import Client
    from django.utils import timezone

    from att.tasks import purgar_exportaciones

    settings.MEDIA_ROOT = str(tmp_path)
    settings.ATT_EXPORTACIONES_DIAS = 7
    ahora = timezone.now()
    vieja, limite, nueva = (ArchivoExportado.objects.create(clave=uuid.uuid4(), tipo="oferta.datos_abiertos",
                                                           formato="xlsx") for _ in range(3))
    for pedida in (vieja, limite, nueva):
        pedida.xlsx.save("datos.xlsx", ContentFile(b"PK"), save=True)
    ArchivoExportado.objects.filter(pk=vieja.pk).update(creada=ahora - timedelta(days=7, seconds=1))
    ArchivoExportado.objects.filter(pk=limite.pk).update(creada=ahora - timedelta(days=7) + timedelta(minutes=5))
    ruta_vieja = vieja.xlsx.path
    assert purgar_exportaciones() == 1
    assert set(ArchivoExportado.objects.values_list("pk", flat=True)) == {limite.pk, nueva.pk}
    assert not (tmp_path / ruta_vieja).exists() and limite.xlsx.storage.exists(limite.xlsx.name)
    assert purgar_exportaciones() == 0
    assert Client().get(f"/nucleo/exportaciones/{vieja.clave}/").status_code == 404
