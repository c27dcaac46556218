"""`…/mensajes/` de una demanda o un plan concertado (`att.conversaciones`): la lista y el envío.

Cada app agrega la ruta con `MensajesView.as_view(tipo="<nombre registrado>")`. Quien no ve el objeto
recibe 404; el envío pasa por `att.services.mensaje_publicar` (la cabecera `Idempotency-Key` es también
la clave del mensaje: un reintento no crea otro)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import exceptions, generics, serializers

from att import conversaciones, services
from att.api import parsers
from att.api.permisos import Autenticado
from att.idempotencia import CABECERA
from att.models import AdjuntoMensaje, Mensaje
from att.validadores import TEXTO_MEDIO


class AdjuntoMensajeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Descarga (con la misma sesión o token).")

    class Meta:
        model = AdjuntoMensaje
        fields = ["id", "nombre", "tamano", "url"]

    def get_url(self, adjunto) -> str:
        return reverse("nucleo:adjunto-mensaje", args=[adjunto.pk])


class MensajeSerializer(serializers.ModelSerializer):
    autor = serializers.CharField(source="autor.nombre", read_only=True)
    entidad = serializers.CharField(source="entidad.nombre", read_only=True, allow_null=True, default=None)
    texto = serializers.CharField(max_length=TEXTO_MEDIO)
    adjuntos = AdjuntoMensajeSerializer(many=True, read_only=True)
    archivos = serializers.ListField(child=serializers.FileField(), write_only=True, required=False,
                                     help_text="Adjuntos (multipart).")

    class Meta:
        model = Mensaje
        fields = ["id", "autor", "entidad", "texto", "creado", "adjuntos", "archivos"]
        read_only_fields = ["creado"]


class MensajesView(generics.ListCreateAPIView):
    """Mensajes de la conversación, del más antiguo al más reciente. POST (multipart: `texto` y, si hace
    falta, `archivos`) deja uno y avisa a los demás participantes."""

    serializer_class = MensajeSerializer
    permission_classes = [Autenticado]
    parser_classes = [parsers.JSONSinNul, parsers.FormularioSinNul, parsers.MultiparteSinNul]
    filter_backends = []
    tipo = ""

    def objeto(self):
        if not hasattr(self, "_objeto"):
            t = conversaciones.tipo(self.tipo)
            self._objeto = t.obtener(self.request.user, self.kwargs["pk"]) if t is not None else None
            if self._objeto is None:
                raise exceptions.NotFound("No existe o no tiene acceso a ella.")
        return self._objeto

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mensaje.objects.none()
        return conversaciones.mensajes(self.objeto())

    def paginate_queryset(self, queryset):
        self.paginator.ordering = ("creado", "pk")
        return super().paginate_queryset(queryset)

    def create(self, request, *args, **kwargs):
        self.objeto()  # quien no ve el objeto recibe 404 antes de validar el cuerpo (no un 400 que lo delata)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        d = serializer.validated_data
        # Los errores del servicio los traduce el manejador único de la API (att.api.errores).
        serializer.instance = services.mensaje_publicar(
            objeto=self.objeto(), por=self.request.user, texto=d["texto"],
            adjuntos=d.get("archivos", []), clave=self.request.headers.get(CABECERA, ""),
        )
