"""`att.api.filtros.FiltrosDeFormularioFijo`: copias superficiales de los filtros y una sola clase de
formulario por FilterSet, sin que nada de una petición pase a otra."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django_filters import rest_framework as filters

from att.api.filtros import FiltrosDeFormularioFijo
from att.models import Tema
from oferta.filters import OfertaFilter
from oferta.models import Oferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


def test_cada_filterset_con_sus_filtros_y_el_mismo_formulario():
    uno, otro = OfertaFilter(QueryDict("tema=salud")), OfertaFilter(QueryDict("tema=planeacion"))
    assert type(uno.form) is type(otro.form)  # la clase se arma una vez
    assert uno.form is not otro.form and uno.form.fields["tema"] is not otro.form.fields["tema"]
    for nombre in ("tema", "q", "departamento"):
        assert uno.filters[nombre] is not otro.filters[nombre] is not OfertaFilter.base_filters[nombre]
        assert uno.filters[nombre].parent is uno and otro.filters[nombre].parent is otro
        # El FilterMethod de cada copia llama al método del FilterSet de la copia, no al de la clase.
        assert uno.filters[nombre].filter.f is uno.filters[nombre]
    assert OfertaFilter.base_filters["tema"].filter.f is OfertaFilter.base_filters["tema"]


def test_dos_filtros_seguidos_no_se_mezclan(entidad_oferente):
    salud = fabricas.oferta(entidad=entidad_oferente, nombre="Salud", temas=("salud",))
    plan = fabricas.oferta(entidad=entidad_oferente, nombre="Plan", temas=("planeacion",))
    todas = Oferta.objects.all()
    assert Tema.objects.filter(codigo__in=["salud", "planeacion"]).count() == 2
    assert list(OfertaFilter(QueryDict("tema=salud"), todas).qs) == [salud]
    assert list(OfertaFilter(QueryDict("tema=planeacion"), todas).qs) == [plan]
    malo = OfertaFilter(QueryDict("actualizada_desde=ayer"), todas)
    assert not malo.is_valid() and "actualizada_desde" in malo.errors
    assert OfertaFilter(QueryDict(""), todas).is_valid()  # los errores del anterior no quedan en la clase


def test_un_queryset_por_peticion_no_se_deja_declarar():
    with pytest.raises(ImproperlyConfigured, match="tema dependen de la petición"):
        class ConQueryset(FiltrosDeFormularioFijo):
            tema = filters.ModelChoiceFilter(queryset=lambda request: Tema.objects.all())

            class Meta:
                model = Oferta
                fields = []
