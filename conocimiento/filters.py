from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from att import busqueda
from att.api.filtros import OpcionesMultiplesFilter, ValoresMultiplesFilter
from conocimiento.models import Recurso, TipoRecurso


class RecursoFilter(filters.FilterSet):
    """Los mismos criterios del repositorio: texto en español (raíces y prefijos, `att.busqueda`) y
    varios valores por faceta (clave repetida o separados por comas): O dentro de una faceta, Y entre
    facetas."""

    q = filters.CharFilter(method="filtrar_q", label=_("Búsqueda de texto completo en español"))
    tipo = OpcionesMultiplesFilter(choices=TipoRecurso.choices)
    tema = ValoresMultiplesFilter(method="filtrar_tema", label=_("Temas (ids)"))
    departamento = ValoresMultiplesFilter(field_name="departamento_id", lookup_expr="in",
                                          label=_("Departamentos (DIVIPOLA)"))

    class Meta:
        model = Recurso
        fields = ["q", "tipo", "tema", "departamento", "entidad", "oferta", "plan", "estado"]

    def filtrar_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(busqueda=busqueda.consulta(value))

    def filtrar_tema(self, queryset, name, valores):
        ids = [int(v) for v in valores if v.isdigit()]
        if not valores:
            return queryset
        return queryset.filter(pk__in=Recurso.temas.through.objects.filter(tema_id__in=ids).values("recurso_id"))
