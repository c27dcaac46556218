from django_filters import rest_framework as filters

from demanda.models import Demanda, EstadoDemanda, FuenteNecesidad


class DemandaFilter(filters.FilterSet):
    estado = filters.MultipleChoiceFilter(choices=EstadoDemanda.choices)
    fuente = filters.ChoiceFilter(choices=FuenteNecesidad.choices)
    tema = filters.CharFilter(field_name="temas__codigo", distinct=True, label="Código de tema")
    departamento = filters.CharFilter(field_name="entidad__departamento_id", label="Código DIVIPOLA del departamento")
    municipio = filters.CharFilter(field_name="entidad__municipio_id", label="Código DIVIPOLA del municipio")
    creada_desde = filters.DateFilter(field_name="creada", lookup_expr="date__gte")
    creada_hasta = filters.DateFilter(field_name="creada", lookup_expr="date__lte")
    oferta = filters.NumberFilter(field_name="oferta_id")

    class Meta:
        model = Demanda
        fields = ["estado", "fuente", "entidad", "tema", "departamento", "municipio", "oferta"]
