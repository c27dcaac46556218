"""API del PAS: mismos servicios y selectores que las páginas. Acciones y cortes son públicos; los
reportes, como en las páginas (aprobados para todos, el resto para su entidad y el DNP)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from att.api.permisos import Autenticado, LecturaPublicaEscrituraAutenticada
from pas import selectors, services
from pas.api import serializers as s
from pas.models import CorteSemestral, IndicadorAccion, ReportePAS


class CorteViewSet(viewsets.ReadOnlyModelViewSet):
    """Los nueve cortes semestrales (Tabla 1), con el enlace a su informe consolidado. El DNP los cierra."""

    serializer_class = s.CortePASSerializer
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    filterset_fields = ["numero", "es_cierre"]

    def get_queryset(self):
        return CorteSemestral.objects.select_related("informe").order_by("numero")

    @extend_schema(request=None, responses=s.CortePASSerializer)
    @action(detail=True, methods=["post"])
    def cerrar(self, request, pk=None):
        corte = services.corte_cerrar(corte=self.get_object(), por=request.user)
        return Response(s.CortePASSerializer(CorteSemestral.objects.select_related("informe").get(pk=corte.pk)).data)

    @extend_schema(request=None, responses=s.CortePASSerializer)
    @action(detail=True, methods=["post"])
    def informe(self, request, pk=None):
        corte = self.get_object()
        services.informe_pedir(corte=corte, por=request.user)
        return Response(s.CortePASSerializer(CorteSemestral.objects.select_related("informe").get(pk=corte.pk)).data,
                        status=202)


class AccionViewSet(viewsets.ReadOnlyModelViewSet):
    """Las acciones del PAS con su objetivo, responsable, corresponsables, fechas, peso e indicadores."""

    serializer_class = s.AccionPASSerializer
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    filterset_fields = {"objetivo__codigo": ["exact"], "entidad": ["exact"], "fecha_inicio": ["gte", "lte"]}

    def get_queryset(self):
        return selectors.acciones().prefetch_related(
            "corresponsables", Prefetch("indicadores_pas", queryset=IndicadorAccion.objects.order_by("pk")))


class ReporteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reportes semestrales. POST crea o actualiza el borrador de (acción, corte) de su entidad; las
    transiciones son acciones: enviar (la entidad), aprobar y devolver (el DNP)."""

    serializer_class = s.ReportePASSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["corte", "accion", "estado", "accion__entidad"]

    def get_queryset(self):
        return selectors.reportes_visibles(self.request.user).prefetch_related("valores", "versiones").order_by("pk")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.reporte_guardar(
            accion=d["accion"], corte=d["corte"], por=self.request.user,
            avance=d.get("avance"), comprometido=d.get("comprometido", 0), pagado=d.get("pagado", 0),
            nota=d.get("nota", ""), valores={v["indicador"].pk: v["valor"] for v in d.get("valores", [])})

    def _paso(self, request, pk, servicio, **extra):
        reporte = get_object_or_404(self.get_queryset(), pk=pk)
        reporte = servicio(reporte=reporte, por=request.user, **extra)
        return Response(s.ReportePASSerializer(ReportePAS.objects.prefetch_related("valores", "versiones").get(pk=reporte.pk)).data)

    @extend_schema(request=None, responses=s.ReportePASSerializer)
    @action(detail=True, methods=["post"])
    def enviar(self, request, pk=None):
        return self._paso(request, pk, services.reporte_enviar)

    @extend_schema(request=s.ComentarioPASSerializer, responses=s.ReportePASSerializer)
    @action(detail=True, methods=["post"])
    def aprobar(self, request, pk=None):
        datos = s.ComentarioPASSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        return self._paso(request, pk, services.reporte_aprobar, comentario=datos.validated_data.get("comentario", ""))

    @extend_schema(request=s.ComentarioPASSerializer, responses=s.ReportePASSerializer)
    @action(detail=True, methods=["post"])
    def devolver(self, request, pk=None):
        datos = s.ComentarioPASSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        return self._paso(request, pk, services.reporte_devolver, comentario=datos.validated_data.get("comentario", ""))
