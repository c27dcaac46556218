"""Largo máximo de los textos libres (OWASP ASVS 5.1): cada campo de texto tiene un límite bajo las
32.767 letras de una celda de Excel, y pasarse da un error en español (formulario, API, servicio e
importación) sin escribir nada. La exportación XLSX nunca corta en silencio."""

import importlib
import inspect
import io
import logging

import pytest
import tablib
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models
from openpyxl import load_workbook
from rest_framework import serializers
from rest_framework.test import APIClient

from att.exportacion import MARCA_RECORTE, celda_xlsx, dataset_xlsx
from att.models import EstadoImportacionArchivo, Importacion, Notificacion, Salida
from att.notificaciones import notificar
from att.salida import _anotar_fallo
from att.validadores import LIMITE_CELDA_XLSX, TEXTO_LARGO, recortar
from demanda import services as demanda_services
from demanda.models import Demanda, EstadoDemanda
from oferta import services as oferta_services
from oferta.models import EstadoOferta, Oferta
from seguimiento.models import InformeMensual
from tests import factories
from tests.demanda import fabricas as fabricas_demanda
from tests.oferta import fabricas as fabricas_oferta
from tests.oferta.test_api import cuerpo as cuerpo_oferta_api
from tests.oferta.test_paginas import formulario_valido

APPS = ("att", "indicadores", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas")
UN_MEGA = "x" * 1_000_000
MENSAJE_FORMULARIO = "Asegúrese de que este valor tenga como máximo 10000 caracteres (tiene 1000000)."
MENSAJE_API = "Asegúrese de que este campo no tenga más de 10000 caracteres."

# Textos que escribe el sistema, no una persona: tienen largo máximo como los demás, pero el código
# que los escribe los recorta con «…» (un error larguísimo no debe impedir anotar el fallo).
TECNICOS = {
    ("att", "Salida", "ultimo_error"): "error de la tarea, lo escribe att.salida",
    ("att", "Notificacion", "mensaje"): "alerta armada con textos de otros, la escribe att.notificaciones",
    ("seguimiento", "InformeMensual", "error"): "error al generar el informe, lo escribe seguimiento.informes",
}


def _campos_de_texto():
    for modelo in apps.get_models():
        if modelo._meta.app_label not in APPS:
            continue
        for campo in modelo._meta.get_fields():
            if isinstance(campo, (models.TextField, models.CharField)) and campo.concrete:
                yield modelo, campo


def test_todo_texto_libre_tiene_largo_maximo_bajo_el_de_excel():
    sin_limite, sin_validador, textos = [], [], 0
    for modelo, campo in _campos_de_texto():
        nombre = f"{modelo._meta.label}.{campo.name}"
        if not campo.max_length or campo.max_length >= LIMITE_CELDA_XLSX:
            sin_limite.append(nombre)
        if isinstance(campo, models.TextField):
            textos += 1
            if not any(isinstance(v, MaxLengthValidator) and v.limit_value == campo.max_length
                       for v in campo.validators):
                sin_validador.append(nombre)
    assert sin_limite == []
    assert sin_validador == []  # sin validador, full_clean (servicios, importaciones) no lo revisaría
    assert textos > 50  # las seis apps y sus históricos: la enumeración no quedó vacía


def test_los_campos_tecnicos_existen_y_tienen_limite():
    for app, modelo, campo in TECNICOS:
        assert apps.get_model(app, modelo)._meta.get_field(campo).max_length < LIMITE_CELDA_XLSX


def _clases(modulo, base):
    return [c for _n, c in inspect.getmembers(modulo, inspect.isclass)
            if issubclass(c, base) and c.__module__ == modulo.__name__]


# Campos de formulario sin largo máximo a propósito, con la razón.
FORMULARIOS_EXENTOS = {
    "att.forms.IngresoForm.password": "la contraseña de ingreso (de Django) no se guarda; el hasher la "
                                      "resume con costo fijo y el límite de la solicitud acota el tamaño",
}


def test_formularios_sin_area_de_texto_ilimitada():
    ilimitados = []
    for app in APPS:
        modulo = importlib.import_module(f"{app}.forms")
        for clase in _clases(modulo, forms.BaseForm):
            for nombre, campo in clase.base_fields.items():
                ruta = f"{clase.__module__}.{clase.__name__}.{nombre}"
                if isinstance(campo, forms.CharField) and not campo.max_length and ruta not in FORMULARIOS_EXENTOS:
                    ilimitados.append(ruta)
    assert ilimitados == []


def test_serializadores_sin_texto_escribible_ilimitado():
    ilimitados, revisados = [], 0
    for app in APPS:
        modulo = importlib.import_module(f"{app}.api.serializers")
        for clase in _clases(modulo, serializers.Serializer):
            revisados += 1
            for nombre, campo in clase().fields.items():
                if isinstance(campo, serializers.CharField) and not campo.read_only and not campo.max_length:
                    ilimitados.append(f"{clase.__module__}.{clase.__name__}.{nombre}")
    assert ilimitados == []
    assert revisados > 10


# --- Oferta: formulario, API, servicio e importación ------------------------------------------------

@pytest.mark.django_db
def test_formulario_de_oferta_pone_maxlength_y_rechaza_un_mega_en_espanol(client, oferente, entidad_oferente):
    client.force_login(oferente)
    assert f'maxlength="{TEXTO_LARGO}"' in client.get("/oferta/nueva/").content.decode()
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente, descripcion=UN_MEGA))
    assert r.status_code == 200
    assert MENSAJE_FORMULARIO in r.content.decode()
    assert not Oferta.objects.exists()


@pytest.mark.django_db
def test_api_de_oferta_rechaza_un_mega_con_400_en_espanol(oferente, entidad_oferente):
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post("/api/v1/ofertas/", cuerpo_oferta_api(entidad_oferente, descripcion=UN_MEGA), format="json")
    assert r.status_code == 400
    assert r.json() == {"descripcion": [MENSAJE_API]}
    assert not Oferta.objects.exists()


@pytest.mark.django_db
def test_servicio_de_oferta_valida_el_largo_antes_de_la_busqueda(oferente, entidad_oferente):
    with pytest.raises(ValidationError, match="como máximo 10000 caracteres") as error:
        oferta_services.oferta_crear(por=oferente, entidad=entidad_oferente,
                                     datos=fabricas_oferta.datos_oferta(descripcion=UN_MEGA))
    assert set(error.value.message_dict) == {"descripcion"}
    assert not Oferta.objects.exists()


@pytest.mark.django_db
def test_motivo_de_archivo_demasiado_largo_no_archiva(oferente, entidad_oferente):
    oferta = fabricas_oferta.oferta(entidad=entidad_oferente)
    with pytest.raises(ValidationError, match="como máximo 5000 caracteres") as error:
        oferta_services.oferta_archivar(oferta=oferta, por=oferente, motivo="m" * 5001)
    assert set(error.value.message_dict) == {"motivo"}
    oferta.refresh_from_db()
    assert oferta.estado == EstadoOferta.PUBLICADA and not oferta.transiciones.exists()


@pytest.mark.django_db
def test_importacion_de_ofertas_celda_larga_es_error_de_fila_en_espanol(client, oferente):
    encabezado = ("nombre,necesidad,descripcion,descriptores,temas,capacidades,etapas,modalidades,canal,"
                  "contacto_nombre,contacto_email,vigencia_desde")
    fila = (f'"Asesoría en POAI","POAI sin priorizar","{"d" * (TEXTO_LARGO + 1)}",gestion-publica,planeacion,'
            "planeacion,programacion,asesoria,virtual,Ana,ana@x.gov.co,2026-01-01")
    archivo = SimpleUploadedFile("ofertas.csv", f"{encabezado}\n{fila}\n".encode(), "text/csv")
    client.force_login(oferente)
    client.post("/oferta/importar/", {"archivo": archivo})
    imp = Importacion.objects.get(tipo="ofertas")
    assert imp.estado == EstadoImportacionArchivo.CON_ERRORES
    assert [(e["fila"], e["error"]) for e in imp.errores] == [
        (2, "descripcion: Asegúrese de que este valor tenga como máximo 10000 caracteres (tiene 10001).")]
    assert not Oferta.objects.exists()


# --- Demanda: API, servicio e importación --------------------------------------------------------

@pytest.mark.django_db
def test_api_de_demanda_rechaza_descripcion_larga_con_400_en_espanol(funcionario_medellin):
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    cuerpo = fabricas_demanda.cuerpo_api(factories.alcaldia("05001"), descripcion=UN_MEGA)
    r = api.post("/api/v1/demandas/", cuerpo, format="json")
    assert r.status_code == 400
    assert r.json() == {"descripcion": [MENSAJE_API]}
    assert not Demanda.objects.exists()


@pytest.mark.django_db
def test_formulario_de_demanda_rechaza_descripcion_larga(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.post("/demanda/nueva/", {"descripcion": UN_MEGA})
    assert r.status_code == 200
    assert MENSAJE_FORMULARIO in r.content.decode()
    assert not Demanda.objects.exists()


@pytest.mark.django_db
def test_motivo_de_no_pertinencia_largo_no_cambia_la_demanda(admin_dnp, funcionario_medellin):
    demanda = fabricas_demanda.demanda(factories.alcaldia("05001"), funcionario_medellin)
    eventos = demanda.eventos.count()
    with pytest.raises(ValidationError, match="como máximo 2000 caracteres") as error:
        demanda_services.demanda_marcar_no_pertinente(demanda=demanda, por=admin_dnp, motivo="m" * 2001)
    assert set(error.value.message_dict) == {"motivo"}
    demanda.refresh_from_db()
    assert demanda.estado == EstadoDemanda.REGISTRADA and demanda.eventos.count() == eventos


@pytest.mark.django_db
def test_importacion_de_demandas_celda_larga_es_error_de_fila(equipo_antioquia):
    fila = {"entidad": "05001", "titulo": "Plan indicativo 2027", "descripcion": "d" * (TEXTO_LARGO + 1),
            "temas": "planeacion", "fuente": "metas_pdt"}
    resultado = demanda_services.demandas_importar(filas=[fila], por=equipo_antioquia, confirmar=True)
    assert [(e["fila"], e["error"]) for e in resultado.errores] == [
        (2, "descripción: Asegúrese de que este valor tenga como máximo 10000 caracteres (tiene 10001).")]
    assert not resultado.confirmada
    assert not Demanda.objects.exists()


# --- Textos del sistema: se recortan, no se rechazan --------------------------------------------

def test_recortar_deja_el_limite_exacto_con_puntos_suspensivos():
    assert recortar("abc", 5) == "abc"
    assert recortar("abcdefgh", 5) == "abcd…"
    assert recortar(None, 5) == ""


@pytest.mark.django_db
def test_alerta_con_mensaje_larguisimo_se_guarda_recortada(funcionario_medellin):
    limite = Notificacion._meta.get_field("mensaje").max_length
    notificar(usuarios=[funcionario_medellin], categoria="prueba", titulo="t" * 300, mensaje="m" * (limite + 50))
    n = Notificacion.objects.get()
    assert len(n.mensaje) == limite and n.mensaje.endswith("…")
    assert len(n.titulo) == 200 and n.titulo.endswith("…")


@pytest.mark.django_db
def test_error_larguisimo_de_una_salida_se_anota_recortado():
    salida = Salida.objects.create(tarea="att.prueba")
    _anotar_fallo(salida, RuntimeError("e" * 50_000))
    limite = Salida._meta.get_field("ultimo_error").max_length
    assert len(salida.ultimo_error) == limite and salida.ultimo_error.endswith("…")
    assert InformeMensual._meta.get_field("error").max_length == limite


# --- Exportación XLSX: nunca corta en silencio -------------------------------------------------

def test_celda_que_cabe_no_se_toca():
    assert celda_xlsx("a" * LIMITE_CELDA_XLSX) == "a" * LIMITE_CELDA_XLSX
    assert celda_xlsx(12) == 12


def test_celda_demasiado_larga_se_recorta_con_marca_visible_y_aviso(caplog):
    with caplog.at_level(logging.WARNING, logger="att.exportacion"):
        valor = celda_xlsx("a" * 40_000, donde="fila 2, columna descripcion")
    assert len(valor) == LIMITE_CELDA_XLSX and valor.endswith(MARCA_RECORTE)
    assert "fila 2, columna descripcion" in caplog.text and "40000 caracteres" in caplog.text


def test_dataset_xlsx_sigue_el_texto_largo_en_columnas_de_continuacion(caplog):
    """Un texto más largo que una celda no se corta: sigue en `descripcion_2` (y no hay aviso de recorte)."""
    largo = "ab" * 20_000
    datos = tablib.Dataset(headers=["nombre", "descripcion", "fin"])
    datos.append(["corta", largo, 1])
    datos.append(["otra", "normal", 2])
    with caplog.at_level(logging.WARNING, logger="att.exportacion"):
        contenido = dataset_xlsx(datos)
    filas = list(load_workbook(io.BytesIO(contenido)).active.iter_rows(values_only=True))
    assert filas[0] == ("nombre", "descripcion", "descripcion_2", "fin")
    assert len(filas[1][1]) == LIMITE_CELDA_XLSX and filas[1][1] + filas[1][2] == largo
    assert filas[1][3] == 1
    assert filas[2] == ("otra", "normal", None, 2)
    assert "recort" not in caplog.text


@pytest.mark.django_db
def test_exportacion_de_ofertas_con_texto_anterior_a_los_limites_lo_deja_entero(client):
    # Un texto guardado antes de los límites (escrito directo en la base, sin validación).
    o = fabricas_oferta.oferta(nombre="Oferta vieja")
    texto = "v" * 40_000 + "FIN"
    Oferta.objects.filter(pk=o.pk).update(descripcion=texto)
    r = client.get("/oferta/exportar/", {"formato": "xlsx"})
    assert r.status_code == 200
    filas = list(load_workbook(io.BytesIO(r.getvalue())).active.iter_rows(values_only=True))
    i = filas[0].index("descripcion")
    assert filas[0][i + 1] == "descripcion_2"
    assert filas[1][i] + filas[1][i + 1] == texto
    r = client.get("/oferta/exportar/", {"formato": "csv"})
    assert texto in r.getvalue().decode("utf-8-sig")  # en CSV no hay límite: va entero


@pytest.mark.django_db
def test_importacion_de_entidades_en_el_admin_valida_el_largo_por_fila():
    from att.models import Entidad
    from att.resources import EntidadResource

    datos = tablib.Dataset(headers=["nombre", "sigla", "tipo", "sector"])
    datos.append(["n" * 256, "SIG", "ministerio", "Planeación"])
    resultado = EntidadResource().import_data(datos, dry_run=False, raise_errors=False)
    assert resultado.has_validation_errors()
    errores = resultado.invalid_rows[0].error_dict
    assert [str(m) for m in errores["nombre"]] == [
        "Asegúrese de que este valor tenga como máximo 255 caracteres (tiene 256)."]
    assert not Entidad.objects.filter(sigla="SIG").exists()
