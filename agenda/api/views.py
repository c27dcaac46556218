"""API de la agenda: mismos servicios y selectores que las páginas."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filtros
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agenda import selectors, services
from agenda.api import serializers as s
from agenda.models import (
    AgendaNacional,
    AgendaTerritorial,
    InstanciaGobernanza,
    LineaPlan,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    SesionInstancia,
)
from att.api.filtros import PeriodoGobiernoFilter
from att.api.lotes import ListaPorLotes
from att.api.permisos import Autenticado


class AgendaViewSet(viewsets.ReadOnlyModelViewSet):
    """Agendas nacionales de ATT con sus objetivos, indicadores y metas."""

    queryset = AgendaNacional.objects.prefetch_related("objetivos", "participantes").order_by("-anio_inicio", "pk")
    serializer_class = s.AgendaSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["estado", "anio_inicio"]


class PlanFilter(filtros.FilterSet):
    class Meta:
        model = PlanDeTrabajo
        fields = ["agenda", "entidad", "vigencia", "estado"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Planes de trabajo visibles para quien consulta; `enviar` y `revisar` recorren el ciclo de revisión."""

    permission_classes = [Autenticado]
    filterset_class = PlanFilter

    def get_queryset(self):
        qs = selectors.planes_visibles(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("lineas__territorios", "lineas__demandas", "lineas__etapa",
                                     "lineas__responsable", "versiones__enviada_por", "revisiones__por",
                                     "revisiones__version")
        return qs

    def get_serializer_class(self):
        return s.PlanDetalleSerializer if self.action == "retrieve" else s.PlanSerializer

    @extend_schema(request=s.EnviarSerializer, responses=s.VersionSerializer)
    @action(detail=True, methods=["post"])
    def enviar(self, request, pk=None):
        plan = self.get_object()
        datos = s.EnviarSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        version = services.plan_enviar(plan=plan, por=request.user, **datos.validated_data)
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RevisarSerializer, responses=s.RevisionSerializer)
    @action(detail=True, methods=["post"])
    def revisar(self, request, pk=None):
        plan = self.get_object()
        datos = s.RevisarSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        revision = services.plan_revisar(plan=plan, por=request.user, **datos.validated_data)
        return Response(s.RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class LineaFilter(filtros.FilterSet):
    territorio = filtros.NumberFilter(field_name="territorios", label=_("Entidad territorial focalizada"))
    vigencia = filtros.NumberFilter(field_name="plan__vigencia")
    etapa = filtros.CharFilter(field_name="etapa__codigo")
    periodo = PeriodoGobiernoFilter(field_name="fecha_inicio")

    class Meta:
        model = LineaPlan
        fields = ["plan", "oferta", "territorio", "vigencia", "etapa", "periodo"]


class LineaViewSet(ListaPorLotes, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """Líneas de planes (las aprobadas de todos y las propias). Crear con `?plan=<id>` o `plan` en el cuerpo."""

    serializer_class = s.LineaPlanSerializer
    permission_classes = [Autenticado]
    filterset_class = LineaFilter

    def get_queryset(self):
        return (
            LineaPlan.objects.filter(selectors._filtro_lineas_visibles(self.request.user))
            .select_related("etapa", "responsable").prefetch_related("territorios", "demandas", "indicadores_vinculados").distinct()
        )

    def _plan(self):
        pk = self.request.data.get("plan") or self.request.query_params.get("plan")
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise exceptions.ValidationError({"plan": [_("Indique el número del plan de trabajo.")]}) from None
        return get_object_or_404(selectors.planes_visibles(self.request.user), pk=pk)

    def perform_create(self, serializer):
        serializer.instance = services.linea_guardar(plan=self._plan(), por=self.request.user,
                                                     **serializer.validated_data)

    def perform_update(self, serializer):
        linea = serializer.instance
        serializer.instance = services.linea_guardar(plan=linea.plan, linea=linea, por=self.request.user,
                                                     **serializer.validated_data)

    def perform_destroy(self, instance):
        services.linea_eliminar(linea=instance, por=self.request.user)


class PlanConcertadoFilter(filtros.FilterSet):
    periodo = PeriodoGobiernoFilter(field_name="vigencia")

    class Meta:
        model = PlanConcertado
        fields = ["entidad_territorial", "vigencia", "estado", "periodo"]


class PlanConcertadoViewSet(viewsets.ReadOnlyModelViewSet):
    """Planes concertados con las entidades territoriales (articulados si tienen varios oferentes).
    `periodo`: los de las vigencias de ese periodo de gobierno."""

    serializer_class = s.PlanConcertadoSerializer
    permission_classes = [Autenticado]
    filterset_class = PlanConcertadoFilter

    def get_queryset(self):
        return selectors.concertados_visibles(self.request.user).prefetch_related("oferentes", "lineas").order_by("-pk")


class CompromisoViewSet(viewsets.ReadOnlyModelViewSet):
    """Compromisos de las mesas de trabajo y de las decisiones de las instancias de gobernanza;
    `?vencidos=1` para los vencidos (fecha límite anterior a hoy, abiertos)."""

    serializer_class = s.CompromisoSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["plan", "sesion", "estado"]

    def get_queryset(self):
        qs = selectors.compromisos_visibles(self.request.user).select_related("responsable")
        if self.request.query_params.get("vencidos") in ("1", "true"):
            qs = qs.filter(pk__in=selectors.compromisos_vencidos(self.request.user).values("pk"))
        return qs


class ObjetivoFilter(filtros.FilterSet):
    q = filtros.CharFilter(method="buscar", label=_("Texto en el enunciado o el indicador"))

    class Meta:
        model = ObjetivoAgenda
        fields = ["agenda", "tipo_descriptor", "indicador_vinculado"]

    def buscar(self, qs, _nombre, valor):
        return qs.filter(Q(enunciado__icontains=valor) | Q(indicador__icontains=valor))


class ObjetivoAgendaViewSet(viewsets.ReadOnlyModelViewSet):
    """Objetivos de las agendas nacionales con el avance ponderado de las líneas que les sirven, por año
    (regla: Σ(peso × avance) ÷ Σ peso sobre las líneas de planes aprobados de cada vigencia)."""

    serializer_class = s.ObjetivoAvanceSerializer
    permission_classes = [Autenticado]
    filterset_class = ObjetivoFilter
    queryset = ObjetivoAgenda.objects.select_related("agenda").order_by("agenda_id", "tipo_descriptor", "orden", "pk")

    def _con_rollup(self, objetos):
        return {"request": self.request, "rollup": selectors.rollup_lineas([o.pk for o in objetos])}

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        pagina = self.paginate_queryset(qs)
        objetos = list(pagina if pagina is not None else qs)
        datos = self.get_serializer_class()(objetos, many=True, context=self._con_rollup(objetos)).data
        return self.get_paginated_response(datos) if pagina is not None else Response(datos)

    def retrieve(self, request, *args, **kwargs):
        objeto = self.get_object()
        return Response(self.get_serializer_class()(objeto, context=self._con_rollup([objeto])).data)


class InstanciaViewSet(viewsets.ReadOnlyModelViewSet):
    """Instancias de gobernanza de la política (comité territorial, mesas técnicas…) con sus miembros."""

    serializer_class = s.InstanciaSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["tipo", "nivel", "activa", "agenda"]
    queryset = InstanciaGobernanza.objects.prefetch_related("miembros__entidad").order_by("nivel", "nombre", "pk")


class SesionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sesiones de las instancias con asistencia, decisiones y resultados presentados; `decisiones` registra
    una decisión (con responsable y fecha límite se vuelve compromiso)."""

    serializer_class = s.SesionSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["instancia"]
    queryset = SesionInstancia.objects.prefetch_related("asistentes", "decisiones", "resultados").order_by("-fecha", "pk")

    @extend_schema(request=s.NuevaDecisionSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decisiones(self, request, pk=None):
        sesion = self.get_object()
        datos = s.NuevaDecisionSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        decision = services.decision_registrar(sesion=sesion, por=request.user, **datos.validated_data)
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class AgendaTerritorialFilter(filtros.FilterSet):
    entidad = filtros.NumberFilter(field_name="entidades", label=_("Entidad territorial que la suscribe"))
    linea = filtros.NumberFilter(field_name="lineas", label=_("Línea de plan que le sirve"))
    oferta = filtros.NumberFilter(field_name="ofertas", label=_("Oferta que le sirve"))

    class Meta:
        model = AgendaTerritorial
        fields = ["tipo", "entidad", "linea", "oferta"]


class AgendaTerritorialViewSet(viewsets.ReadOnlyModelViewSet):
    """Agendas territoriales de desarrollo (pactos territoriales, iniciativas PDET, planes de esquemas
    asociativos) con sus entidades y las líneas y ofertas que les sirven."""

    serializer_class = s.AgendaTerritorialSerializer
    permission_classes = [Autenticado]
    filterset_class = AgendaTerritorialFilter
    queryset = AgendaTerritorial.objects.prefetch_related("entidades", "lineas", "ofertas").order_by("nombre", "pk").distinct()
