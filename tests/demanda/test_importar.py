"""Importación de demandas: ensayo primero, errores por fila con el motivo, nada escrito hasta
confirmar; nombres como los escribe la gente; una sola importación por archivo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from att.models import Importacion
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

ENCABEZADO = "entidad;titulo;descripcion;temas;capacidad;etapa;fecha_deseada;modalidad;canal;fuente\n"
BUENA = "05001;Plan indicativo 2027;Apoyo para formularlo;planeacion;planeacion;planeacion;2099-02-01;asesoria;virtual;metas_pdt\n"
OTRA_BUENA = "05002;Acueducto veredal;Diseño;agua-saneamiento;;;15/03/2099;;;diagnostico_propio\n"
MALA = "76001;Catastro;Actualización;catastro-inventado;;;ayer;;;sentencia\n"


def _archivo(*filas, encabezado=ENCABEZADO, nombre="demandas.csv", codificacion="utf-8"):
    return SimpleUploadedFile(nombre, (encabezado + "".join(filas)).encode(codificacion), content_type="text/csv")


def _subir(client, archivo, **datos):
    r = client.post(reverse("demanda:importar"), {"archivo": archivo, **datos})
    assert r.status_code == 302, r.content.decode()[:2000]
    return Importacion.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))


def test_fila_mala_se_reporta_y_nada_se_escribe(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    imp = _subir(client, _archivo(BUENA, MALA, OTRA_BUENA))
    html = client.get(reverse("nucleo:importacion", args=[imp.pk])).content.decode()
    assert Demanda.objects.count() == 0 and imp.estado == "con_errores"
    assert "No se escribió nada" in html
    assert "«catastro-inventado» no es un valor de temas." in html
    assert "Fecha no válida: «ayer»" in html
    assert "No puede registrar demandas para Alcaldía de Cali" in html
    assert {e["fila"] for e in imp.errores} == {3}  # fila 3 del archivo (la 1 es el encabezado)
    assert "Confirmar e importar" not in html


def test_ensayo_y_confirmacion(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    imp = _subir(client, _archivo(BUENA, OTRA_BUENA))
    html = client.get(reverse("nucleo:importacion", args=[imp.pk])).content.decode()
    assert "Resultado del ensayo" in html and "2 filas: 2 válidas" in html
    assert Demanda.objects.count() == 0
    r = client.post(reverse("nucleo:importacion", args=[imp.pk]), follow=True)
    assert "Importación hecha" in r.content.decode()
    assert Demanda.objects.count() == 2
    d = Demanda.objects.get(titulo="Plan indicativo 2027")
    assert d.entidad.municipio_id == "05001" and d.registrada_por == equipo_antioquia
    assert d.etapa.codigo == "planeacion" and d.eventos.get().a_estado == "registrada"
    assert d.descriptores.filter(codigo="gestion-publica").exists()
    assert d.historial.count() == 1
    assert Demanda.objects.get(titulo="Acueducto veredal").fecha_deseada.isoformat() == "2099-03-15"


def test_doble_confirmacion_importa_una_vez(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    imp = _subir(client, _archivo(BUENA))
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    r = client.post(reverse("nucleo:importacion", args=[imp.pk]), follow=True)
    assert "Esta importación ya se confirmó: no se importa dos veces." in r.content.decode()
    assert Demanda.objects.count() == 1


def test_importacion_ajena_no_se_ve_ni_se_confirma(client, equipo_antioquia, funcionario_medellin):
    client.force_login(equipo_antioquia)
    imp = _subir(client, _archivo(BUENA))
    client.force_login(funcionario_medellin)
    assert client.post(reverse("nucleo:importacion", args=[imp.pk])).status_code == 404
    assert client.get(reverse("nucleo:importacion", args=[imp.pk])).status_code == 404
    assert Demanda.objects.count() == 0


def test_importar_xlsx_con_celdas_de_fecha(client, funcionario_medellin):
    import datetime

    libro = Workbook()
    hoja = libro.active
    hoja.append(ENCABEZADO.strip().split(";"))
    fila = BUENA.strip().split(";")
    fila[0], fila[6] = 5001, datetime.datetime(2099, 4, 30)  # número y fecha, como los guarda una hoja de cálculo
    hoja.append(fila)
    salida = io.BytesIO()
    libro.save(salida)
    client.force_login(funcionario_medellin)
    imp = _subir(client, SimpleUploadedFile("d.xlsx", salida.getvalue()))
    assert (imp.estado, imp.validas, imp.errores) == ("validada", 1, [])
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    assert Demanda.objects.get().fecha_deseada.isoformat() == "2099-04-30"


def test_nombres_como_los_escribe_la_gente(client, equipo_antioquia):
    """Municipio por nombre sin tildes, catálogos por su nombre, «Virtual» en la modalidad (es un
    canal) y encabezados con otros nombres."""
    encabezado = "Municipio;Departamento;Título;Descripción;Tema;Etapa del ciclo;Modalidad;Origen\n"
    filas = ["MEDELLIN;ANTIOQUIA;Plan de desarrollo;Apoyo;Planeación;Ejecución;Virtual;Diagnóstico propio\n",
             "carmen de viboral;Antioquia;Catastro multipropósito;Apoyo;planeacion;planeacion;Asesoría;metas_pdt\n"]
    client.force_login(equipo_antioquia)
    imp = _subir(client, _archivo(*filas, encabezado=encabezado))
    assert imp.errores == [] and imp.validas == 2
    assert any("es un valor de canales" in a["error"] for a in imp.avisos)
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    d = Demanda.objects.get(titulo="Plan de desarrollo")
    assert (d.entidad.municipio_id, d.etapa.codigo, d.canal.codigo, d.modalidad) == ("05001", "ejecucion", "virtual", None)
    assert Demanda.objects.get(titulo="Catastro multipropósito").entidad.municipio_id == "05148"


def test_municipio_desconocido_o_ambiguo_se_rechaza_con_candidatos(client, admin_dnp):
    encabezado = "municipio;titulo;descripcion;temas;fuente\n"
    filas = ["Sabanalarga;Necesidad uno;Detalle;planeacion;dialogos_vinculantes\n",
             "Ciudad Gótica;Necesidad dos;Detalle;planeacion;dialogos_vinculantes\n"]
    client.force_login(admin_dnp)
    imp = _subir(client, _archivo(*filas, encabezado=encabezado))
    errores = {e["fila"]: e["error"] for e in imp.errores}
    assert "Hay varios municipios llamados «Sabanalarga»" in errores[2]
    assert "(08638, Atlántico)" in errores[2] and "(85300, Casanare)" in errores[2]
    assert "No se reconoce el municipio «Ciudad Gótica»" in errores[3]
    assert Demanda.objects.count() == 0


def test_dnp_importa_para_cualquier_et_con_el_origen_del_archivo(client, admin_dnp):
    encabezado = "municipio;departamento;titulo;descripcion;temas\n"
    client.force_login(admin_dnp)
    imp = _subir(client, _archivo("Cali;Valle;Agua potable rural;Detalle;agua-saneamiento\n", encabezado=encabezado),
                 fuente="dialogos_vinculantes")
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    d = Demanda.objects.get()
    assert (d.entidad.municipio_id, d.fuente, d.registrada_por) == ("76001", "dialogos_vinculantes", admin_dnp)


@pytest.mark.parametrize(("contenido", "nombre", "mensaje"), [
    (b"", "vacio.csv", "El archivo está vacío"),
    (b"\n  \n", "blanco.csv", "El archivo está vacío"),
    (b"PK\x03\x04basura que no es un zip", "roto.xlsx", "El archivo XLSX está dañado"),
    (bytes(range(256)) * 20, "binario.csv", "parece un archivo binario"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "viejo.xls.csv", "guarde el archivo como XLSX"),
])
def test_archivo_malo_da_un_error_en_espanol_y_no_un_500(client, funcionario_medellin, contenido, nombre, mensaje):
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:importar"), {"archivo": SimpleUploadedFile(nombre, contenido)})
    assert r.status_code == 200
    assert mensaje in r.content.decode()
    assert not Importacion.objects.exists()


@pytest.mark.parametrize(("codificacion", "separador", "bom"), [
    ("cp1252", ";", b""), ("latin-1", ",", b""), ("utf-8", ";", b"\xef\xbb\xbf"), ("utf-8", "\t", b""),
])
def test_codificaciones_y_separadores(client, funcionario_medellin, codificacion, separador, bom):
    texto = (ENCABEZADO + BUENA.replace("Apoyo para formularlo", "Diseño y gestión")).replace(";", separador)
    client.force_login(funcionario_medellin)
    imp = _subir(client, SimpleUploadedFile("d.csv", bom + texto.encode(codificacion)))
    assert (imp.estado, imp.validas) == ("validada", 1), imp.errores
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    assert Demanda.objects.get().descripcion == "Diseño y gestión"


def test_comando_ensayo_y_confirmacion(tmp_path, funcionario_medellin, capsys):
    archivo = tmp_path / "d.csv"
    archivo.write_text("municipio;titulo;descripcion;temas;etapa;fuente\n"
                       "Medellin;Plan indicativo;Apoyo;Planeación;Ejecución;metas_pdt\n", encoding="cp1252")
    call_command("importar_demandas", str(archivo), "--usuario", funcionario_medellin.email)
    salida = capsys.readouterr().out
    assert "Fila 2: 05001 Medellín (Antioquia) · temas=planeacion · etapa=ejecucion · fuente=metas_pdt" in salida
    assert "1 filas: 1 válidas, 0 rechazadas, 0 escritas." in salida and Demanda.objects.count() == 0
    call_command("importar_demandas", str(archivo), "--usuario", funcionario_medellin.email, "--confirmar")
    assert Demanda.objects.count() == 1


def test_comando_sale_con_error_si_rechaza_filas(tmp_path, funcionario_medellin, capsys):
    archivo = tmp_path / "d.csv"
    archivo.write_text("municipio;titulo;descripcion;temas;fuente\nCali;Plan;Apoyo;planeacion;metas_pdt\n")
    with pytest.raises(CommandError, match="Hay filas rechazadas"):
        call_command("importar_demandas", str(archivo), "--usuario", funcionario_medellin.email, "--confirmar")
    assert "Fila 2: RECHAZADA: entidad: No puede registrar demandas para Alcaldía de Cali" in capsys.readouterr().out
    assert Demanda.objects.count() == 0


def test_exportar_csv_y_xlsx_acotado(client, funcionario_medellin, funcionario_cali):
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Propia de Medellín")
    fabricas.demanda(factories.alcaldia("76001"), funcionario_cali, titulo="Ajena de Cali")
    client.force_login(funcionario_medellin)
    r = client.get(reverse("demanda:exportar"))
    texto = r.getvalue().decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv")
    assert texto.splitlines()[0].startswith("id,entidad,entidad_nombre,titulo")
    assert "Propia de Medellín" in texto and "Ajena de Cali" not in texto and "05001" in texto
    r = client.get(reverse("demanda:exportar") + "?formato=xlsx")
    filas = list(load_workbook(io.BytesIO(r.getvalue())).active.iter_rows(values_only=True))
    assert len(filas) == 2 and "Propia de Medellín" in filas[1]


def test_importadas_alertan_a_los_oferentes(client, funcionario_medellin, oferente, entidad_oferente,
                                            django_capture_on_commit_callbacks):
    from att.models import Notificacion

    # Comparte tema y palabras con «Plan indicativo 2027» (compartir solo el tema no alerta: es brecha).
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre="Formulación del plan indicativo")
    client.force_login(funcionario_medellin)
    imp = _subir(client, _archivo(BUENA))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("nucleo:importacion", args=[imp.pk]))
    alerta = Notificacion.objects.get(usuario=oferente)
    assert "Plan indicativo 2027" in alerta.titulo


def test_plantilla_con_listas_y_codigos_llena_se_importa(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get(reverse("nucleo:plantilla-importacion", args=["demandas"]))
    libro = load_workbook(io.BytesIO(r.content))
    datos, codigos = libro["Datos"], libro["Códigos"]
    cabeza = [c.value for c in datos[1]]
    assert cabeza[:3] == ["entidad", "departamento", "titulo"] and "id" not in cabeza
    listas = {str(v.sqref).split(":")[0]: v.formula1 for v in datos.data_validations.dataValidation}
    letra_temas = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[cabeza.index("temas")]
    assert f"{letra_temas}2" in listas and listas[f"{letra_temas}2"].startswith("'Códigos'!$")
    assert "Planeación" in [c.value for c in codigos["A"]]
    salida = io.BytesIO()
    libro.save(salida)  # la fila de ejemplo, tal cual, es válida
    imp = _subir(client, SimpleUploadedFile("plantilla.xlsx", salida.getvalue()))
    assert (imp.estado, imp.validas, imp.errores) == ("validada", 1, [])


def test_exportar_editar_y_reimportar_actualiza_por_id(client, funcionario_medellin):
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Plan de agua potable")
    client.force_login(funcionario_medellin)
    libro = load_workbook(io.BytesIO(client.get(reverse("demanda:exportar") + "?formato=xlsx").getvalue()))
    hoja = libro.active
    cabeza = [c.value for c in hoja[1]]
    assert hoja.cell(row=2, column=1).value == demanda.pk  # entero, no texto
    assert hoja.cell(row=2, column=cabeza.index("entidad_nombre") + 1).value == demanda.entidad.nombre
    creada = hoja.cell(row=2, column=cabeza.index("creada") + 1).value
    from django.utils import timezone

    assert creada == timezone.localtime(demanda.creada).replace(tzinfo=None, second=creada.second,
                                                                microsecond=creada.microsecond)  # hora de Bogotá
    hoja.cell(row=2, column=cabeza.index("titulo") + 1).value = "Plan de agua potable rural"
    salida = io.BytesIO()
    libro.save(salida)
    imp = _subir(client, SimpleUploadedFile("demandas.xlsx", salida.getvalue()))
    assert imp.errores == [] and imp.avisos == []
    client.post(reverse("nucleo:importacion", args=[imp.pk]))
    assert list(Demanda.objects.values_list("pk", "titulo")) == [(demanda.pk, "Plan de agua potable rural")]


def test_celda_que_empieza_por_igual_no_es_formula(client, funcionario_medellin):
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo='=HYPERLINK("http://x.co","clic")')
    client.force_login(funcionario_medellin)
    texto = client.get(reverse("demanda:exportar")).getvalue().decode("utf-8")
    assert texto.startswith("\ufeff")
    assert "'=HYPERLINK" in texto
    libro = load_workbook(io.BytesIO(client.get(reverse("demanda:exportar") + "?formato=xlsx").getvalue()))
    celda = libro.active.cell(row=2, column=4)
    assert celda.value.startswith("=HYPERLINK") and celda.data_type == "s"
