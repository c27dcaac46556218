"""API de las rutas y los diagnósticos: mismos servicios y selectores que las páginas."""

from django_filters import rest_framework as filtros
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from att.api.filtros import PeriodoGobiernoFilter
from att.api.permisos import Autenticado
from att.models import DiagnosticoCapacidad, EgresoCapacidad
from rutas import selectors, services
from rutas.api import serializers as s
from rutas.models import EstadoRuta, Ruta


class RutaFilter(filtros.FilterSet):
    estado = filtros.ChoiceFilter(choices=EstadoRuta.choices)
    capacidad = filtros.CharFilter(field_name="capacidad__codigo", max_length=60)
    oferente = filtros.NumberFilter(field_name="oferentes", distinct=True)
    periodo = PeriodoGobiernoFilter(field_name="inicio")

    class Meta:
        model = Ruta
        fields = ["estado", "entidad", "capacidad", "oferente", "periodo"]


class RutaViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rutas de asistencia con el estado derivado de sus seis pasos (en el detalle, con las evidencias).
    `no-aplica` marca un paso que no aplica (con motivo); `egreso` termina la ruta."""

    permission_classes = [Autenticado]
    filterset_class = RutaFilter
    ordering = "-pk"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors._con_relaciones(selectors.rutas_visibles(self.request.user))

    def get_serializer_class(self):
        return s.RutaDetalleSerializer if self.action == "retrieve" else s.RutaSerializer

    def paginate_queryset(self, queryset):
        pagina = super().paginate_queryset(queryset)
        return selectors.con_pasos(pagina) if pagina is not None else None

    def retrieve(self, request, *args, **kwargs):
        ruta = self.get_object()
        ruta.pasos = selectors.pasos([ruta])[ruta.pk]
        return Response(s.RutaDetalleSerializer(ruta, context=self.get_serializer_context()).data)

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance.pasos = selectors.pasos([serializer.instance], con_evidencias=False)[serializer.instance.pk]

    @extend_schema(request=s.NoAplicaSerializer, responses=s.RutaDetalleSerializer)
    @action(detail=True, methods=["post"], url_path="no-aplica")
    def no_aplica(self, request, pk=None):
        ruta = self.get_object()
        datos = s.NoAplicaSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        services.paso_no_aplica(ruta=ruta, por=request.user, **datos.validated_data)
        ruta.pasos = selectors.pasos([ruta])[ruta.pk]
        return Response(s.RutaDetalleSerializer(ruta, context=self.get_serializer_context()).data)

    @extend_schema(request=s.EgresarSerializer, responses=s.RutaDetalleSerializer)
    @action(detail=True, methods=["post"])
    def egreso(self, request, pk=None):
        ruta = self.get_object()
        datos = s.EgresarSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        ruta = services.ruta_egresar(ruta=ruta, por=request.user, **datos.validated_data)
        ruta = selectors.ruta_detalle(request.user, ruta.pk)
        ruta.pasos = selectors.pasos([ruta])[ruta.pk]
        return Response(s.RutaDetalleSerializer(ruta, context=self.get_serializer_context()).data)


class DiagnosticoFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="fecha")

    class Meta:
        model = DiagnosticoCapacidad
        fields = ["entidad", "periodo"]


class DiagnosticoViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Diagnósticos de capacidad (el primero de cada entidad es su línea base), con sus valoraciones 1–5."""

    permission_classes = [Autenticado]
    filterset_class = DiagnosticoFilter
    serializer_class = s.DiagnosticoSerializer
    ordering = "-pk"

    def get_queryset(self):
        return (DiagnosticoCapacidad.objects.filter(selectors.filtro_diagnosticos(self.request.user))
                .select_related("entidad", "realizado_por")
                .prefetch_related("valoraciones__capacidad", "valoraciones__nivel", "valoraciones__tipo"))


class EgresoFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="fecha")
    capacidad = filtros.CharFilter(field_name="capacidad__codigo", max_length=60)

    class Meta:
        model = EgresoCapacidad
        fields = ["entidad", "motivo", "capacidad", "periodo"]


class EgresoViewSet(viewsets.ReadOnlyModelViewSet):
    """Egresos de las rutas visibles: los resultados (entidades que cumplieron su objetivo de capacidad)."""

    permission_classes = [Autenticado]
    filterset_class = EgresoFilter
    serializer_class = s.EgresoSerializer
    ordering = "-pk"

    def get_queryset(self):
        return EgresoCapacidad.objects.filter(ruta__in=selectors.rutas_visibles(self.request.user).values("pk")
                                              ).select_related("capacidad")
