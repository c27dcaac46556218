"""La tubería común de importación (att.importacion): lectura de lo que escriben las hojas de cálculo,
encabezados y catálogos flexibles, confirmación una sola vez, escritura idempotente, segundo plano y
limpieza de lo abandonado."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from att import importacion as imp
from att.models import EstadoImportacionArchivo as Estado
from att.models import Importacion, Modalidad, Salida, Tema
from att.tasks import escribir_importacion, validar_importacion
from demanda.models import Demanda, EventoDemanda

pytestmark = pytest.mark.django_db

ENCABEZADO = "municipio;departamento;titulo;descripcion;temas;fuente\n"


def _fila(i: int) -> str:
    return f"Medellín;Antioquia;Necesidad número {i};Detalle;planeacion;metas_pdt\n"


def _archivo(n: int, nombre="demandas.csv"):
    return SimpleUploadedFile(nombre, (ENCABEZADO + "".join(_fila(i) for i in range(n))).encode())


# --- Lectura ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("contenido", "esperado"), [
    ("a;b\n1;Bogotá\n".encode("cp1252"), ["1", "Bogotá"]),
    ("a;b\n1;Bogotá\n".encode("latin-1"), ["1", "Bogotá"]),
    (b"\xef\xbb\xbfa,b\n1,Bogot\xc3\xa1\n", ["1", "Bogotá"]),
    ("a\tb\n1\tBogotá\n".encode("utf-16"), ["1", "Bogotá"]),
    (b'a,b\n1,"Bogot\xc3\xa1; D.C."\n', ["1", "Bogotá; D.C."]),
])
def test_csv_en_las_codificaciones_y_separadores_de_las_hojas_de_calculo(contenido, esperado):
    tabla = imp.leer_archivo(contenido, "x.csv")
    assert tabla.encabezado == ["a", "b"] and tabla.filas == [(2, esperado)]


def test_xlsx_pasa_fechas_y_numeros_como_valores_y_numera_las_filas_del_archivo():
    libro = Workbook()
    hoja = libro.active
    hoja.append(["fecha", "numero", "texto"])
    hoja.append([None, None, None])  # fila vacía: se salta, pero la numeración sigue la del archivo
    hoja.append([datetime.datetime(2027, 4, 30), 5001.0, " Cali "])
    salida = io.BytesIO()
    libro.save(salida)
    tabla = imp.leer_archivo(salida.getvalue(), "x.xlsx")
    assert tabla.filas == [(3, [datetime.datetime(2027, 4, 30), 5001, "Cali"])]
    assert imp.fecha(tabla.filas[0][1][0]) == datetime.date(2027, 4, 30)


@pytest.mark.parametrize(("contenido", "nombre", "mensaje"), [
    (b"", "a.csv", "El archivo está vacío"),
    (b"\n \n", "a.csv", "El archivo está vacío"),
    (b"PK\x03\x04no es un zip", "a.xlsx", "El archivo XLSX está dañado"),
    (b"texto cualquiera", "a.xlsx", "El archivo XLSX está dañado"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "foto.csv", "parece un archivo binario"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "viejo.xls", "guarde el archivo como XLSX"),
])
def test_archivo_ilegible_es_un_error_en_espanol(contenido, nombre, mensaje):
    with pytest.raises(imp.ArchivoIlegible, match=mensaje):
        imp.leer_archivo(contenido, nombre)


def test_encabezados_sin_tildes_mayusculas_espacios_ni_guiones_y_con_sinonimos():
    columnas = {"entidad": ("municipio", "código DIVIPOLA"), "etapa": ("etapa del ciclo",), "temas": ("tema",)}
    indices, ignoradas = imp.mapear_encabezado(["CODIGO DIVIPOLA", " Etapa_del_Ciclo ", "Tema", "Observaciones"], columnas)
    assert indices == {"entidad": 0, "etapa": 1, "temas": 2} and ignoradas == ["Observaciones"]


# --- Catálogos -------------------------------------------------------------------------------------

def test_catalogo_por_codigo_nombre_o_prefijo_sin_ambiguedad():
    temas = imp.Catalogo.de_modelo("temas", Tema)
    hacienda = Tema.objects.get(codigo="hacienda-finanzas")
    assert temas.resolver("hacienda-finanzas") == hacienda
    assert temas.resolver(hacienda.nombre.upper()) == hacienda
    assert temas.resolver("Hacienda") == hacienda
    assert temas.resolver("PLANEACION") == Tema.objects.get(codigo="planeacion")
    with pytest.raises(imp.ErrorFila, match="no es un valor de temas"):
        temas.resolver("Astronomía")


def test_valor_del_catalogo_vecino_se_toma_con_un_aviso():
    modalidades = imp.Catalogo.de_modelo("modalidades", Modalidad)
    from att.models import Canal

    canales = imp.Catalogo.de_modelo("canales", Canal)
    modalidad, canal, aviso = imp.con_vecino("Virtual", modalidades, canales)
    assert modalidad is None and canal.codigo == "virtual" and "se tomó como canales" in aviso
    modalidad, canal, aviso = imp.con_vecino("asesoria", modalidades, canales)
    assert modalidad.codigo == "asesoria" and canal is None and aviso == ""


# --- Confirmación, escritura y segundo plano ---------------------------------------------------------

def test_doble_confirmacion_escribe_una_vez(funcionario_medellin):
    importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(2))
    assert importacion.estado == Estado.VALIDADA
    imp.confirmar(importacion=importacion, por=funcionario_medellin)
    with pytest.raises(ValidationError, match="Esta importación ya se confirmó: no se importa dos veces"):
        imp.confirmar(importacion=importacion, por=funcionario_medellin)
    assert Demanda.objects.count() == 2


def test_tarea_de_escritura_entregada_otra_vez_no_escribe_nada(funcionario_medellin):
    importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(2))
    imp.confirmar(importacion=importacion, por=funcionario_medellin)
    escribir_importacion.apply(args=[importacion.pk], throw=True)
    validar_importacion.apply(args=[importacion.pk], throw=True)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, 2)
    assert Demanda.objects.count() == 2 and EventoDemanda.objects.count() == 2


def test_escribir_sin_confirmar_no_escribe(funcionario_medellin):
    importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(1))
    imp.escribir(importacion.pk)
    importacion.refresh_from_db()
    assert importacion.estado == Estado.VALIDADA and not Demanda.objects.exists()


def test_archivo_grande_va_por_la_bandeja_de_salida_con_avance(funcionario_medellin, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    n = imp.UMBRAL_SINCRONO + 5
    with django_capture_on_commit_callbacks(execute=True):
        importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(n))
    assert Salida.objects.filter(tarea="att.validar_importacion", argumentos=[importacion.pk]).exists()
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.validas, importacion.procesadas) == (Estado.VALIDADA, n, n)
    with django_capture_on_commit_callbacks(execute=True):
        imp.confirmar(importacion=importacion, por=funcionario_medellin)
    assert Salida.objects.filter(tarea="att.escribir_importacion", argumentos=[importacion.pk]).exists()
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, n)
    assert Demanda.objects.count() == n
    # Quien la lanzó recibe la alerta de que terminó (corrió en segundo plano).
    assert funcionario_medellin.notificaciones.filter(titulo__startswith="Importación terminada").exists()


def test_solo_quien_subio_el_archivo_confirma(funcionario_medellin, equipo_antioquia):
    from django.core.exceptions import PermissionDenied

    importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(1))
    with pytest.raises(PermissionDenied, match="Solo quien subió el archivo"):
        imp.confirmar(importacion=importacion, por=equipo_antioquia)
    assert not Demanda.objects.exists()


def test_ensayos_abandonados_se_borran_despues_de_un_dia(funcionario_medellin):
    from django.utils import timezone

    abandonada = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(1))
    terminada = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(1))
    imp.confirmar(importacion=terminada, por=funcionario_medellin)
    archivo = abandonada.archivo.path
    ahora = timezone.now()
    assert imp.purgar(ahora=ahora + datetime.timedelta(hours=23)) == 0  # antes de un día: sigue ahí
    assert Importacion.objects.filter(pk=abandonada.pk).exists()
    assert imp.purgar(ahora=ahora + datetime.timedelta(hours=25)) == 1
    assert not Importacion.objects.filter(pk=abandonada.pk).exists()
    import os

    assert not os.path.exists(archivo)
    terminada.refresh_from_db()
    assert terminada.estado == Estado.TERMINADA and not terminada.archivo  # la fila queda; el archivo no


def test_la_escritura_vuelve_a_validar_y_si_algo_cambio_falla_sin_escribir(funcionario_medellin):
    from att.models import Membresia

    importacion = imp.iniciar(tipo="demandas", por=funcionario_medellin, archivo=_archivo(2))
    assert importacion.estado == Estado.VALIDADA
    Membresia.objects.filter(usuario=funcionario_medellin).delete()  # perdió el permiso entre ensayo y confirmación
    imp.confirmar(importacion=importacion, por=funcionario_medellin)
    importacion.refresh_from_db()
    assert importacion.estado == Estado.FALLIDA and importacion.errores
    assert not Demanda.objects.exists()


def test_el_avance_se_ve_al_recargar_la_pagina(client, funcionario_medellin):
    importacion = Importacion.objects.create(tipo="demandas", por=funcionario_medellin, archivo="x/d.csv",
                                             nombre_archivo="grande.csv", estado=Estado.IMPORTANDO, total=2000,
                                             procesadas=500)
    client.force_login(funcionario_medellin)
    html = client.get(f"/nucleo/importaciones/{importacion.pk}/").content.decode()
    assert '<progress id="avance" max="2000" value="500">25 %</progress>' in html
    assert '<meta http-equiv="refresh" content="3">' in html
    r = client.post(f"/nucleo/importaciones/{importacion.pk}/", follow=True)  # confirmar otra vez: mensaje
    assert "Esta importación ya se confirmó" in r.content.decode()
