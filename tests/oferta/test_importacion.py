"""Importación: ensayo primero, errores por fila con el motivo, nada escrito hasta confirmar."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oferta import services
from oferta.models import (
    EstadoImportacion,
    EstadoOferta,
    ImportacionOferta,
    Oferta,
    TransicionOferta,
)
from oferta.resources import COLUMNAS_IMPORTACION

pytestmark = pytest.mark.django_db

ENCABEZADO = ("nombre,necesidad,descripcion,descriptores,temas,capacidades,etapas,modalidades,canal,"
              "contacto_nombre,contacto_email,vigencia_desde,focaliza_departamentos,cupos")
BUENA = ('"Asesoría en POAI","POAI sin priorizar","Talleres virtuales",gestion-publica,"planeacion,poai",'
         'planeacion,programacion,asesoria,virtual,Ana,ana@x.gov.co,2026-01-01,"05,76",30')


def archivo(*filas, nombre="ofertas.csv"):
    return SimpleUploadedFile(nombre, ("\n".join([ENCABEZADO, *filas]) + "\n").encode("utf-8"), "text/csv")


def test_archivo_bueno_ensayo_y_confirmacion(client, oferente, entidad_oferente):
    client.force_login(oferente)
    r = client.post("/oferta/importar/", {"archivo": archivo(BUENA, BUENA.replace("POAI", "plan indicativo", 1))})
    imp = ImportacionOferta.objects.get()
    assert r["Location"] == f"/oferta/importar/{imp.pk}/"
    assert (imp.estado, imp.total, imp.validas, imp.errores) == (EstadoImportacion.VALIDADA, 2, 2, [])
    assert not Oferta.objects.exists()  # el ensayo no escribe nada
    html = client.get(f"/oferta/importar/{imp.pk}/").content.decode()
    assert "Confirmar e importar 2 ofertas en borrador" in html
    client.post(f"/oferta/importar/{imp.pk}/")
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas) == (EstadoImportacion.TERMINADA, 2)
    ofertas = list(Oferta.objects.order_by("pk"))
    assert [o.entidad for o in ofertas] == [entidad_oferente] * 2
    assert all(o.estado == EstadoOferta.BORRADOR and o.creada_por == oferente for o in ofertas)
    assert sorted(ofertas[0].temas.values_list("codigo", flat=True)) == ["planeacion", "poai"]
    assert sorted(ofertas[0].focaliza_departamentos.values_list("codigo", flat=True)) == ["05", "76"]
    assert ofertas[0].cupos == 30
    assert TransicionOferta.objects.filter(oferta__in=ofertas, a_estado=EstadoOferta.BORRADOR).count() == 2
    assert Oferta.objects.filter(busqueda__isnull=False).count() == 2
    # Confirmar dos veces no duplica.
    client.post(f"/oferta/importar/{imp.pk}/")
    assert Oferta.objects.count() == 2


def test_fila_mala_se_informa_y_no_se_escribe_nada(client, oferente):
    client.force_login(oferente)
    mala = BUENA.replace("planeacion,poai", "planeacion,no-existe").replace("ana@x.gov.co", "sin-arroba")
    client.post("/oferta/importar/", {"archivo": archivo(BUENA, mala, BUENA.replace("2026-01-01", "31-31-2026"))})
    imp = ImportacionOferta.objects.get()
    assert imp.estado == EstadoImportacion.CON_ERRORES
    assert imp.validas == 1
    por_fila = {e["fila"]: e["error"] for e in imp.errores}
    assert set(por_fila) == {3, 4}  # la fila 1 es el encabezado
    assert "código desconocido: no-existe" in por_fila[3]
    assert "contacto_email" in por_fila[3]
    assert "fecha no válida" in por_fila[4]
    assert not Oferta.objects.exists()
    html = client.get(f"/oferta/importar/{imp.pk}/").content.decode()
    assert "No se escribió nada" in html and "código desconocido: no-existe" in html
    assert "Confirmar e importar" not in html
    # Tampoco se puede forzar la confirmación.
    client.post(f"/oferta/importar/{imp.pk}/")
    assert not Oferta.objects.exists()


def test_entidad_ajena_es_error_de_fila(client, oferente, otro_oferente):
    ajena = otro_oferente.membresias.get().entidad
    client.force_login(oferente)
    encabezado = ENCABEZADO + ",entidad"
    f = SimpleUploadedFile("o.csv", f"{encabezado}\n{BUENA},{ajena.sigla}\n".encode(), "text/csv")
    client.post("/oferta/importar/", {"archivo": f})
    imp = ImportacionOferta.objects.get()
    assert imp.estado == EstadoImportacion.CON_ERRORES
    assert "no actúa como oferente" in imp.errores[0]["error"]


def test_xlsx_y_archivo_de_tipo_no_permitido(client, oferente):
    client.force_login(oferente)
    libro = Workbook()
    hoja = libro.active
    hoja.append(ENCABEZADO.split(","))
    hoja.append(["Oferta xlsx", "n", "d", "gestion-publica", "planeacion", "planeacion", "planeacion", "asesoria",
                 "virtual", "Ana", "ana@x.gov.co", "2026-01-01", "", ""])
    datos = io.BytesIO()
    libro.save(datos)
    client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.xlsx", datos.getvalue())})
    assert ImportacionOferta.objects.get().estado == EstadoImportacion.VALIDADA
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.pdf", b"%PDF")})
    assert r.status_code == 200 and "no es de un tipo permitido" in r.content.decode()


def test_archivo_grande_va_por_celery_con_avance(oferente, settings):
    """Por encima del umbral se encola (en pruebas Celery corre en el acto) y el avance llega al total."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    filas = [BUENA.replace("POAI", f"POAI {i}", 1) for i in range(services.UMBRAL_SINCRONO + 5)]
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        imp = services.importacion_iniciar(por=oferente, archivo=archivo(*filas))
    imp.refresh_from_db()
    assert (imp.estado, imp.procesadas, imp.validas) == (EstadoImportacion.VALIDADA, len(filas), len(filas))
    assert not Oferta.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):  # la escritura sale por la bandeja de salida
        services.importacion_confirmar(importacion=imp, por=oferente)
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas) == (EstadoImportacion.TERMINADA, len(filas))
    assert Oferta.objects.count() == len(filas)


@pytest.mark.parametrize("quien", ["auditor", "funcionario_medellin"])
def test_solo_oferentes_importan(client, request, quien):
    client.force_login(request.getfixturevalue(quien))
    assert client.get("/oferta/importar/").status_code == 403


def test_otra_persona_no_confirma(client, oferente, otro_oferente):
    client.force_login(oferente)
    client.post("/oferta/importar/", {"archivo": archivo(BUENA)})
    imp = ImportacionOferta.objects.get()
    client.force_login(otro_oferente)
    assert client.post(f"/oferta/importar/{imp.pk}/").status_code == 404
    assert not Oferta.objects.exists()


def test_plantilla_tiene_las_columnas(client):
    r = client.get("/oferta/importar/plantilla.csv")
    assert r.content.decode("utf-8-sig").splitlines()[0].split(",") == list(COLUMNAS_IMPORTACION)


def test_restricciones_del_modelo_como_errores_de_fila(oferente):
    encabezado = ENCABEZADO + ",vigencia_hasta,dirigida_a_alcaldias,dirigida_a_gobernaciones"
    filas = [f"{BUENA},2025-01-01,sí,sí", f"{BUENA},,no,no", f"{BUENA},2027-01-01,tal vez,sí"]
    f = SimpleUploadedFile("o.csv", ("\n".join([encabezado, *filas]) + "\n").encode(), "text/csv")
    imp = services.importacion_iniciar(por=oferente, archivo=f)
    por_fila = {e["fila"]: e["error"] for e in imp.errores}
    assert "termina antes de empezar" in por_fila[2]
    assert "alcaldías, a gobernaciones" in por_fila[3]
    assert "escriba sí o no" in por_fila[4]
    assert not Oferta.objects.exists()


def test_la_plantilla_descargada_se_importa(client, oferente):
    client.force_login(oferente)
    contenido = client.get("/oferta/importar/plantilla.csv").content
    client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("plantilla.csv", contenido, "text/csv")})
    imp = ImportacionOferta.objects.get()
    assert imp.estado == EstadoImportacion.VALIDADA, imp.errores


@pytest.mark.parametrize(("contenido", "nombre", "mensaje"), [
    (b"PK\x03\x04roto", "o.xlsx", "El archivo XLSX está dañado"),
    (bytes(range(256)) * 10, "o.csv", "no corresponde a un archivo .csv"),
    (b"a,b\n", "solo-encabezado.csv", "El archivo no tiene filas de datos."),
], ids=["xlsx-roto", "binario", "sin-filas"])
def test_archivo_ilegible_es_un_mensaje_y_no_un_500(client, oferente, contenido, nombre, mensaje):
    from oferta.models import ImportacionOferta

    client.force_login(oferente)
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile(nombre, contenido)}, follow=True)
    assert r.status_code == 200
    assert mensaje in r.content.decode()
    assert not ImportacionOferta.objects.filter(estado="validada").exists()


def test_csv_windows_1252_con_punto_y_coma(client, oferente, entidad_oferente):
    from oferta.models import ImportacionOferta

    client.force_login(oferente)
    texto = "\n".join([ENCABEZADO, BUENA]).replace(",", ";") + "\n"
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.csv", texto.encode("cp1252"))})
    assert r.status_code == 302
    assert ImportacionOferta.objects.get().estado == "validada"
