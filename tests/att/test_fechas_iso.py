"""Todo campo de fecha de todo formulario muestra su fecha en ISO en un `<input type="date">`.

Con `30/11/2026` el navegador deja el campo vacío y bloquea el formulario (issue 15). Se recorren las
clases de formulario de los módulos `forms` de cada app (importados aquí directamente)."""

import datetime
import inspect

import pytest
from django import forms
from django.utils import translation

import agenda.forms
import att.forms
import conocimiento.forms
import demanda.forms
import indicadores.forms
import oferta.forms
import pas.forms
import rutas.forms
import seguimiento.forms

MODULOS = [agenda.forms, att.forms, conocimiento.forms, demanda.forms, indicadores.forms, oferta.forms, pas.forms,
           rutas.forms, seguimiento.forms]
FECHA = datetime.date(2026, 11, 30)


def _campos_fecha():
    vistos = set()
    for modulo in MODULOS:
        for _nombre, clase in inspect.getmembers(modulo, inspect.isclass):
            if not issubclass(clase, forms.BaseForm) or clase in vistos or not hasattr(clase, "base_fields"):
                continue
            vistos.add(clase)
            for nombre, campo in clase.base_fields.items():
                if isinstance(campo, forms.DateField) and not isinstance(campo, forms.DateTimeField):
                    yield pytest.param(clase, nombre, campo, id=f"{clase.__module__}.{clase.__name__}.{nombre}")


CAMPOS = list(_campos_fecha())


def test_hay_campos_de_fecha_que_revisar():
    assert len(CAMPOS) >= 10


@pytest.mark.parametrize(("clase", "nombre", "campo"), CAMPOS)
def test_fecha_en_iso_en_input_date(clase, nombre, campo):
    with translation.override("es-co"):
        html = campo.widget.render(nombre, FECHA)
    assert 'type="date"' in html
    assert 'value="2026-11-30"' in html
    assert "30/11/2026" not in html


def test_el_formulario_de_avance_renderiza_la_fecha_inicial_en_iso():
    with translation.override("es-co"):
        form = seguimiento.forms.AvanceForm(initial={"fecha_corte": FECHA})
        html = str(form["fecha_corte"])
    assert 'value="2026-11-30"' in html


def test_la_fecha_iso_y_la_dd_mm_aaaa_se_leen():
    campo = forms.DateField()
    with translation.override("es-co"):
        assert campo.clean("2026-11-30") == FECHA
        assert campo.clean("30/11/2026") == FECHA
