from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from att import permisos, services
from att.api import serializers as s
from att.api.filtros import FechaHoraFilter
from att.api.paginacion import EnlacesSiemprePresentes
from att.api.permisos import Autenticado, LecturaPublicaEscrituraAutenticada
from att.idempotencia import CUERPO_A_GUARDAR
from att.models import (
    Departamento,
    Eliminacion,
    Entidad,
    Municipio,
    SuscripcionWebhook,
    TokenIntegracion,
)


class PaginaCatalogo(EnlacesSiemprePresentes, PageNumberPagination):
    """Catálogos y territorio: 200 por página, `?tamano=` hasta 2.000 (los 1.122 municipios en una
    página: filas de siete columnas, ~130 KB; medido en ~0,17 s p50 de un worker con la máquina de 2
    núcleos saturada)."""

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


class EliminacionFilter(filters.FilterSet):
    desde = FechaHoraFilter(field_name="eliminado_en", lookup_expr="gt",
                            label=_("Eliminadas después de esta fecha y hora (ISO 8601, exclusiva)"))
    tipo = filters.CharFilter(field_name="tipo", label=_("Tipo «app.modelo», p. ej. oferta.oferta"))

    class Meta:
        model = Eliminacion
        fields = ["desde", "tipo"]


class EliminacionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Lápidas de lo eliminado, para sincronizar por incrementos junto con `actualizado_desde`.

    `?desde=<ISO 8601>` da lo eliminado **después** de esa marca, en orden de eliminación; `?tipo=`
    acota a un tipo («oferta.oferta»). Se guardan `ATT_ELIMINACIONES_DIAS` días (90 por defecto).
    Cada quien ve las lápidas públicas (de objetos que cualquiera con acceso a esa lista podía leer)
    y las de las entidades por las que actúa; el DNP y el auditor, todas.
    """

    serializer_class = s.EliminacionSerializer
    filterset_class = EliminacionFilter
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    ordering = ("eliminado_en", "pk")

    def get_queryset(self):
        usuario = self.request.user
        qs = Eliminacion.objects.all()
        if permisos.lee_todo(usuario):
            return qs
        alcance = Q(publico=True)
        if usuario.is_authenticated:
            alcance |= Q(entidad_id_alcance__in=permisos.entidades_de(usuario).values("pk"))
        return qs.filter(alcance)


AVISO_SECRETO_YA_MOSTRADO = _("El secreto se mostró una sola vez, en la primera respuesta; si no lo guardó, "
                              "borre esta suscripción y registre otra.")


class SuscripcionWebhookViewSet(viewsets.ModelViewSet):
    """Webhooks firmados del integrador: `eventos` es una lista de «app.modelo.accion» (creado,
    actualizado, eliminado). El `secreto` se devuelve solo al crear. Cada entrega lleva
    `X-ATT-Marca-Tiempo` (segundos Unix), `X-ATT-Firma: sha256=<hex>` = HMAC-SHA256 con el secreto de
    `f"{marca_de_tiempo}.{cuerpo}"` (el receptor recalcula la firma con la marca recibida y rechaza
    las de más de unos minutos: así no sirve repetir una entrega vieja) y `X-ATT-Evento` (id del
    evento, para descartar repetidos: la entrega es al menos una vez).

    Registrada con un token de integración, la suscripción recibe solo lo que ese token puede leer
    (su entidad y su rol; con `entidad`, lo privado solo de esa entidad) y nada si se revoca. Hasta
    `ATT_WEBHOOK_MAX_SUSCRIPCIONES` (10) activas por persona."""

    serializer_class = s.SuscripcionWebhookSerializer
    permission_classes = [Autenticado]
    ordering = ("pk",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SuscripcionWebhook.objects.none()
        return SuscripcionWebhook.objects.filter(usuario=self.request.user)

    def create(self, request, *args, **kwargs):
        respuesta = super().create(request, *args, **kwargs)
        if isinstance(respuesta.data, dict) and respuesta.data.get("secreto"):
            # El secreto no se guarda para los reenvíos con Idempotency-Key (att/idempotencia.py):
            # un reenvío recibe el mismo 201 con este aviso en su lugar.
            guardado = {**respuesta.data, "secreto": str(AVISO_SECRETO_YA_MOSTRADO)}
            setattr(respuesta, CUERPO_A_GUARDAR, JSONRenderer().render(guardado))
        return respuesta

    def get_success_headers(self, data):
        # DRF pondría `Location` con el campo `url` (la del receptor, no la de este recurso); además el
        # middleware de idempotencia repetiría un 201 con Location como una redirección sin cuerpo.
        return {}

    def perform_create(self, serializer):
        d = serializer.validated_data
        token = self.request.auth if isinstance(self.request.auth, TokenIntegracion) else None
        suscripcion, secreto = services.webhook_suscribir(
            por=self.request.user, url=d["url"],
            eventos=d.get("eventos"), entidad=d.get("entidad"), token=token)
        suscripcion._secreto_nuevo = secreto
        serializer.instance = suscripcion

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        extra = {"entidad": d["entidad"]} if "entidad" in d else {}
        serializer.instance = services.webhook_actualizar(
            suscripcion=serializer.instance, por=self.request.user,
            url=d.get("url"), eventos=d.get("eventos"), activa=d.get("activa"), **extra)

    def perform_destroy(self, instance):
        services.webhook_eliminar(suscripcion=instance, por=self.request.user)
