from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from att.api.lotes import Calculado, ListaPorLotes
from att.api.paginacion import PaginacionRelevancia
from att.api.permisos import LecturaPublicaEscrituraAutenticada
from oferta import selectors, services
from oferta.filters import OfertaFilter

from .serializers import HitoPlantillaSerializer, OfertaSerializer

PREFETCH = ("cooferentes", "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
            "focaliza_departamentos", "focaliza_entidades", "indicadores")


class OfertaViewSet(ListaPorLotes, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Ofertas de asistencia técnica.

    Lectura pública de las ofertas publicadas (el oferente ve además las de su entidad y el DNP
    todas). Un oferente autenticado crea borradores de su entidad y los edita mientras estén en
    borrador o devueltos; `POST /ofertas/{id}/enviar/` los envía a revisión del DNP.
    """

    serializer_class = OfertaSerializer
    filterset_class = OfertaFilter
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    ordering_fields = ["id"]
    # Con `q`: relevancia y luego el mismo desempate del portal (`oferta.selectors.ORDEN_SQL`).
    pagination_class = PaginacionRelevancia
    desempate_relevancia = ("-publicada_en", "-pk")
    # La lista por lotes (att/api/lotes.py): `url` no es columna. Toda edición por los servicios pasa
    # por `actualizar_busqueda`, que pone `actualizada` (también al cambiar solo relaciones): con la
    # de la entidad anidada, cubre lo servido por fila.
    lotes_calculados = {"url": Calculado(("pk",), lambda f: f"/oferta/{f['pk']}/")}
    lotes_huella = ("actualizada", "entidad__actualizado")

    def clave_lista_fija(self, request):
        return selectors.clave_ofertas_visibles(request.user)

    def get_queryset(self):
        return (
            selectors.ofertas_visibles(self.request.user)
            .select_related("entidad", "canal")
            .prefetch_related(*PREFETCH)
            .defer("busqueda")
        )

    def perform_create(self, serializer):
        datos = dict(serializer.validated_data)
        serializer.instance = services.oferta_crear(
            por=self.request.user, entidad=datos.pop("entidad"), datos=datos)

    def perform_update(self, serializer):
        serializer.instance = services.oferta_actualizar(
            por=self.request.user, oferta=serializer.instance, datos=dict(serializer.validated_data))

    @extend_schema(request=None, responses=OfertaSerializer)
    @action(detail=True, methods=["post"])
    def enviar(self, request, pk=None):
        oferta = self.get_object()
        oferta = services.oferta_enviar(oferta=oferta, por=request.user)
        return Response(self.get_serializer(selectors.oferta_detalle(oferta.pk)).data)

    @extend_schema(request=HitoPlantillaSerializer(many=True), responses=HitoPlantillaSerializer(many=True))
    @action(detail=True, methods=["get", "put"], url_path="hitos")
    def hitos(self, request, pk=None):
        """Hitos estándar del producto (GET); PUT los reemplaza todos (solo el oferente de la entidad).
        Las líneas ya empezadas conservan sus hitos."""
        oferta = self.get_object()
        if request.method == "PUT":
            if not request.user.has_perm("oferta.gestionar", oferta):
                raise DjangoPermissionDenied(_("Solo un oferente de la entidad define los hitos del producto."))
            datos = HitoPlantillaSerializer(data=request.data, many=True)
            datos.is_valid(raise_exception=True)
            services.plantilla_hitos_guardar(oferta=oferta, filas=list(datos.validated_data), por=request.user)
        return Response(HitoPlantillaSerializer(oferta.plantilla_hitos.order_by("orden", "pk"), many=True).data)
