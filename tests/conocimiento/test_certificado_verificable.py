"""Certificados verificables: el código impreso en el PDF se comprueba en una página pública que
muestra solo curso, persona y fecha; un código errado lo dice en español."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conocimiento import certificados, services
from conocimiento.models import Inscripcion, SesionFormacion
from tests import factories

pytestmark = pytest.mark.django_db
VERIFICAR = "/conocimiento/formacion/certificados/verificar/"


def _texto_pdf(contenido: bytes) -> str:
    """El texto de las páginas del PDF (con fuentes TrueType incrustadas, el flujo lleva índices de
    glifos: lo lee pypdf con el mapa ToUnicode)."""
    return "\n".join(pagina.extract_text() for pagina in PdfReader(io.BytesIO(contenido)).pages)


@pytest.fixture
def asistio(sesion, oferente, funcionario_medellin):
    funcionario_medellin.nombre = "Ana María Restrepo"
    funcionario_medellin.save()
    ins = services.inscribir(sesion=sesion, por=funcionario_medellin)
    inicio = timezone.now() - timedelta(hours=1)
    SesionFormacion.objects.filter(pk=sesion.pk).update(inicio=inicio, fin=inicio + timedelta(hours=3))
    sesion.refresh_from_db()
    services.registrar_asistencia(sesion=sesion, por=oferente, asistentes_ids=[ins.pk])
    ins.refresh_from_db()
    return ins


def test_la_asistencia_da_un_codigo_que_la_pagina_publica_verifica(client, asistio, settings):
    assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}", asistio.codigo_certificado)
    legible = certificados.codigo_legible(asistio.codigo_certificado)
    respuesta = client.get(VERIFICAR, {"codigo": legible})  # sin ingresar
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "Certificado válido" in html
    assert "Ana María Restrepo" in html
    assert asistio.sesion.curso.nombre in html
    assert timezone.localtime(asistio.sesion.inicio).strftime("%Y-%m-%d") in html
    assert asistio.usuario.email not in html  # nada más de la persona
    assert asistio.entidad.nombre not in html


def test_el_codigo_se_lee_como_lo_escriban(client, asistio):
    codigo = asistio.codigo_certificado
    for escrito in (codigo.lower(), f"ATT-{codigo[:5]}-{codigo[5:]}", f" {codigo[:5]} {codigo[5:]} "):
        assert client.get(VERIFICAR, {"codigo": escrito}).status_code == 200, escrito


def test_un_codigo_errado_lo_dice_en_espanol(client, asistio):
    respuesta = client.get(VERIFICAR, {"codigo": "ZZZZZ-ZZZZZ"})
    assert respuesta.status_code == 404
    assert "No hay ningún certificado vigente con el código «ZZZZZ-ZZZZZ»" in respuesta.content.decode()
    assert 'aria-invalid="true"' in respuesta.content.decode()
    # Sin código: solo el formulario.
    vacio = client.get(VERIFICAR)
    assert vacio.status_code == 200
    assert "No hay ningún certificado" not in vacio.content.decode()


def test_si_se_corrige_la_asistencia_el_certificado_deja_de_verificar_y_vuelve_con_el_mismo_codigo(
        client, asistio, oferente):
    codigo = asistio.codigo_certificado
    services.registrar_asistencia(sesion=asistio.sesion, por=oferente, asistentes_ids=[])
    assert client.get(VERIFICAR, {"codigo": codigo}).status_code == 404
    services.registrar_asistencia(sesion=asistio.sesion, por=oferente, asistentes_ids=[asistio.pk])
    asistio.refresh_from_db()
    assert asistio.codigo_certificado == codigo
    assert client.get(VERIFICAR, {"codigo": codigo}).status_code == 200


def test_el_pdf_imprime_el_codigo_y_la_direccion_de_la_pagina(client, asistio, funcionario_medellin, settings):
    settings.ATT_URL_BASE = "https://att.dnp.gov.co"
    client.force_login(funcionario_medellin)
    pdf = client.get(reverse("conocimiento:certificado", args=[asistio.pk])).content
    texto = _texto_pdf(pdf)
    legible = certificados.codigo_legible(asistio.codigo_certificado)
    assert f"Código de verificación: {legible}" in texto
    assert f"https://att.dnp.gov.co{VERIFICAR}?codigo={legible}" in texto


def test_la_pagina_publica_hace_las_mismas_consultas_con_o_sin_certificado(client, asistio, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(VERIFICAR, {"codigo": asistio.codigo_certificado})
    with django_assert_num_queries(1):
        client.get(VERIFICAR, {"codigo": "ZZZZZZZZZZ"})
    assert Inscripcion.objects.filter(codigo_certificado__isnull=False).count() == 1


def test_la_migracion_da_codigo_a_los_certificados_ya_expedibles(asistio, sesion):
    from importlib import import_module

    from django.apps import apps as registro

    otra = Inscripcion.objects.create(sesion=sesion, usuario=factories.persona(factories.alcaldia("76001")),
                                      estado="inscrita", asistio=False)
    Inscripcion.objects.filter(pk=asistio.pk).update(codigo_certificado=None)  # como antes de la migración
    import_module("conocimiento.migrations.0006_codigo_certificado_datos").asignar(registro, None)
    asistio.refresh_from_db(), otra.refresh_from_db()
    assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}", asistio.codigo_certificado)
    assert otra.codigo_certificado is None  # sin asistencia no hay certificado ni código


CURSO_LARGO = (
    "Formulación y estructuración de proyectos de inversión pública territorial con enfoque diferencial, "
    "participación ciudadana, gestión del riesgo de desastres y adaptación al cambio climático ✓ — Guaviare y Mitú"
)


def test_el_certificado_incrusta_sus_fuentes_y_no_corta_el_nombre_del_curso(client, asistio, funcionario_medellin):
    from conocimiento.models import Curso
    from tests.lectura_pdf import fuentes, lector

    assert len(CURSO_LARGO) >= 200
    Curso.objects.filter(pk=asistio.sesion.curso_id).update(nombre=CURSO_LARGO)
    client.force_login(funcionario_medellin)
    pdf = client.get(reverse("conocimiento:certificado", args=[asistio.pk])).content
    usadas = fuentes(pdf)
    assert {f.split("+")[-1] for f in usadas} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(usadas.values())
    documento = lector(pdf)
    assert documento.trailer["/Root"]["/Lang"] == "es-CO"
    assert documento.metadata.title == f"Certificado de asistencia: {CURSO_LARGO}"
    texto = _texto_pdf(pdf)
    # Partido en varias líneas, pero entre palabras: unidas las líneas, el nombre aparece entero.
    assert CURSO_LARGO not in texto
    assert CURSO_LARGO in " ".join(texto.split())
    assert "Ana María Restrepo" in texto
