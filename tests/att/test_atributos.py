import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from att import services
from att.models import Municipio, PuntajeMDM

pytestmark = pytest.mark.django_db

ENCABEZADO = ",".join(services.COLUMNAS_ATRIBUTOS)


def _csv(*filas: str) -> io.BytesIO:
    return io.BytesIO(("\n".join([ENCABEZADO, *filas]) + "\n").encode())


def test_ensayo_no_escribe_y_confirmacion_si():
    filas = services.leer_tabla(_csv("05001,,,E,C,no,no,2023,71.5", ",Antioquia,Abejorral,6,G4,sí,sí,,"), "a.csv")
    medellin = Municipio.objects.get(codigo="05001")
    antes = (medellin.categoria, medellin.grupo_mdm)
    assert antes != ("E", "C")  # si ya lo fuera, la prueba no distinguiría ensayo de escritura
    ensayo = services.atributos_importar(filas=filas, confirmar=False)
    assert (ensayo.total, ensayo.validas, ensayo.escritas, ensayo.errores) == (2, 2, 0, [])
    assert not ensayo.confirmada
    medellin.refresh_from_db()
    assert (medellin.categoria, medellin.grupo_mdm) == antes  # el ensayo no escribió nada
    assert not PuntajeMDM.objects.filter(municipio_id="05001", anio=2023).exists()

    hecho = services.atributos_importar(filas=filas, confirmar=True)
    assert hecho.escritas == 2
    medellin = Municipio.objects.get(codigo="05001")
    assert (medellin.categoria, medellin.grupo_mdm) == ("E", "C")
    assert PuntajeMDM.objects.get(municipio_id="05001", anio=2023).puntaje == pytest.approx(71.5)
    abejorral = Municipio.objects.get(codigo="05002")
    assert abejorral.pdet and abejorral.zomac and abejorral.grupo_mdm == "G4"


def test_filas_malas_se_reportan_por_fila_y_no_se_escribe_nada():
    filas = services.leer_tabla(
        _csv(
            "05001,,,1,G2,,,,",             # válida
            "99999,,,1,G2,,,,",             # código inexistente
            ",Antioquia,Medellinn,1,G2,,,,",  # nombre mal escrito
            "05002,,,9,G2,,,,",             # categoría inválida
            "05004,,,1,G2,quizás,,,",       # booleano inválido
            "05021,,,,,,,2023,140",         # puntaje fuera de rango
        ),
        "a.csv",
    )
    antes = Municipio.objects.get(codigo="05001").grupo_mdm
    resultado = services.atributos_importar(filas=filas, confirmar=True)
    assert not resultado.confirmada and resultado.escritas == 0
    assert [e["fila"] for e in resultado.errores] == [3, 4, 5, 6, 7]
    mensajes = {e["fila"]: e for e in resultado.errores}
    assert "99999" in mensajes[3]["error"]
    assert mensajes[4]["error"] == "No hay un municipio «Medellinn» en Antioquia."
    assert mensajes[4]["sugerencia"] == "¿Quiso decir Medellín (05001)?"  # se muestra, nunca se aplica
    assert "categoría" in mensajes[5]["error"]
    assert Municipio.objects.get(codigo="05001").grupo_mdm == antes  # ni la fila válida se escribió


def test_xlsx_y_punto_y_coma():
    libro = Workbook()
    hoja = libro.active
    hoja.append(["Código DIVIPOLA", "grupo_mdm"])
    hoja.append(["76001", "C"])
    contenido = io.BytesIO()
    libro.save(contenido)
    contenido.seek(0)
    filas = services.leer_tabla(contenido, "atributos.xlsx")
    assert services.atributos_importar(filas=filas, confirmar=True).escritas == 1
    assert Municipio.objects.get(codigo="76001").grupo_mdm == "C"

    filas = services.leer_tabla(io.BytesIO(b"codigo_divipola;zomac\n76001;si\n"), "b.csv")
    assert services.atributos_importar(filas=filas, confirmar=True).escritas == 1
    assert Municipio.objects.get(codigo="76001").zomac


def test_comando_reporta_errores(tmp_path):
    archivo = tmp_path / "malo.csv"
    archivo.write_text(ENCABEZADO + "\n12345,,,1,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no se escribió nada"):
        call_command("importar_atributos", str(archivo), "--confirmar")


def test_pagina_de_importacion_solo_para_dnp(client, funcionario_medellin, admin_dnp):
    client.force_login(funcionario_medellin)
    assert client.get("/nucleo/atributos/importar/").status_code == 403
    client.force_login(admin_dnp)
    archivo = _csv("05001,,,E,C,,,,")
    archivo.name = "atributos.csv"
    respuesta = client.post("/nucleo/atributos/importar/", {"archivo": archivo}, follow=True)
    assert respuesta.status_code == 200
    assert "Confirmar e importar 1 filas" in respuesta.content.decode()
    assert Municipio.objects.get(codigo="05001").categoria != "E"
    importacion = respuesta.context["importacion"]
    respuesta = client.post(f"/nucleo/importaciones/{importacion.pk}/", follow=True)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == ("terminada", 1)
    assert Municipio.objects.get(codigo="05001").categoria == "E"


def test_nombres_sin_tildes_y_cortos(client):
    filas = services.leer_tabla(io.BytesIO(
        "Departamento;Municipio;Categoría\nNORTE DE SANTANDER;CUCUTA;1\nValle;Cali;E\nGuajira;Riohacha;2\n"
        "Sucre;Tolu;6\nAntioquia;Carmen de Viboral;6\nCaquetá;San Vicente;6\nSan Andres;San Andres;3\n".encode("cp1252")),
        "a.csv")
    resultado = services.atributos_importar(filas=filas, confirmar=True)
    assert resultado.errores == [] and resultado.escritas == 7
    categorias = dict(Municipio.objects.filter(
        codigo__in=["54001", "76001", "44001", "70820", "05148", "18753", "88001"]).values_list("codigo", "categoria"))
    assert categorias == {"54001": "1", "76001": "E", "44001": "2", "70820": "6", "05148": "6", "18753": "6", "88001": "3"}
