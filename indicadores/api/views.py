"""API de los indicadores y sus mediciones (rutas bajo /api/v1/seguimiento/, como siempre)."""

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from att.api.errores import Conflicto
from att.api.permisos import Autenticado
from indicadores import rules, selectors, services
from indicadores.api import serializers as s
from indicadores.models import Medicion


class IndicadorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IndicadorSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["tipo", "tipo_acumulacion", "entidad", "activo"]

    def get_queryset(self):
        return selectors.indicadores_visibles(self.request.user)


class MedicionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Mediciones; las de un periodo cerrado no se pueden crear ni cambiar."""

    serializer_class = s.MedicionSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["indicador", "periodo"]

    def get_queryset(self):
        return Medicion.objects.filter(indicador__in=selectors.indicadores_visibles(self.request.user).values("pk"))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        # La API crea; una medición del mismo mes ya guardada es un conflicto (se corrige en la página).
        periodo = selectors.primer_dia(d["periodo"])
        if (rules.mide_indicador(request.user, d["indicador"]) and not selectors.periodo_cerrado(periodo)
                and Medicion.objects.filter(indicador=d["indicador"], periodo=periodo).exists()):
            raise Conflicto(str(services.MENSAJE_MEDICION_REPETIDA))
        medicion = services.medicion_registrar(
            indicador=d["indicador"], periodo=d["periodo"],
            valor=d["valor"], observacion=d.get("observacion", ""), por=request.user)
        return Response(s.MedicionSerializer(medicion).data, status=status.HTTP_201_CREATED)
