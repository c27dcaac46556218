from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from conocimiento.models import Recurso, TipoRecurso


class RecursoFilter(filters.FilterSet):
    q = filters.CharFilter(method="filtrar_q", label=_("Búsqueda de texto completo en español"))
    tipo = filters.ChoiceFilter(choices=TipoRecurso.choices)
    tema = filters.NumberFilter(field_name="temas")
    departamento = filters.CharFilter(field_name="departamento_id")

    class Meta:
        model = Recurso
        fields = ["q", "tipo", "tema", "departamento", "entidad", "oferta", "plan", "estado"]

    def filtrar_q(self, queryset, name, value):
        from django.contrib.postgres.search import SearchQuery

        from conocimiento.services import CONFIG_BUSQUEDA

        if not value.strip():
            return queryset
        return queryset.filter(busqueda=SearchQuery(value.strip(), search_type="websearch", config=CONFIG_BUSQUEDA))
