from django_filters import rest_framework as filters
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination

from att.api import serializers as s
from att.api.paginacion import EnlacesSiemprePresentes
from att.models import Departamento, Entidad, Municipio


class PaginaCatalogo(EnlacesSiemprePresentes, PageNumberPagination):
    page_size = 200
    page_size_query_param = "tamano"
    max_page_size = 2000


class DepartamentoViewSet(viewsets.ReadOnlyModelViewSet):
    """Departamentos (DIVIPOLA, 2 dígitos)."""

    queryset = Departamento.objects.order_by("codigo")
    serializer_class = s.DepartamentoSerializer
    pagination_class = PaginaCatalogo
    filterset_fields = ["region"]


class MunicipioFilter(filters.FilterSet):
    class Meta:
        model = Municipio
        fields = ["departamento", "categoria", "grupo_mdm", "pdet", "zomac"]


class MunicipioViewSet(viewsets.ReadOnlyModelViewSet):
    """Municipios y áreas no municipalizadas (DIVIPOLA, 5 dígitos) con atributos de focalización."""

    queryset = Municipio.objects.order_by("codigo")
    serializer_class = s.MunicipioSerializer
    pagination_class = PaginaCatalogo
    filterset_class = MunicipioFilter


class EntidadViewSet(viewsets.ReadOnlyModelViewSet):
    """Entidades oferentes y receptoras de asistencia técnica."""

    queryset = Entidad.objects.filter(activa=True).order_by("pk")
    serializer_class = s.EntidadSerializer
    filterset_fields = ["tipo", "departamento", "municipio"]


def catalogo_viewset(modelo, serializer):
    return type(
        f"{modelo.__name__}ViewSet",
        (viewsets.ReadOnlyModelViewSet,),
        {
            "queryset": modelo.objects.filter(activo=True).order_by("orden", "nombre"),
            "serializer_class": serializer,
            "pagination_class": PaginaCatalogo,
            "__doc__": f"Catálogo: {modelo._meta.verbose_name_plural}.",
        },
    )
