"""API del seguimiento: mismos servicios y selectores que las páginas."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filtros
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, parsers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from att.api.filtros import PeriodoGobiernoFilter
from att.api.lotes import ListaPorLotes
from att.api.permisos import Autenticado
from seguimiento import cortes, selectors, services
from seguimiento.api import serializers as s
from seguimiento.models import Avance, EstadoLinea, Hito, Percepcion


class EstadoLineaFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="plan__vigencia")

    class Meta:
        model = EstadoLinea
        fields = ["entidad", "agenda", "plan", "semaforo", "responsable", "periodo"]


class EstadoLineaViewSet(viewsets.ReadOnlyModelViewSet):
    """Avance, avance esperado y semáforo de cada línea visible (`periodo`: por la vigencia del plan)."""

    serializer_class = s.EstadoLineaSerializer
    permission_classes = [Autenticado]
    filterset_class = EstadoLineaFilter
    lookup_field = "linea"

    def get_queryset(self):
        return selectors.estados_visibles(self.request.user).order_by("pk")


class EstadoLineaEntidadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Avance, semáforo, hitos vencidos y último reporte de cada línea en cada entidad territorial a la que
    llega (línea × ET), acotado a quien pregunta como los cortes."""

    serializer_class = s.EstadoLineaEntidadSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["linea", "entidad", "oferente", "departamento", "semaforo"]

    def get_queryset(self):
        return cortes.visibles(self.request.user).order_by("pk")


class HitoViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.HitoSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["linea", "padre"]

    def get_queryset(self):
        return Hito.objects.filter(linea_id__in=selectors.estados_visibles(self.request.user).values("linea_id"))

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.hito_crear(
            linea=d["linea"], padre=d.get("padre"), nombre=d["nombre"],
            peso=d.get("peso", 1), fecha_planeada=d["fecha_planeada"],
            descripcion=d.get("descripcion", ""), por=self.request.user)


class AvanceFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="fecha_corte")

    class Meta:
        model = Avance
        fields = ["hito", "estado", "periodo"]


class AvanceViewSet(ListaPorLotes, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Avances: el oferente los reporta (con evidencias en multipart); el equipo DNP los valida o devuelve.
    `periodo`: los de fecha de corte en ese periodo de gobierno."""

    serializer_class = s.AvanceSerializer
    permission_classes = [Autenticado]
    filterset_class = AvanceFilter
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        return selectors.avances_visibles(self.request.user).prefetch_related("evidencias", "entidades")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.avance_reportar(
            hito=d["hito"], porcentaje=d["porcentaje"], fecha_corte=d["fecha_corte"],
            narrativa=d["narrativa"], evidencias=d.get("archivos", []), por=self.request.user,
            entidades=d.get("entidades") or None,
        )

    @extend_schema(request=s.RevisionSerializer, responses=s.AvanceSerializer)
    @action(detail=True, methods=["post"])
    def validar(self, request, pk=None):
        avance = get_object_or_404(self.get_queryset(), pk=pk)
        datos = s.RevisionSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        avance = services.avance_validar(avance=avance, por=request.user, **datos.validated_data)
        return Response(s.AvanceSerializer(avance).data)

    @extend_schema(request=s.RevisionSerializer, responses=s.AvanceSerializer)
    @action(detail=True, methods=["post"])
    def devolver(self, request, pk=None):
        avance = get_object_or_404(self.get_queryset(), pk=pk)
        datos = s.RevisionSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        avance = services.avance_devolver(avance=avance, por=request.user, **datos.validated_data)
        return Response(s.AvanceSerializer(avance).data)


class PercepcionFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="fecha")

    class Meta:
        model = Percepcion
        fields = ["entidad", "oferente", "fecha", "periodo"]


class PercepcionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PercepcionSerializer
    permission_classes = [Autenticado]
    filterset_class = PercepcionFilter

    def get_queryset(self):
        return selectors.percepciones_visibles(self.request.user)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.percepcion_registrar(por=self.request.user, **d)


class ConsentimientoViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Consentimiento de percepción de cada ET visible. POST {entidad} lo da (con la fecha del servidor y quien
    llama); POST …/{id}/revocar/ {motivo} lo revoca. Dar o revocar dos veces no cambia nada."""

    serializer_class = s.ConsentimientoSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["entidad"]

    def get_queryset(self):
        from seguimiento.models import ConsentimientoPercepcion

        return ConsentimientoPercepcion.objects.filter(
            entidad__in=selectors.consentimientos_visibles(self.request.user).values("pk")).order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = services.consentimiento_dar(
            entidad=serializer.validated_data["entidad"],
            por=self.request.user)

    @extend_schema(request=s.RevocacionSerializer, responses=s.ConsentimientoSerializer)
    @action(detail=True, methods=["post"])
    def revocar(self, request, pk=None):
        c = get_object_or_404(self.get_queryset(), pk=pk)
        datos = s.RevocacionSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        c = services.consentimiento_revocar(
            entidad=c.entidad, por=request.user,
            motivo=datos.validated_data.get("motivo", ""))
        return Response(s.ConsentimientoSerializer(c).data)


class EvaluacionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluación intermedia y final de cada línea visible. POST crea o corrige la de ese tipo."""

    serializer_class = s.EvaluacionSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["linea", "tipo", "resultado"]

    def get_queryset(self):
        return selectors.evaluaciones_visibles(self.request.user).order_by("pk")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.evaluacion_registrar(
            linea=d["linea"], tipo=d["tipo"],
            resultado=d["resultado"], hallazgos=d["hallazgos"],
            recomendaciones=d.get("recomendaciones", ""), por=self.request.user)


def _exigir_ver(request):
    if not request.user.has_perm("seguimiento.ver"):
        raise exceptions.PermissionDenied("No tiene acceso al seguimiento.")


class AtencionViewSet(viewsets.ViewSet):
    """ETs en atención prioritaria (promedio de 12 meses bajo el umbral o sin seguimiento en la muestra)."""

    permission_classes = [Autenticado]

    @extend_schema(responses=s.AtencionSerializer(many=True))
    def list(self, request):
        _exigir_ver(request)
        return Response(s.AtencionSerializer(selectors.atencion_prioritaria(request.user), many=True).data)


class DesgloseViewSet(viewsets.ViewSet):
    """Calificaciones por región o por tema (`?por=region|tema`; región por defecto)."""

    permission_classes = [Autenticado]

    @extend_schema(responses=s.DesgloseSerializer(many=True), parameters=[
        OpenApiParameter("por", str, enum=["region", "tema"], required=False)])
    def list(self, request):
        _exigir_ver(request)
        por = request.query_params.get("por")
        filas = (selectors.percepcion_por_tema if por == "tema" else selectors.percepcion_por_region)(request.user)
        return Response(s.DesgloseSerializer(filas, many=True).data)


class CostoViewSet(viewsets.ViewSet):
    """Costo por ET asistida y por punto de capacidad ganado, por oferente o por tema (`?por=oferente|tema`;
    oferente por defecto)."""

    permission_classes = [Autenticado]

    @extend_schema(responses=s.CostoSerializer(many=True), parameters=[
        OpenApiParameter("por", str, enum=["oferente", "tema"], required=False)])
    def list(self, request):
        por = "tema" if request.query_params.get("por") == "tema" else "oferente"
        if not request.user.has_perm("seguimiento.ver_costo"):
            raise exceptions.PermissionDenied("El costo de la asistencia lo ven el DNP y los oferentes.")
        return Response(s.CostoSerializer(selectors.costo_asistencia(request.user, por=por), many=True).data)


class InformeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.InformeSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["tipo", "periodo", "alcance", "estado"]

    def get_queryset(self):
        return selectors.informes_visibles(self.request.user)


class CorteViewSet(viewsets.ViewSet):
    """Los seis cortes SETA (entidad, dependencia, producto, zona, estrategia, asesor) con los mismos filtros
    que la página: agenda, oferente (solo quien lee todo), departamento, region, semaforo y, en zona,
    nivel=region. Cada fila: avance, esperado, semáforo, conteo de semáforos, hitos vencidos y último reporte."""

    permission_classes = [Autenticado]

    @extend_schema(responses=s.CorteSerializer)
    def list(self, request, dimension=None):
        if not request.user.has_perm("seguimiento.ver"):
            raise exceptions.PermissionDenied("No tiene acceso al seguimiento.")
        datos = cortes.corte(request.user, dimension, **cortes.filtros_de(request.query_params, request.user))
        return Response(s.CorteSerializer({"dimension": dimension, "total": datos["total"],
                                           "filas": datos["filas"]}).data)
