"""Diseño estructurado del producto (001 Etapas 1–2; 004 actividad 1.B): brecha y objetivo de
capacidad, cadena de valor, costo por ET asistida, fuentes e indicadores vinculados a `Indicador`;
ida y vuelta por el formulario, la API, la ficha y la descarga de datos abiertos."""

import csv
import io
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from agenda.models import LineaPlan
from oferta.models import EstadoOferta, Oferta
from tests import factories
from tests.oferta.test_paginas import formulario_valido
from tests.seguimiento import fabricas as fs

pytestmark = pytest.mark.django_db
DISENO = {
    "brecha_capacidad": "Las alcaldías no articulan plan y presupuesto",
    "objetivo_capacidad": "Plan y presupuesto armonizados en el primer año",
    "cadena_insumos": "Guía metodológica; asesores regionales",
    "cadena_actividades": "Talleres; asesoría uno a uno",
    "cadena_productos": "Plan plurianual armonizado",
    "cadena_resultados": "Ejecución presupuestal alineada al plan",
}


def test_diseno_ida_y_vuelta_por_formulario_api_ficha_y_descarga(client, entidad_oferente, oferente):
    ind = fs.indicador(entidad_oferente, nombre="Municipios con presupuesto armonizado")
    otro = fs.indicador(entidad_oferente, nombre="Asesorías realizadas")
    client.force_login(oferente)
    r = client.post("/oferta/nueva/", formulario_valido(
        entidad_oferente, **DISENO, costo_por_et="12500000", fuentes_financiacion=["pgn_inversion", "cooperacion"],
        indicadores=[ind.pk]))
    assert r.status_code == 302, r.content.decode()[:3000]
    oferta = Oferta.objects.get()
    assert {c: getattr(oferta, c) for c in DISENO} == DISENO
    assert (oferta.costo_por_et, oferta.fuentes_financiacion) == (D(12500000), ["pgn_inversion", "cooperacion"])
    assert list(oferta.indicadores.all()) == [ind]
    # El formulario de edición lo trae de vuelta.
    html = client.get(f"/oferta/{oferta.pk}/editar/").content.decode()
    assert DISENO["cadena_resultados"] in html and f'value="{ind.pk}" selected' in html
    # La API lo lee y lo cambia (el indicador por id, no texto).
    api = APIClient()
    api.force_authenticate(oferente)
    datos = api.get(f"/api/v1/ofertas/{oferta.pk}/").json()
    assert {c: datos[c] for c in DISENO} == DISENO
    assert (datos["costo_por_et"], datos["fuentes_financiacion"], datos["indicadores"]) == \
        ("12500000.00", ["pgn_inversion", "cooperacion"], [ind.pk])
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"indicadores": [ind.pk, otro.pk], "costo_por_et": "9000000",
                                                     "fuentes_financiacion": ["sgr"]}, format="json")
    assert r.status_code == 200, r.content
    assert (sorted(r.json()["indicadores"]), r.json()["costo_por_et"]) == (sorted([ind.pk, otro.pk]), "9000000.00")
    assert api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"fuentes_financiacion": ["bonos"]},
                     format="json").status_code == 400
    # La ficha de otra entidad ni se ofrece en el formulario ni se vincula por la API.
    ajeno = fs.indicador(factories.EntidadNacionalFactory(), nombre="Indicador de otra entidad")
    assert "Indicador de otra entidad" not in client.get("/oferta/nueva/").content.decode()
    assert api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"indicadores": [ajeno.pk]}, format="json").status_code == 400
    # La ficha y la descarga de datos abiertos (publicada) lo muestran.
    Oferta.objects.filter(pk=oferta.pk).update(estado=EstadoOferta.PUBLICADA)
    html = client.get(f"/oferta/{oferta.pk}/").content.decode()
    assert "Diseño del producto" in html and DISENO["brecha_capacidad"] in html
    assert "Sistema General de Regalías" in html and "Asesorías realizadas" in html
    filas = list(csv.DictReader(io.StringIO(client.get("/oferta/exportar/").getvalue().decode("utf-8-sig"))))
    fila = next(f for f in filas if f["id"] == str(oferta.pk))
    assert {c: fila[c] for c in DISENO} == DISENO
    # La descarga (att.exportacion) escribe los decimales con punto, una sola convención, y las listas con «;».
    assert fila["costo_por_et"] == "9000000.00" and fila["fuentes_financiacion"] == "sgr"
    assert fila["fuentes_financiacion_nombres"] == "Sistema General de Regalías"
    assert sorted(n.strip() for n in fila["indicadores"].split(";")) == ["Asesorías realizadas", "Municipios con presupuesto armonizado"]


def test_linea_del_plan_vincula_indicadores_sin_perder_su_texto(entidad_oferente, oferente):
    ind = fs.indicador(entidad_oferente, nombre="Planes formulados")
    linea = fs.linea(entidad_oferente, responsable=oferente)
    LineaPlan.objects.filter(pk=linea.pk).update(indicador="Planes formulados (texto libre)")
    linea.indicadores_vinculados.set([ind])
    linea.refresh_from_db()
    assert linea.indicador == "Planes formulados (texto libre)"
    assert list(linea.indicadores_vinculados.all()) == [ind] and list(ind.lineas_plan.all()) == [linea]


def test_guardar_la_oferta_conserva_los_indicadores_vinculados_que_el_formulario_no_ofreceria(
        entidad_oferente, oferente, admin_dnp):
    from django.forms.models import model_to_dict

    from oferta.forms import OfertaForm

    oferta = fs.oferta(entidad_oferente)
    inactivo = fs.indicador(entidad_oferente, nombre="Ficha retirada", activo=False)
    del_dnp = fs.indicador(factories.EntidadNacionalFactory(), nombre="Ficha de otra entidad")
    oferta.indicadores.set([inactivo, del_dnp])  # vinculadas antes (inactiva después; la otra, por el DNP)
    fs.indicador(entidad_oferente, nombre="Otra retirada", activo=False)
    form = OfertaForm(instance=oferta, usuario=oferente)
    ofrecidas = set(form.fields["indicadores"].queryset.values_list("nombre", flat=True))
    assert {"Ficha retirada", "Ficha de otra entidad"} <= ofrecidas and "Otra retirada" not in ofrecidas
    # Reenviar lo que el formulario muestra deja los dos vínculos.
    datos = {k: v for k, v in model_to_dict(oferta).items() if v is not None}
    datos["indicadores"] = [inactivo.pk, del_dnp.pk]
    enlazado = OfertaForm(data=datos, instance=oferta, usuario=oferente)
    enlazado.is_valid()
    assert "indicadores" not in enlazado.errors
    assert set(enlazado.cleaned_data["indicadores"]) == {inactivo, del_dnp}


def test_api_de_la_oferta_acepta_reenviar_un_indicador_vinculado_por_el_dnp(entidad_oferente, oferente):
    oferta = fs.oferta(entidad_oferente)
    del_dnp = fs.indicador(factories.EntidadNacionalFactory(), nombre="Ficha de otra entidad")
    ajeno = fs.indicador(factories.EntidadNacionalFactory(), nombre="Ficha ajena")
    oferta.indicadores.set([del_dnp])
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"indicadores": [del_dnp.pk]}, format="json")
    assert r.status_code == 200, r.content
    assert list(oferta.indicadores.values_list("pk", flat=True)) == [del_dnp.pk]
    r = api.patch(f"/api/v1/ofertas/{oferta.pk}/", {"indicadores": [del_dnp.pk, ajeno.pk]}, format="json")
    assert r.status_code == 400 and "indicadores" in r.json()
