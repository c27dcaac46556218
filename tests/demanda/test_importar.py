"""Importación: ensayo primero, errores por fila con el motivo, nada escrito hasta confirmar."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

ENCABEZADO = "entidad;titulo;descripcion;temas;capacidad;etapa;fecha_deseada;modalidad;canal;fuente\n"
BUENA = "05001;Plan indicativo 2027;Apoyo para formularlo;planeacion;planeacion;planeacion;2099-02-01;asesoria;virtual;metas_pdt\n"
OTRA_BUENA = "05002;Acueducto veredal;Diseño;agua-saneamiento;;;15/03/2099;;;diagnostico_propio\n"
MALA = "76001;Catastro;Actualización;catastro-inventado;;;ayer;;;sentencia\n"


def _archivo(*filas):
    return SimpleUploadedFile("demandas.csv", (ENCABEZADO + "".join(filas)).encode("utf-8"), content_type="text/csv")


def test_fila_mala_se_reporta_y_nada_se_escribe(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    r = client.post(reverse("demanda:importar"), {"archivo": _archivo(BUENA, MALA, OTRA_BUENA)})
    html = r.content.decode()
    assert r.status_code == 200 and Demanda.objects.count() == 0
    assert "No se escribió nada" in html
    assert "Temas que no existen: catastro-inventado." in html
    assert "Fecha no válida: «ayer»" in html
    assert "No puede registrar demandas para Alcaldía de Cali" in html
    assert "<td>3</td>" in html  # fila 3 del archivo (la 1 es el encabezado)
    assert 'name="ticket"' not in html


def test_ensayo_y_confirmacion(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    r = client.post(reverse("demanda:importar"), {"archivo": _archivo(BUENA, OTRA_BUENA)})
    html = r.content.decode()
    assert "Resultado del ensayo" in html and "2 filas: 2 válidas" in html
    assert Demanda.objects.count() == 0
    ticket = r.context["ticket"]
    r = client.post(reverse("demanda:importar"), {"ticket": ticket})
    assert "Importación hecha" in r.content.decode()
    assert Demanda.objects.count() == 2
    d = Demanda.objects.get(titulo="Plan indicativo 2027")
    assert d.entidad.municipio_id == "05001" and d.registrada_por == equipo_antioquia
    assert d.etapa.codigo == "planeacion" and d.eventos.get().a_estado == "registrada"
    assert d.descriptores.filter(codigo="gestion-publica").exists()
    assert Demanda.objects.get(titulo="Acueducto veredal").fecha_deseada.isoformat() == "2099-03-15"


def test_ticket_ajeno_no_sirve(client, equipo_antioquia, funcionario_medellin):
    client.force_login(equipo_antioquia)
    ticket = client.post(reverse("demanda:importar"), {"archivo": _archivo(BUENA)}).context["ticket"]
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:importar"), {"ticket": ticket})
    assert "ya no está disponible" in r.content.decode() and Demanda.objects.count() == 0


def test_importar_xlsx(client, funcionario_medellin):
    libro = Workbook()
    hoja = libro.active
    hoja.append(ENCABEZADO.strip().split(";"))
    hoja.append(BUENA.strip().split(";"))
    salida = io.BytesIO()
    libro.save(salida)
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:importar"), {"archivo": SimpleUploadedFile("d.xlsx", salida.getvalue())})
    assert "1 filas: 1 válidas" in r.content.decode()
    client.post(reverse("demanda:importar"), {"ticket": r.context["ticket"]})
    assert Demanda.objects.count() == 1


def test_exportar_csv_y_xlsx_acotado(client, funcionario_medellin, funcionario_cali):
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Propia de Medellín")
    fabricas.demanda(factories.alcaldia("76001"), funcionario_cali, titulo="Ajena de Cali")
    client.force_login(funcionario_medellin)
    r = client.get(reverse("demanda:exportar"))
    texto = r.content.decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv")
    assert texto.splitlines()[0].startswith("id,entidad,entidad_nombre,titulo")
    assert "Propia de Medellín" in texto and "Ajena de Cali" not in texto and "05001" in texto
    r = client.get(reverse("demanda:exportar") + "?formato=xlsx")
    filas = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(filas) == 2 and "Propia de Medellín" in filas[1]


def test_importadas_alertan_a_los_oferentes(client, funcionario_medellin, oferente, entidad_oferente,
                                            django_capture_on_commit_callbacks):
    from att.models import Notificacion

    # Comparte tema y palabras con «Plan indicativo 2027» (compartir solo el tema no alerta: es brecha).
    fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre="Formulación del plan indicativo")
    client.force_login(funcionario_medellin)
    ticket = client.post(reverse("demanda:importar"), {"archivo": _archivo(BUENA)}).context["ticket"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("demanda:importar"), {"ticket": ticket})
    alerta = Notificacion.objects.get(usuario=oferente)
    assert "Plan indicativo 2027" in alerta.titulo
