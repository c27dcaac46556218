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


def test_sin_parametros_de_filtro_no_arma_el_formulario(entidad_oferente):
    salud = fabricas.oferta(entidad=entidad_oferente, nombre="Salud", temas=("salud",))
    todas = Oferta.objects.all()
    OfertaFilter(QueryDict(""), todas).qs  # noqa: B018 - la primera petición sin filtros prueba la clase
    assert OfertaFilter.__dict__["_vacio_no_filtra"] is True
    # Parámetros que no son filtros (página, campos) no cuentan.
    sin = OfertaFilter(QueryDict("fields=id&cursor=abc"), todas)
    assert sin.is_valid() and list(sin.qs) == [salud]
    assert "_form" not in vars(sin)
    assert sin.qs.query.sql_with_params() == todas.query.sql_with_params()
    # Con un filtro en la consulta, el camino de siempre: formulario, validación y filtro.
    con = OfertaFilter(QueryDict("tema=planeacion"), todas)
    assert con.is_valid() and list(con.qs) == [] and "_form" in vars(con)
    malo = OfertaFilter(QueryDict("actualizada_desde=ayer"), todas)
    assert not malo.is_valid() and "actualizada_desde" in malo.errors


class _FiltraAunVacio(filters.CharFilter):
    def filter(self, qs, value):
        return qs.filter(nombre__startswith=value or "Sal")


class _ConFiltroQueActuaVacio(FiltrosDeFormularioFijo):
    inicio = _FiltraAunVacio()

    class Meta:
        model = Oferta
        fields = []


def test_un_filtro_que_actua_sin_valor_no_se_salta(entidad_oferente):
    salud = fabricas.oferta(entidad=entidad_oferente, nombre="Salud", temas=("salud",))
    fabricas.oferta(entidad=entidad_oferente, nombre="Plan", temas=("planeacion",))
    todas = Oferta.objects.all()
    assert list(_ConFiltroQueActuaVacio(QueryDict(""), todas).qs) == [salud]
    assert _ConFiltroQueActuaVacio.__dict__["_vacio_no_filtra"] is False
    otra = _ConFiltroQueActuaVacio(QueryDict("page=2"), todas)
    assert list(otra.qs) == [salud] and "_form" in vars(otra)
