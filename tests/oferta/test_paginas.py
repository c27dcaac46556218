"""Páginas: formulario (errores en español sin perder lo escrito), detalle, acciones, exportación."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from att.models import Canal, Capacidad, DescriptorTematico, EtapaCiclo, Modalidad, Tema
from oferta.models import EstadoOferta, Oferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


def formulario_valido(entidad, **extra):
    datos = {
        "entidad": entidad.pk,
        "nombre": "Asesoría en armonización presupuestal",
        "necesidad": "Presupuestos desalineados del plan",
        "descripcion": "Acompañamiento técnico remoto",
        "descriptores": [DescriptorTematico.objects.get(codigo="gestion-publica").pk],
        "temas": [Tema.objects.get(codigo="armonizacion-presupuestal").pk],
        "capacidades": [Capacidad.objects.get(codigo="planeacion").pk],
        "etapas": [EtapaCiclo.objects.get(codigo="programacion").pk],
        "modalidades": [Modalidad.objects.get(codigo="asesoria").pk],
        "canal": Canal.objects.get(codigo="virtual").pk,
        "estructura": "centralizada",
        "continua": "on",
        "dirigida_a_alcaldias": "on",
        "focaliza_grupos_mdm": ["G4", "G5"],
        "contacto_nombre": "Luis Gómez",
        "contacto_email": "luis@entidad.gov.co",
        "vigencia_desde": "2026-02-01",
    }
    datos.update(extra)
    return datos


def test_oferente_registra_por_formulario(client, oferente, entidad_oferente):
    client.force_login(oferente)
    assert client.get("/oferta/nueva/").status_code == 200
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente))
    oferta = Oferta.objects.get(entidad=entidad_oferente)
    assert r.status_code == 302 and r["Location"] == f"/oferta/{oferta.pk}/"
    assert oferta.estado == EstadoOferta.BORRADOR
    assert oferta.focaliza_grupos_mdm == ["G4", "G5"]
    assert oferta.dirigida_a_gobernaciones is False


def test_formulario_con_errores_vuelve_en_espanol_sin_perder_nada(client, oferente, entidad_oferente):
    client.force_login(oferente)
    datos = formulario_valido(entidad_oferente, contacto_email="no-es-correo", temas=[],
                              vigencia_desde="2026-05-01", vigencia_hasta="2026-01-01", nombre="Mi oferta única")
    r = client.post("/oferta/nueva/", datos)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="resumen-errores"' in html and "Revise el formulario" in html
    assert "Introduzca una dirección de correo electrónico válida." in html
    assert "Este campo es requerido." in html  # temas vacío
    assert 'value="Mi oferta única"' in html
    assert 'value="no-es-correo"' in html
    assert "Presupuestos desalineados del plan" in html
    marcadas = set(re.findall(r'<input type="checkbox" name="([a-z_]+)" value="([^"]+)"[^>]*checked', html))
    assert ("focaliza_grupos_mdm", "G4") in marcadas and ("focaliza_grupos_mdm", "G5") in marcadas
    assert ("descriptores", str(datos["descriptores"][0])) in marcadas
    assert ("modalidades", str(datos["modalidades"][0])) in marcadas
    assert 'value="2026-01-01"' in html  # vigencia_hasta escrita al revés, conservada
    assert not Oferta.objects.exists()


def test_error_de_modelo_vuelve_al_formulario(client, oferente, entidad_oferente):
    """Vigencia al revés: la regla la detecta el modelo (servicio) y se muestra en el formulario."""
    client.force_login(oferente)
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente, vigencia_hasta="2025-01-01"))
    assert r.status_code == 200
    assert "Revise el formulario" in r.content.decode()
    assert not Oferta.objects.exists()


@pytest.mark.parametrize("quien", ["auditor", "funcionario_medellin", "admin_dnp"])
def test_no_oferentes_no_registran(client, request, quien):
    client.force_login(request.getfixturevalue(quien))
    assert client.get("/oferta/nueva/").status_code == 403


def test_otro_oferente_no_edita_ni_ve_borrador(client, otro_oferente, entidad_oferente):
    o = fabricas.oferta(entidad=entidad_oferente, estado=EstadoOferta.BORRADOR)
    client.force_login(otro_oferente)
    assert client.get(f"/oferta/{o.pk}/editar/").status_code == 403
    assert client.get(f"/oferta/{o.pk}/").status_code == 404
    assert client.post(f"/oferta/{o.pk}/enviar/").status_code == 403


def test_borrador_oculto_al_publico(client):
    o = fabricas.oferta(estado=EstadoOferta.BORRADOR)
    assert client.get(f"/oferta/{o.pk}/").status_code == 404


def test_ciclo_completo_por_paginas(client, oferente, admin_dnp, entidad_oferente):
    o = fabricas.oferta(entidad=entidad_oferente, estado=EstadoOferta.BORRADOR)
    client.force_login(oferente)
    r = client.get(f"/oferta/{o.pk}/")
    assert "Enviar a revisión del DNP" in r.content.decode()
    client.post(f"/oferta/{o.pk}/enviar/")
    client.force_login(admin_dnp)
    assert o.nombre in client.get("/oferta/revision/").content.decode()
    r = client.post(f"/oferta/{o.pk}/revisar/", {"decision": "devolver", "comentario": ""}, follow=True)
    assert "Escriba los comentarios" in r.content.decode()
    client.post(f"/oferta/{o.pk}/revisar/", {"decision": "devolver", "comentario": "Falta el cronograma."})
    o.refresh_from_db()
    assert o.estado == EstadoOferta.DEVUELTA
    client.force_login(oferente)
    assert "Falta el cronograma." in client.get(f"/oferta/{o.pk}/").content.decode()
    client.post(f"/oferta/{o.pk}/enviar/")
    client.force_login(admin_dnp)
    client.post(f"/oferta/{o.pk}/revisar/", {"decision": "publicar"})
    o.refresh_from_db()
    assert o.estado == EstadoOferta.PUBLICADA
    html = client.get(f"/oferta/{o.pk}/").content.decode()
    assert "Historia" in html and "Falta el cronograma." in html


def test_auditor_no_revisa(client, auditor):
    o = fabricas.oferta(estado=EstadoOferta.EN_REVISION)
    client.force_login(auditor)
    assert client.get(f"/oferta/{o.pk}/").status_code == 200
    assert client.post(f"/oferta/{o.pk}/revisar/", {"decision": "publicar"}).status_code == 403
    o.refresh_from_db()
    assert o.estado == EstadoOferta.EN_REVISION


def test_funcionario_et_ve_enlace_para_solicitar(client, funcionario_medellin):
    o = fabricas.oferta()
    client.force_login(funcionario_medellin)
    assert f'href="/demanda/nueva/?oferta={o.pk}"' in client.get(f"/oferta/{o.pk}/").content.decode()
    client.logout()
    assert "/demanda/nueva/" not in client.get(f"/oferta/{o.pk}/").content.decode()


def test_exportar_csv_y_xlsx_solo_lo_publico(client):
    fabricas.oferta(nombre="Planeación abierta")
    fabricas.oferta(nombre="Borrador secreto", estado=EstadoOferta.BORRADOR)
    r = client.get("/oferta/exportar/", {"formato": "csv"})
    assert r["Content-Type"].startswith("text/csv")
    filas = list(csv.DictReader(io.StringIO(r.getvalue().decode("utf-8-sig"))))
    assert [f["nombre"] for f in filas] == ["Planeación abierta"]
    assert filas[0]["temas"] == "planeacion"
    assert "comentario_revision" not in filas[0] and "contacto_email" in filas[0]
    r = client.get("/oferta/exportar/", {"formato": "xlsx", "q": "planeacion"})
    hoja = load_workbook(io.BytesIO(r.getvalue())).worksheets[0]
    valores = [c.value for c in next(hoja.iter_rows(min_row=2, max_row=2))]
    assert "Planeación abierta" in valores
    assert client.get("/oferta/exportar/", {"formato": "pdf"}).status_code == 404
