"""Importación de líneas con ensayo, errores por fila y confirmación; exportación."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agenda.models import EstadoPlan, LineaPlan
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def _csv(filas):
    cabecera = "oferta,objetivo,territorios,etapa,secuencia,fecha_inicio,fecha_fin,responsable,inversion,fuente_financiacion\n"
    return SimpleUploadedFile("lineas.csv", (cabecera + "\n".join(filas)).encode(), content_type="text/csv")


def test_ensayo_con_errores_por_fila_no_guarda(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    archivo = _csv([
        f"{oferta.pk},Acompañar el PDT,05001;05,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN",
        f"{oferta.pk},Fila mala,99999,planeacion,2,2025-02-01,2025-04-30,{oferente.email},1000,PGN",
        f"{oferta.pk},Fechas al revés,05001,planeacion,3,2025-05-01,2025-04-30,nadie@x.co,1000,PGN",
    ])
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": archivo}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200
    filas = {e["fila"] for e in r.context["importacion"].errores}
    assert filas == {3, 4}  # fila 1: encabezado; la 2 es válida
    assert "No existe el municipio con código DIVIPOLA 99999" in html
    assert "No existe una persona con el correo «nadie@x.co»" in html
    assert not LineaPlan.objects.filter(plan=plan).exists()


def test_ensayo_y_confirmacion(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    archivo = _csv([
        f"{oferta.pk},Acompañar el PDT,05001;05,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN",
        f"{oferta.pk},Taller,76001,ejecucion,2,2025-06-01,2025-06-30,{oferente.email},0,Cooperación",
    ])
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": archivo}, follow=True)
    assert r.status_code == 200 and not LineaPlan.objects.filter(plan=plan).exists()
    importacion = r.context["importacion"]
    assert importacion.estado == "validada"
    r = client.post(f"/nucleo/importaciones/{importacion.pk}/")
    assert r.status_code == 302
    lineas = list(LineaPlan.objects.filter(plan=plan).order_by("secuencia"))
    assert len(lineas) == 2
    assert set(lineas[0].territorios.all()) == {factories.alcaldia("05001"), factories.gobernacion("05")}
    exportado = client.get(f"/agenda/planes/{plan.pk}/exportar/").getvalue().decode()
    assert "Acompañar el PDT" in exportado and "05001" in exportado


def test_no_se_importa_en_plan_enviado(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente, estado=EstadoPlan.ENVIADO)
    client.force_login(oferente)
    assert client.get(f"/agenda/planes/{plan.pk}/importar/").status_code == 403


def test_el_ensayo_de_un_plan_no_se_confirma_en_otro(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    otro = f.plan(entidad_oferente, agenda_=plan.agenda, vigencia=2026)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": _csv([
        f"{oferta.pk},Acompañar el PDT,05001,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN"])},
        follow=True)
    importacion = r.context["importacion"]
    assert importacion.ambito == plan.pk  # la importación es de este plan: se escribe en él, no en otro
    client.post(f"/nucleo/importaciones/{importacion.pk}/")
    assert LineaPlan.objects.filter(plan=plan).count() == 1 and not LineaPlan.objects.filter(plan=otro).exists()


def test_exportar_editar_y_reimportar_actualiza_sin_duplicar(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": _csv([
        f"{oferta.pk},Acompañar el PDT,05001,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN"])},
        follow=True)
    client.post(f"/nucleo/importaciones/{r.context['importacion'].pk}/")
    exportado = client.get(f"/agenda/planes/{plan.pk}/exportar/").getvalue().decode("utf-8-sig")
    editado = exportado.replace("Acompañar el PDT", "Acompañar el PDT y el POAI")
    r = client.post(f"/agenda/planes/{plan.pk}/importar/",
                    {"archivo": SimpleUploadedFile("lineas.csv", editado.encode("utf-8"))}, follow=True)
    importacion = r.context["importacion"]
    assert importacion.errores == []
    client.post(f"/nucleo/importaciones/{importacion.pk}/")
    assert list(LineaPlan.objects.filter(plan=plan).values_list("objetivo", flat=True)) == ["Acompañar el PDT y el POAI"]


def test_archivo_que_no_es_tabla_se_rechaza_en_espanol(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": SimpleUploadedFile("lineas.pdf", b"%PDF-1.4")})
    assert r.status_code == 200 and "no es de un tipo permitido" in r.content.decode()
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": SimpleUploadedFile("lineas.csv", b"")})
    assert "resumen-errores" in r.content.decode() and "El archivo está vacío" in r.content.decode()


def test_exportacion_xlsx_sirve_de_plantilla_con_lista_de_etapas_y_sin_formulas(client, entidad_oferente, oferente):
    import datetime
    import io

    from openpyxl import load_workbook

    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": _csv([
        f'{oferta.pk},"=HYPERLINK(""http://x"")",05001,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN'])},
        follow=True)
    client.post(f"/nucleo/importaciones/{r.context['importacion'].pk}/")
    libro = load_workbook(io.BytesIO(client.get(f"/agenda/planes/{plan.pk}/exportar/?formato=xlsx").getvalue()))
    hoja = libro.worksheets[0]
    cabeza = [c.value for c in hoja[1]]
    fila = {cabeza[i]: c for i, c in enumerate(hoja[2])}
    assert (fila["objetivo"].value, fila["objetivo"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert fila["fecha_inicio"].is_date and fila["fecha_inicio"].value == datetime.datetime(2025, 2, 1)
    assert fila["secuencia"].data_type == "n" and fila["etapa_nombre"].value
    letra = fila["etapa"].column_letter
    (validacion,) = hoja.data_validations.dataValidation
    assert str(validacion.sqref).startswith(f"{letra}2:") and validacion.formula1.startswith("'Códigos'!$A$2")
    codigos = libro["Códigos"]
    assert "planeacion" in [c.value for c in codigos["B"]]
