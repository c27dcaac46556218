from django.db.models import Prefetch
from rest_framework import mixins, viewsets

from att.api.lotes import ListaPorLotes
from att.api.permisos import Autenticado
from att.models import DescriptorTematico, Tema
from demanda import selectors
from demanda.api import serializers as s
from demanda.filters import DemandaFilter
from demanda.models import EventoDemanda


class DemandaViewSet(ListaPorLotes, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Demandas de asistencia técnica, acotadas a la entidad de quien llama (token o sesión).
    Crear: la entidad debe ser la del usuario (o un municipio de su departamento, para el equipo
    departamental). Temas y catálogos por código."""

    permission_classes = [Autenticado]
    filterset_class = DemandaFilter
    ordering = "-pk"

    def get_queryset(self):
        qs = selectors.demandas_visibles(self.request.user).select_related(
            "entidad", "capacidad", "etapa", "modalidad", "canal",
        ).prefetch_related(
            Prefetch("temas", queryset=Tema.objects.only("pk", "codigo")),
            Prefetch("descriptores", queryset=DescriptorTematico.objects.only("pk", "codigo")),
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("eventos", queryset=EventoDemanda.objects.select_related("por")))
        return qs

    def get_serializer_class(self):
        return s.DemandaDetalleSerializer if self.action == "retrieve" else s.DemandaSerializer
