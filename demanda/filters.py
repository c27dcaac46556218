from django_filters import rest_framework as filters

from att.api.filtros import OpcionesMultiplesFilter, PeriodoGobiernoFilter, ValoresMultiplesFilter
from demanda.models import Demanda, EstadoDemanda, FuenteNecesidad


class DemandaFilter(filters.FilterSet):
    estado = OpcionesMultiplesFilter(choices=EstadoDemanda.choices)
    fuente = filters.ChoiceFilter(choices=FuenteNecesidad.choices)
    tema = ValoresMultiplesFilter(field_name="temas__codigo", distinct=True, label="Códigos de tema (alguno)")
    departamento = filters.CharFilter(field_name="entidad__departamento_id", label="Código DIVIPOLA del departamento")
    municipio = filters.CharFilter(field_name="entidad__municipio_id", label="Código DIVIPOLA del municipio")
    creada_desde = filters.DateFilter(field_name="creada", lookup_expr="date__gte")
    creada_hasta = filters.DateFilter(field_name="creada", lookup_expr="date__lte")
    oferta = filters.NumberFilter(field_name="oferta_id")
    periodo = PeriodoGobiernoFilter(field_name="creada")

    class Meta:
        model = Demanda
        fields = ["estado", "fuente", "entidad", "tema", "departamento", "municipio", "oferta"]
