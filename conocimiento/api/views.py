from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from att import perfil, permisos
from att.api.paginacion import PaginacionRelevancia
from att.api.permisos import Autenticado, LecturaPublicaEscrituraAutenticada
from att.models import Entidad, Rol
from conocimiento import selectors, services
from conocimiento.filters import RecursoFilter
from conocimiento.models import (
    Discusion,
    EspacioComunidad,
    EstadoInscripcion,
    Evento,
    Inscripcion,
    PreguntaFrecuente,
)
from conocimiento.rules import modera_espacio
from oferta.selectors import ofertas_visibles

from . import serializers as s


class RecursoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Repositorio: buenas prácticas, experiencias significativas y lecciones aprendidas.

    Lectura pública de lo publicado (quien propuso ve además lo suyo; el DNP todo). `q` busca en
    español sin tildes. Cualquier miembro propone (`POST`); el DNP publica o devuelve con
    `POST /conocimiento/recursos/{id}/revisar/`. `GET /conocimiento/recursos/facetas/` da los conteos.
    """

    serializer_class = s.RecursoSerializer
    filterset_class = RecursoFilter
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    # Con `q`: relevancia y luego el mismo desempate del repositorio (`selectors.buscar_recursos`).
    pagination_class = PaginacionRelevancia
    desempate_relevancia = ("-publicado_en", "-pk")

    def get_queryset(self):
        return (
            selectors.recursos_visibles(self.request.user).select_related("departamento")
            .prefetch_related("temas", "materiales").defer("busqueda")
        )

    def perform_create(self, serializer):
        datos = dict(serializer.validated_data)
        serializer.instance = services.recurso_proponer(
            por=self.request.user, tipo=datos.pop("tipo"), temas=datos.pop("temas", []), **datos)

    @extend_schema(request=s.RevisionRecursoSerializer, responses=s.RecursoSerializer)
    @action(detail=True, methods=["post"])
    def revisar(self, request, pk=None):
        recurso = self.get_object()
        datos = s.RevisionRecursoSerializer(data=request.data)
        datos.is_valid(raise_exception=True)
        recurso = services.recurso_revisar(recurso=recurso, por=request.user, **datos.validated_data)
        return Response(self.get_serializer(recurso).data)

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("q", "tipo", "tema", "departamento")],
                   responses=dict)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def facetas(self, request):
        from att.api.filtros import valores_multiples

        g = request.query_params
        resultado = selectors.buscar_recursos(
            q=g.get("q", "")[:200], tipo=(valores_multiples(g, "tipo") or [])[:10],
            tema=[v for v in (valores_multiples(g, "tema") or [])[:30] if v.isdigit()],
            departamento=[v[:2] for v in (valores_multiples(g, "departamento") or [])[:40]])
        return Response({"total": resultado.recursos.count(), "facetas": resultado.facetas})


class EspacioViewSet(viewsets.ReadOnlyModelViewSet):
    """Espacios de la comunidad de práctica (por tema o región)."""

    serializer_class = s.EspacioComunidadSerializer
    permission_classes = [Autenticado]
    queryset = EspacioComunidad.objects.filter(activo=True).order_by("pk")
    filterset_fields = ["tipo", "tema", "region"]


class DiscusionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Discusiones. Lo ocultado por moderación solo lo ven los moderadores del espacio.
    `GET|POST /conocimiento/discusiones/{id}/respuestas/` lista o publica respuestas."""

    serializer_class = s.DiscusionSerializer
    permission_classes = [Autenticado]
    filterset_fields = ["espacio"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Discusion.objects.none()
        return selectors.discusiones_visibles(self.request.user)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.discusion_abrir(espacio=d["espacio"], por=self.request.user,
                                                       titulo=d["titulo"], cuerpo=d["cuerpo"])

    @extend_schema(request=s.RespuestaDiscusionSerializer, responses=s.RespuestaDiscusionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def respuestas(self, request, pk=None):
        discusion = self.get_object()
        if request.method == "POST":
            datos = s.RespuestaDiscusionSerializer(data=request.data)
            datos.is_valid(raise_exception=True)
            r = services.respuesta_publicar(discusion=discusion, por=request.user,
                                            cuerpo=datos.validated_data["cuerpo"])
            return Response(s.RespuestaDiscusionSerializer(r).data, status=201)
        qs = discusion.respuestas.select_related("autor")
        if not modera_espacio(request.user, discusion.espacio):
            qs = qs.filter(oculta=False)
        return Response(s.RespuestaDiscusionSerializer(qs[:1000], many=True).data)


class CursoViewSet(viewsets.ReadOnlyModelViewSet):
    """Cursos del plan de formación, por nivel y tipo de capacidad."""

    serializer_class = s.CursoSerializer
    filterset_fields = ["nivel", "tipo_capacidad", "tema", "entidad", "oferta"]

    def get_queryset(self):
        return selectors.cursos_visibles(self.request.user).order_by("pk")


class SesionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sesiones de formación con cupos. `POST .../inscribirse/` inscribe (o pone en lista de espera)."""

    serializer_class = s.SesionFormacionSerializer
    filterset_fields = ["curso", "modalidad"]

    def get_queryset(self):
        return selectors.sesiones_visibles(self.request.user).annotate(
            inscritos=Count("inscripciones", filter=Q(inscripciones__estado=EstadoInscripcion.INSCRITA)),
            en_espera=Count("inscripciones", filter=Q(inscripciones__estado=EstadoInscripcion.EN_ESPERA)),
        ).order_by("pk")

    @extend_schema(request=None, responses=s.InscripcionFormacionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[Autenticado])
    def inscribirse(self, request, pk=None):
        ins = services.inscribir(sesion=self.get_object(), por=request.user)
        return Response(s.InscripcionFormacionSerializer(ins).data, status=201)


class InscripcionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mis inscripciones. `POST .../cancelar/` libera el cupo y sube a quien sigue en la lista de espera."""

    serializer_class = s.InscripcionFormacionSerializer
    permission_classes = [Autenticado]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inscripcion.objects.none()
        return Inscripcion.objects.filter(usuario=self.request.user)

    @extend_schema(request=None, responses=s.InscripcionFormacionSerializer)
    @action(detail=True, methods=["post"])
    def cancelar(self, request, pk=None):
        ins = self.get_object()
        services.cancelar_inscripcion(inscripcion=ins, por=request.user)
        ins.refresh_from_db()
        return Response(s.InscripcionFormacionSerializer(ins).data)


class EventoViewSet(viewsets.ReadOnlyModelViewSet):
    """Eventos, entre ellos el encuentro anual de buenas prácticas."""

    serializer_class = s.EventoConocimientoSerializer
    queryset = Evento.objects.prefetch_related("practicas").order_by("pk")
    filterset_fields = ["tipo"]


class PreguntaViewSet(viewsets.ModelViewSet):
    """Banco de preguntas frecuentes por oferta; lo mantiene la entidad oferente."""

    serializer_class = s.PreguntaFrecuenteSerializer
    permission_classes = [LecturaPublicaEscrituraAutenticada]
    filterset_fields = ["oferta"]

    def get_queryset(self):
        qs = PreguntaFrecuente.objects.filter(oferta__in=ofertas_visibles(self.request.user).values("pk")).order_by("pk")
        if permisos.lee_todo(self.request.user):
            return qs
        propias = Q(oferta__entidad__in=permisos.entidades_de(self.request.user, [Rol.OFERENTE]).values("pk"))
        return qs.filter(Q(publicada=True) | propias)

    def _guardar(self, serializer, instancia=None):
        """Crea o cambia (también parcialmente) por el servicio, que verifica el permiso."""
        d = serializer.validated_data
        campos = {c: d.get(c, getattr(instancia, c, defecto))
                  for c, defecto in (("pregunta", ""), ("respuesta", ""), ("orden", 0), ("publicada", True))}
        serializer.instance = services.pregunta_guardar(
            oferta=d.get("oferta") or instancia.oferta, por=self.request.user, instancia=instancia, **campos)

    def perform_create(self, serializer):
        self._guardar(serializer)

    def perform_update(self, serializer):
        self._guardar(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.pregunta_eliminar(instancia=instance, por=self.request.user)


def _json(valor):
    if valor is None or isinstance(valor, (bool, int, float, str)):
        return valor
    if hasattr(valor, "isoformat"):
        return valor.isoformat()
    return str(valor)


class MemoriaView(APIView):
    """Memoria institucional de una entidad territorial: toda su historia de asistencia técnica."""

    permission_classes = [Autenticado]

    @extend_schema(responses=dict)
    def get(self, request, entidad_pk):
        entidad = get_object_or_404(Entidad, pk=entidad_pk)
        if not request.user.has_perm("conocimiento.ver_memoria", entidad):
            raise PermissionDenied(_("La memoria de esta entidad la ven sus funcionarios, su equipo departamental y el DNP."))
        # La memoria es el perfil de la entidad: las secciones que cada app registra en `att.perfil`.
        secciones = perfil.visibles(entidad, request.user, privado=True)
        return Response({
            "entidad": {"id": entidad.pk, "nombre": entidad.nombre, "perfil": perfil.url_perfil(entidad)},
            "secciones": [{
                "clave": v.seccion.clave, "titulo": str(v.seccion.titulo),
                "tablas": [{"titulo": str(t.titulo), "total": t.total, "encabezados": [str(e) for e in t.encabezados],
                            "filas": [[_json(c) for c in fila] for fila in t.filas]}
                           for t in (v.datos.get("tablas", []) if isinstance(v.datos, dict) else [])],
            } for v in secciones],
        })
