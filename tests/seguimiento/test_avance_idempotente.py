"""Un avance idéntico enviado dos veces es uno; la primera medición del mes repetida es un conflicto claro."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from indicadores import services as ind_services
from indicadores.models import Medicion
from seguimiento import services
from seguimiento.models import Avance, EvidenciaAvance
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
MENSAJE = "Ya existe una medición de este indicador para ese periodo; edítela en lugar de crear otra."


@pytest.fixture
def hito(entidad_oferente, oferente):
    linea = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[factories.alcaldia("05001")])
    h = fabricas.hito(linea, nombre="Diagnóstico")
    services.recalcular_linea(linea)
    return h


def _reportar(hito, por, narrativa="Taller con la secretaría de planeación", porcentaje="40", evidencias=()):
    return services.avance_reportar(hito=hito, porcentaje=D(porcentaje), fecha_corte=date(2026, 6, 1),
                                    narrativa=narrativa, por=por, evidencias=evidencias)


def test_el_mismo_avance_dos_veces_es_uno_sin_evidencia_doble(hito, oferente):
    primero = _reportar(hito, oferente, evidencias=[SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")])
    segundo = _reportar(hito, oferente, narrativa="  Taller con la   secretaría de planeación ",
                        evidencias=[SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")])
    assert segundo.pk == primero.pk and Avance.objects.count() == 1
    assert EvidenciaAvance.objects.count() == 1 and primero.huella


YA_VALIDADO = "Este avance ya se había reportado y fue validado; para agregar evidencia, reporte un avance nuevo."


def _pdf(nombre="acta.pdf", contenido=b"%PDF-1.4 acta"):
    return SimpleUploadedFile(nombre, contenido)


def test_reenvio_con_evidencia_nueva_la_agrega_al_avance_por_validar(hito, oferente):
    primero = _reportar(hito, oferente, evidencias=[_pdf()])
    segundo = _reportar(hito, oferente, evidencias=[_pdf(), _pdf("fotos.pdf", b"%PDF-1.4 fotos")])
    assert segundo.pk == primero.pk and Avance.objects.count() == 1
    assert sorted(primero.evidencias.values_list("nombre", flat=True)) == ["acta.pdf", "fotos.pdf"]
    # El mismo nombre con otro tamaño es otro archivo; sin evidencias, el reenvío no toca nada.
    _reportar(hito, oferente, evidencias=[_pdf(contenido=b"%PDF-1.4 acta corregida")])
    _reportar(hito, oferente)
    assert primero.evidencias.count() == 3 and Avance.objects.count() == 1


def test_evidencia_nueva_para_un_avance_ya_validado_es_un_error(hito, oferente, seguimiento_dnp):
    primero = _reportar(hito, oferente, evidencias=[_pdf()])
    services.avance_validar(avance=primero, por=seguimiento_dnp)
    with pytest.raises(ValidationError) as error:
        _reportar(hito, oferente, evidencias=[_pdf("fotos.pdf", b"%PDF-1.4 fotos")])
    assert error.value.messages == [YA_VALIDADO]
    assert EvidenciaAvance.objects.count() == 1
    # Reenviar lo mismo (doble clic tardío) no es un error: es el mismo avance.
    assert _reportar(hito, oferente, evidencias=[_pdf()]).pk == primero.pk


def test_doble_clic_en_la_pagina_con_el_mismo_archivo_es_un_avance_y_un_archivo(client, hito, oferente):
    client.force_login(oferente)
    datos = {"accion": "avance", "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01",
             "narrativa": "Taller realizado"}
    for _vez in range(2):
        r = client.post(f"/seguimiento/lineas/{hito.linea_id}/", {**datos, "evidencias": _pdf()})
        assert r.status_code == 302
    assert Avance.objects.count() == 1 and EvidenciaAvance.objects.count() == 1


def test_pagina_y_api_muestran_el_error_del_avance_ya_validado(client, hito, oferente, seguimiento_dnp):
    primero = _reportar(hito, oferente, porcentaje="50", narrativa="Taller realizado")
    services.avance_validar(avance=primero, por=seguimiento_dnp)
    client.force_login(oferente)
    r = client.post(f"/seguimiento/lineas/{hito.linea_id}/", {
        "accion": "avance", "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01",
        "narrativa": "Taller realizado", "evidencias": _pdf()})
    assert r.status_code == 200 and YA_VALIDADO in r.content.decode()
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post("/api/v1/seguimiento/avances/", {
        "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01", "narrativa": "Taller realizado",
        "archivos": [_pdf()]}, format="multipart")
    assert r.status_code == 400 and r.json() == {"non_field_errors": [YA_VALIDADO]}
    assert not EvidenciaAvance.objects.exists()


def test_otro_porcentaje_u_otra_narrativa_es_otro_avance(hito, oferente):
    _reportar(hito, oferente)
    _reportar(hito, oferente, porcentaje="60")
    _reportar(hito, oferente, narrativa="Otra actividad")
    assert Avance.objects.count() == 3


def test_devuelto_se_puede_reportar_otra_vez_igual(hito, oferente, seguimiento_dnp):
    primero = _reportar(hito, oferente)
    services.avance_devolver(avance=primero, por=seguimiento_dnp, comentario="Falta el acta")
    segundo = _reportar(hito, oferente, evidencias=[SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")])
    assert segundo.pk != primero.pk and segundo.evidencias.count() == 1


def test_por_la_pagina_dos_envios_iguales_son_un_avance(client, hito, oferente):
    client.force_login(oferente)
    datos = {"accion": "avance", "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01",
             "narrativa": "Taller realizado"}
    for _vez in range(2):
        r = client.post(f"/seguimiento/lineas/{hito.linea_id}/", datos)
        assert r.status_code == 302
    assert Avance.objects.count() == 1
    assert "Avance reportado." in client.get(r.url).content.decode()


def test_por_la_api_dos_envios_iguales_son_un_avance(hito, oferente):
    api = APIClient()
    api.force_authenticate(oferente)
    datos = {"hito": hito.pk, "porcentaje": "30", "fecha_corte": "2026-05-01", "narrativa": "Mesa técnica"}
    uno = api.post("/api/v1/seguimiento/avances/", datos)
    dos = api.post("/api/v1/seguimiento/avances/", datos)
    assert uno.status_code == dos.status_code == 201 and uno.json()["id"] == dos.json()["id"]
    assert [a["id"] for a in api.get("/api/v1/seguimiento/avances/").json()["results"]] == [uno.json()["id"]]


# --- Primera medición del mes repetida -------------------------------------------------------------
@contextmanager
def _otro_la_registra_antes(indicador, periodo):
    """Simula la carrera: justo antes de nuestro INSERT, otra petición guarda la misma medición."""
    hecho = []

    def envoltura(ejecutar, sql, params, many, contexto):
        if not hecho and sql.startswith('INSERT INTO "seguimiento_medicion"'):
            hecho.append(True)
            with connection.cursor() as cursor:
                cursor.execute(
                    'INSERT INTO "seguimiento_medicion" (indicador_id, periodo, valor, observacion, registrada_en) '
                    "VALUES (%s, %s, 1, '', now())", [indicador.pk, periodo],
                )
        return ejecutar(sql, params, many, contexto)

    with connection.execute_wrapper(envoltura):
        yield
    assert hecho


def test_primera_medicion_simultanea_es_un_conflicto_en_espanol(entidad_oferente, oferente):
    i = fabricas.indicador(entidad_oferente)
    with _otro_la_registra_antes(i, date(2026, 3, 1)), pytest.raises(ValidationError) as error:
        ind_services.medicion_registrar(indicador=i, periodo=date(2026, 3, 1), valor=D(5), por=oferente)
    assert error.value.code == ind_services.CONFLICTO and error.value.messages == [MENSAJE]
    # (la fila de la «otra petición» se deshizo con esta transacción de prueba). Sin carrera, volver a registrar el mes actualiza la medición existente, como siempre.
    m = ind_services.medicion_registrar(indicador=i, periodo=date(2026, 3, 1), valor=D(7), por=oferente)
    assert m.valor == D(7) and Medicion.objects.filter(indicador=i).count() == 1


def test_api_responde_409_con_el_mensaje(entidad_oferente, oferente):
    i = fabricas.indicador(entidad_oferente)
    api = APIClient()
    api.force_authenticate(oferente)
    with _otro_la_registra_antes(i, date(2026, 4, 1)):
        r = api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-04-01", "valor": "3"})
    assert r.status_code == 409 and r.json()["detail"] == MENSAJE


def test_api_un_mes_ya_registrado_tambien_es_409(entidad_oferente, oferente, otro_oferente):
    """Sin carrera: el validador automático de unicidad daba un 400 distinto; ahora es el mismo 409."""
    i = fabricas.indicador(entidad_oferente)
    ind_services.medicion_registrar(indicador=i, periodo=date(2026, 6, 1), valor=D(2), por=oferente)
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-06-01", "valor": "3"})
    assert r.status_code == 409 and r.json()["detail"] == MENSAJE
    assert Medicion.objects.get(indicador=i).valor == D(2)
    api.force_authenticate(otro_oferente)  # quien no mide el indicador no se entera de que existe
    r = api.post("/api/v1/seguimiento/mediciones/", {"indicador": i.pk, "periodo": "2026-06-01", "valor": "3"})
    assert r.status_code == 403


def test_la_pagina_lo_muestra_como_error_del_formulario(client, entidad_oferente, oferente):
    i = fabricas.indicador(entidad_oferente)
    client.force_login(oferente)
    with _otro_la_registra_antes(i, date(2026, 5, 1)):
        r = client.post(f"/seguimiento/indicadores/{i.pk}/", {"periodo": "2026-05", "valor": "4"})
    assert r.status_code == 200 and MENSAJE in r.content.decode()


def test_api_multipart_con_clave_resume_archivos(client, hito, oferente):
    """Con evidencias (multipart) la huella es de campos y archivos: otro archivo con la misma clave es 422."""
    client.force_login(oferente)
    datos = {"hito": hito.pk, "porcentaje": "30", "fecha_corte": "2026-05-01", "narrativa": "Mesa técnica"}
    uno = client.post("/api/v1/seguimiento/avances/", {**datos, "archivos": SimpleUploadedFile("a.pdf", b"%PDF-1 uno")},
                      HTTP_IDEMPOTENCY_KEY="multi-1")
    dos = client.post("/api/v1/seguimiento/avances/", {**datos, "archivos": SimpleUploadedFile("a.pdf", b"%PDF-1 uno")},
                      HTTP_IDEMPOTENCY_KEY="multi-1")
    assert uno.status_code == dos.status_code == 201 and uno.content == dos.content
    assert dos["Idempotent-Replayed"] == "true" and EvidenciaAvance.objects.count() == 1
    otro = client.post("/api/v1/seguimiento/avances/", {**datos, "archivos": SimpleUploadedFile("a.pdf", b"%PDF-1 dos")},
                       HTTP_IDEMPOTENCY_KEY="multi-1")
    assert otro.status_code == 422
