"""Las migraciones de datos de la mudanza de los indicadores conservan lo que los usuarios escribieron."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from agenda.models import LineaPlan
from att.models import Eliminacion, SuscripcionWebhook
from tests import factories
from tests.seguimiento import fabricas as fs

pytestmark = pytest.mark.django_db


def test_el_texto_libre_de_la_linea_se_vincula_solo_a_una_ficha_unica(entidad_oferente, oferente):
    migracion = importlib.import_module("agenda.migrations.0006_indicadores_vinculados")
    unico = fs.indicador(entidad_oferente, nombre="Planes formulados")
    fs.indicador(entidad_oferente, nombre="Repetido")
    fs.indicador(entidad_oferente, nombre="repetido ")
    textos = {"coincide": "  planes FORMULADOS ", "ambiguo": "Repetido", "sin_ficha": "Otro texto", "vacio": ""}
    lineas = {}
    for clave, texto in textos.items():
        lineas[clave] = fs.linea(entidad_oferente, responsable=oferente)
        LineaPlan.objects.filter(pk=lineas[clave].pk).update(indicador=texto)
    with connection.cursor() as cursor:
        cursor.execute(migracion.VINCULAR)
    vinculos = {c: list(l.indicadores_vinculados.values_list("pk", flat=True)) for c, l in lineas.items()}
    assert vinculos == {"coincide": [unico.pk], "ambiguo": [], "sin_ficha": [], "vacio": []}
    assert {c: LineaPlan.objects.get(pk=l.pk).indicador for c, l in lineas.items()} == textos


def test_el_texto_libre_solo_se_vincula_a_una_ficha_de_la_entidad_del_plan(entidad_oferente, oferente):
    migracion = importlib.import_module("agenda.migrations.0006_indicadores_vinculados")
    otra = factories.EntidadNacionalFactory()
    propio = fs.indicador(entidad_oferente, nombre="Municipios asistidos")
    fs.indicador(otra, nombre="Municipios asistidos")  # mismo nombre en otra entidad: no estorba
    fs.indicador(otra, nombre="Solo de la otra")
    lineas = {"propio": fs.linea(entidad_oferente, responsable=oferente),
              "ajeno": fs.linea(entidad_oferente, responsable=oferente)}
    LineaPlan.objects.filter(pk=lineas["propio"].pk).update(indicador="Municipios asistidos")
    LineaPlan.objects.filter(pk=lineas["ajeno"].pk).update(indicador="Solo de la otra")
    with connection.cursor() as cursor:
        cursor.execute(migracion.VINCULAR)
    vinculos = {c: list(l.indicadores_vinculados.values_list("pk", flat=True)) for c, l in lineas.items()}
    assert vinculos == {"propio": [propio.pk], "ajeno": []}


def test_la_mudanza_renombra_los_tipos_de_la_fuente_de_cambios():
    migracion = importlib.import_module("indicadores.migrations.0001_initial")
    persona = factories.UsuarioFactory()
    suscripcion = SuscripcionWebhook.objects.create(
        url="https://receptor.example.org/x", secreto="s", usuario=persona,
        eventos=["seguimiento.indicador.creado", "seguimiento.medicion.eliminado", "oferta.oferta.creado"])
    lapida = Eliminacion.objects.create(tipo="seguimiento.medicion", objeto_id="7")
    migracion.adelante(apps, None)
    suscripcion.refresh_from_db()
    lapida.refresh_from_db()
    assert suscripcion.eventos == ["indicadores.indicador.creado", "indicadores.medicion.eliminado",
                                   "oferta.oferta.creado"]
    assert lapida.tipo == "indicadores.medicion"
    migracion.atras(apps, None)
    suscripcion.refresh_from_db()
    assert suscripcion.eventos[:2] == ["seguimiento.indicador.creado", "seguimiento.medicion.eliminado"]
