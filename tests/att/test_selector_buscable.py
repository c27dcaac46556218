"""El selector buscable (att/widgets.py): casillas con un campo de filtro y un contador aria-live,
la lista de municipios del equipo departamental con «Buscar municipio», y el formulario que envía
varios temas sin JavaScript."""

import re

import pytest
from django.urls import reverse

from att.models import Tema
from att.widgets import casillas_temas, selector_municipio
from demanda.forms import DemandaForm
from demanda.models import Demanda
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def test_casillas_con_filtro():
    from django import forms

    class F(forms.Form):
        temas = forms.ModelMultipleChoiceField(queryset=Tema.objects.filter(activo=True), widget=casillas_temas())

    html = str(F()["temas"])
    assert html.startswith('<div class="selector-buscable" data-selector-buscable')
    assert html.count('type="checkbox"') == Tema.objects.filter(activo=True).count() > 40
    # El filtro (oculto sin JavaScript, sin `name`: no viaja con el formulario) con su etiqueta y el contador.
    assert re.search(r'<div class="selector-buscable__filtro" hidden><label for="id_temas_filtro">Filtrar temas</label>'
                     r'<input type="search" id="id_temas_filtro"[^>]*aria-controls="id_temas"', html)
    assert 'name="temas_filtro"' not in html and 'role="status" aria-live="polite"' in html
    assert "<select" not in html


def test_formulario_de_demanda_usa_los_selectores(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    html = client.get(reverse("demanda:nueva")).content.decode()
    assert "Buscar municipio" in html and "Filtrar temas" in html
    assert html.count("data-selector-buscable") == 2
    assert '<fieldset><legend>Temas' in html  # un grupo de casillas con su leyenda
    assert "Ctrl" not in html
    # 125 municipios de Antioquia + la gobernación en la lista (sin JavaScript, se elige igual).
    form = DemandaForm(usuario=equipo_antioquia)
    assert form.fields["entidad"].queryset.count() >= 126
    assert 'src="/static/js/selector_buscable.js"' in html


def test_envia_varios_temas(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    medellin = funcionario_medellin.membresias.first().entidad
    temas = list(Tema.objects.filter(activo=True).order_by("pk")[:3])
    datos = fabricas.datos_formulario(medellin)
    datos["temas"] = [t.pk for t in temas]
    r = client.post(reverse("demanda:nueva"), datos)
    assert r.status_code == 302, r.content.decode()[:3000]
    demanda = Demanda.objects.get()
    assert sorted(demanda.temas.values_list("pk", flat=True)) == [t.pk for t in temas]


def test_selector_municipio_lista_desplegable():
    from django import forms

    from att.models import Entidad

    class F(forms.Form):
        entidad = forms.ModelChoiceField(queryset=Entidad.objects.all()[:3], widget=selector_municipio())

    html = str(F()["entidad"])
    assert '<label for="id_entidad_filtro">Buscar municipio</label>' in html and '<select name="entidad"' in html
