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
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": archivo})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Fila 2" in html and "Fila 3" in html and "Fila 1:" not in html
    assert "No hay gobernación o alcaldía con código 99999" in html
    assert not LineaPlan.objects.filter(plan=plan).exists()


def test_ensayo_y_confirmacion(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    oferta = f.oferta(entidad_oferente)
    client.force_login(oferente)
    archivo = _csv([
        f"{oferta.pk},Acompañar el PDT,05001;05,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN",
        f"{oferta.pk},Taller,76001,ejecucion,2,2025-06-01,2025-06-30,{oferente.email},0,Cooperación",
    ])
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": archivo})
    assert r.status_code == 200 and not LineaPlan.objects.filter(plan=plan).exists()
    ticket = r.context["ticket"]
    assert ticket
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"ticket": ticket})
    assert r.status_code == 302
    lineas = list(LineaPlan.objects.filter(plan=plan).order_by("secuencia"))
    assert len(lineas) == 2
    assert set(lineas[0].territorios.all()) == {factories.alcaldia("05001"), factories.gobernacion("05")}
    exportado = client.get(f"/agenda/planes/{plan.pk}/exportar/").content.decode()
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
        f"{oferta.pk},Acompañar el PDT,05001,planeacion,1,2025-02-01,2025-04-30,{oferente.email},1000,PGN"])})
    ticket = r.context["ticket"]
    r = client.post(f"/agenda/planes/{otro.pk}/importar/", {"ticket": ticket})
    assert r.status_code == 200 and "ya no está disponible" in r.content.decode()
    assert not LineaPlan.objects.filter(plan__in=[plan, otro]).exists()


def test_archivo_que_no_es_tabla_se_rechaza_en_espanol(client, entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": SimpleUploadedFile("lineas.pdf", b"%PDF-1.4")})
    assert r.status_code == 200 and "no es de un tipo permitido" in r.content.decode()
    r = client.post(f"/agenda/planes/{plan.pk}/importar/", {"archivo": SimpleUploadedFile("lineas.csv", b"")})
    assert "resumen-errores" in r.content.decode() and not r.context["ticket"]
