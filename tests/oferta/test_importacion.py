"""Importación de ofertas por la tubería común (`att.importacion`, tipo «ofertas»): ensayo primero,
errores por fila con el motivo, nada escrito hasta confirmar; catálogos por código o por nombre."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from att import importacion as imp
from att.models import EstadoImportacionArchivo as Estado
from att.models import Importacion
from oferta.importacion import COLUMNAS
from oferta.models import EstadoOferta, Oferta, TransicionOferta

pytestmark = pytest.mark.django_db

ENCABEZADO = ("nombre,necesidad,descripcion,descriptores,temas,capacidades,etapas,modalidades,canal,"
              "contacto_nombre,contacto_email,vigencia_desde,focaliza_departamentos,cupos")
BUENA = ('"Asesoría en POAI","POAI sin priorizar","Talleres virtuales",gestion-publica,"planeacion;poai",'
         'planeacion,programacion,asesoria,virtual,Ana,ana@x.gov.co,2026-01-01,"05;76",30')


def archivo(*filas, nombre="ofertas.csv", encabezado=ENCABEZADO):
    return SimpleUploadedFile(nombre, ("\n".join([encabezado, *filas]) + "\n").encode("utf-8"), "text/csv")


def test_archivo_bueno_ensayo_y_confirmacion(client, oferente, entidad_oferente):
    client.force_login(oferente)
    r = client.post("/oferta/importar/", {"archivo": archivo(BUENA, BUENA.replace("POAI", "plan indicativo", 1))})
    importacion = Importacion.objects.get()
    assert importacion.tipo == "ofertas"
    assert r["Location"] == f"/nucleo/importaciones/{importacion.pk}/"
    assert (importacion.estado, importacion.total, importacion.validas, importacion.errores) == (
        Estado.VALIDADA, 2, 2, [])
    assert not Oferta.objects.exists()  # el ensayo no escribe nada
    html = client.get(f"/nucleo/importaciones/{importacion.pk}/").content.decode()
    assert "Confirmar e importar 2 filas" in html
    client.post(f"/nucleo/importaciones/{importacion.pk}/")
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, 2)
    ofertas = list(Oferta.objects.order_by("pk"))
    assert [o.entidad for o in ofertas] == [entidad_oferente] * 2
    assert all(o.estado == EstadoOferta.BORRADOR and o.creada_por == oferente for o in ofertas)
    assert sorted(ofertas[0].temas.values_list("codigo", flat=True)) == ["planeacion", "poai"]
    assert sorted(ofertas[0].focaliza_departamentos.values_list("codigo", flat=True)) == ["05", "76"]
    assert ofertas[0].cupos == 30
    assert TransicionOferta.objects.filter(oferta__in=ofertas, a_estado=EstadoOferta.BORRADOR).count() == 2
    assert Oferta.objects.filter(busqueda__isnull=False).count() == 2
    assert ofertas[0].historial.count() == 1
    # Confirmar dos veces no duplica.
    r = client.post(f"/nucleo/importaciones/{importacion.pk}/", follow=True)
    assert "no se importa dos veces" in r.content.decode()
    assert Oferta.objects.count() == 2


def test_valores_por_nombre_sin_tildes_y_canal_en_la_columna_de_modalidades(oferente, entidad_oferente):
    """Como la gente tiene la hoja: nombres en vez de códigos, departamentos y municipios por nombre,
    y «Virtual» escrito como modalidad (es un canal: se toma como canal con un aviso)."""
    encabezado = ("Nombre,Necesidad,Descripción,Descriptores,Temas,Capacidades,Etapa,Modalidad,"
                  "Correo de contacto,Contacto,Vigente desde,Departamentos,Municipios")
    fila = ('Oferta,n,d,gestion-publica,PLANEACION,planeacion,programacion,"asesoria;Virtual",ana@x.gov.co,Ana,'
            '30/04/2027,"ANTIOQUIA;Valle","Medellin;Tolu"')
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=archivo(fila, encabezado=encabezado))
    assert importacion.estado == Estado.VALIDADA, importacion.errores
    assert "se tomó como canales" in importacion.avisos[0]["error"]
    imp.confirmar(importacion=importacion, por=oferente)
    oferta = Oferta.objects.get()
    assert oferta.canal.codigo == "virtual"
    assert list(oferta.modalidades.values_list("codigo", flat=True)) == ["asesoria"]
    assert sorted(oferta.focaliza_departamentos.values_list("codigo", flat=True)) == ["05", "76"]
    assert sorted(oferta.focaliza_entidades.values_list("municipio_id", flat=True)) == ["05001", "70820"]


def test_fila_mala_se_informa_y_no_se_escribe_nada(client, oferente):
    client.force_login(oferente)
    mala = BUENA.replace("planeacion;poai", "planeacion;no-existe").replace("ana@x.gov.co", "sin-arroba")
    client.post("/oferta/importar/", {"archivo": archivo(BUENA, mala, BUENA.replace("2026-01-01", "31-31-2026"))})
    importacion = Importacion.objects.get()
    assert importacion.estado == Estado.CON_ERRORES
    assert importacion.validas == 1
    por_fila = {}
    for e in importacion.errores:
        por_fila.setdefault(e["fila"], []).append(e["error"])
    assert set(por_fila) == {3, 4}  # la fila 1 es el encabezado
    assert "temas: «no-existe» no es un valor de temas." in por_fila[3]
    assert any(e.startswith("contacto_email:") for e in por_fila[3])
    assert "vigencia_desde: Fecha no válida: «31-31-2026». Use AAAA-MM-DD o DD/MM/AAAA." in por_fila[4]
    assert not Oferta.objects.exists()
    html = client.get(f"/nucleo/importaciones/{importacion.pk}/").content.decode()
    assert "No se escribió nada" in html and "«no-existe» no es un valor de temas" in html
    assert "Confirmar e importar" not in html
    client.post(f"/nucleo/importaciones/{importacion.pk}/")  # tampoco se puede forzar la confirmación
    assert not Oferta.objects.exists()


def test_entidad_ajena_es_error_de_fila(oferente, otro_oferente):
    ajena = otro_oferente.membresias.get().entidad
    f = archivo(f"{BUENA},{ajena.sigla}", encabezado=ENCABEZADO + ",entidad")
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=f)
    assert importacion.estado == Estado.CON_ERRORES
    assert importacion.errores[0]["error"] == f"entidad: usted no actúa como oferente por {ajena}."


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
    assert Importacion.objects.get().estado == Estado.VALIDADA
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.pdf", b"%PDF")})
    assert r.status_code == 200 and "El archivo debe ser CSV o XLSX." in r.content.decode()


def test_archivo_grande_va_por_celery_con_avance(oferente, settings, django_capture_on_commit_callbacks):
    """Por encima del umbral se encola (en pruebas Celery corre en el acto) y el avance llega al total."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    filas = [BUENA.replace("POAI", f"POAI {i}", 1) for i in range(imp.UMBRAL_SINCRONO + 5)]
    with django_capture_on_commit_callbacks(execute=True):
        importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=archivo(*filas))
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.procesadas, importacion.validas) == (
        Estado.VALIDADA, len(filas), len(filas))
    assert not Oferta.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # la escritura sale por la bandeja de salida
        imp.confirmar(importacion=importacion, por=oferente)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, len(filas))
    assert Oferta.objects.count() == len(filas)


@pytest.mark.parametrize("quien", ["auditor", "funcionario_medellin"])
def test_solo_oferentes_importan(client, request, quien):
    client.force_login(request.getfixturevalue(quien))
    assert client.get("/oferta/importar/").status_code == 403


def test_otra_persona_no_confirma(client, oferente, otro_oferente):
    client.force_login(oferente)
    client.post("/oferta/importar/", {"archivo": archivo(BUENA)})
    importacion = Importacion.objects.get()
    client.force_login(otro_oferente)
    assert client.post(f"/nucleo/importaciones/{importacion.pk}/").status_code == 404
    assert not Oferta.objects.exists()


def test_plantilla_csv_tiene_las_columnas(client):
    r = client.get("/oferta/importar/plantilla.csv")
    assert r.getvalue().decode("utf-8-sig").splitlines()[0].split(",") == list(COLUMNAS)


def test_plantilla_xlsx_con_listas_desplegables_se_importa(client, oferente, entidad_oferente):
    client.force_login(oferente)
    r = client.get("/nucleo/importaciones/plantilla/ofertas.xlsx")
    assert r.status_code == 200
    libro = load_workbook(io.BytesIO(r.content))
    hoja = libro.worksheets[0]
    validaciones = {str(v.sqref): v.formula1 for v in hoja.data_validations.dataValidation}
    columna_canal = next(c.column_letter for c in hoja[1] if c.value == "canal")
    assert any(ref.startswith(f"{columna_canal}2") for ref in validaciones), validaciones
    assert len(libro.worksheets) >= 2  # la hoja de códigos y etiquetas
    client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("plantilla.xlsx", r.content)})
    importacion = Importacion.objects.get()
    assert importacion.estado == Estado.VALIDADA, importacion.errores


def test_restricciones_del_modelo_como_errores_de_fila(oferente):
    encabezado = ENCABEZADO + ",vigencia_hasta,dirigida_a_alcaldias,dirigida_a_gobernaciones"
    filas = [f"{BUENA},2025-01-01,sí,sí", f"{BUENA},,no,no", f"{BUENA},2027-01-01,tal vez,sí"]
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=archivo(*filas, encabezado=encabezado))
    por_fila = {e["fila"]: e["error"] for e in importacion.errores}
    assert "termina antes de empezar" in por_fila[2]
    assert "alcaldías, a gobernaciones" in por_fila[3]
    assert "escriba «sí» o «no» (recibido «tal vez»)" in por_fila[4]
    assert not Oferta.objects.exists()


def test_la_plantilla_csv_descargada_se_importa(client, oferente, entidad_oferente):
    client.force_login(oferente)
    contenido = client.get("/oferta/importar/plantilla.csv").getvalue()
    client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("plantilla.csv", contenido, "text/csv")})
    importacion = Importacion.objects.get()
    assert importacion.estado == Estado.VALIDADA, importacion.errores


@pytest.mark.parametrize(("contenido", "nombre", "mensaje"), [
    (b"PK\x03\x04roto", "o.xlsx", "El archivo XLSX está dañado"),
    (bytes(range(256)) * 10, "o.csv", "parece un archivo binario"),
    (b"a,b\n", "solo-encabezado.csv", "Faltan columnas"),
], ids=["xlsx-roto", "binario", "sin-filas"])
def test_archivo_ilegible_es_un_mensaje_y_no_un_500(client, oferente, contenido, nombre, mensaje):
    client.force_login(oferente)
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile(nombre, contenido)}, follow=True)
    assert r.status_code == 200
    assert mensaje in r.content.decode()
    assert not Importacion.objects.filter(estado="validada").exists()


def test_csv_windows_1252_con_punto_y_coma(client, oferente, entidad_oferente):
    client.force_login(oferente)
    texto = "\n".join([ENCABEZADO, BUENA.replace('"planeacion;poai"', "planeacion").replace('"05;76"', "05")])
    texto = texto.replace(",", ";") + "\n"
    r = client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.csv", texto.encode("cp1252"))})
    assert r.status_code == 302
    assert Importacion.objects.get().estado == "validada"
