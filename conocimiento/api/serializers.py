from django.urls import reverse
from rest_framework import serializers

from att import permisos
from att.validadores import TEXTO_MEDIO
from conocimiento.models import (
    Curso,
    Discusion,
    EspacioComunidad,
    Evento,
    Inscripcion,
    Material,
    PreguntaFrecuente,
    Recurso,
    Respuesta,
    SesionFormacion,
    TipoRecurso,
)


class MaterialRecursoSerializer(serializers.ModelSerializer):
    archivo = serializers.SerializerMethodField(help_text="Descarga del documento (verifica que se pueda ver el recurso).")

    class Meta:
        model = Material
        fields = ["id", "tipo", "titulo", "archivo", "tamano", "url", "subido"]

    def get_archivo(self, obj) -> str | None:
        if not obj.archivo:
            return None
        url = reverse("conocimiento:material", args=[obj.pk])
        peticion = self.context.get("request")
        return peticion.build_absolute_uri(url) if peticion else url


class RecursoSerializer(serializers.ModelSerializer):
    tipo = serializers.ChoiceField(choices=TipoRecurso.choices)
    materiales = MaterialRecursoSerializer(many=True, read_only=True)
    departamento_nombre = serializers.CharField(source="departamento.nombre", read_only=True, allow_null=True,
                                                default=None)
    comentario_revision = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="Comentario de la revisión del DNP; `null` para quien no propuso el recurso ni es del DNP.")

    class Meta:
        model = Recurso
        fields = [
            "id", "tipo", "titulo", "resumen", "contenido", "temas", "entidad", "municipio", "departamento",
            "departamento_nombre", "oferta", "plan", "experiencia", "periodo", "resultados", "como_replicarla",
            "recomendacion", "estado", "comentario_revision", "publicado_en", "materiales",
        ]
        read_only_fields = ["estado", "comentario_revision", "publicado_en", "departamento"]

    def to_representation(self, instance):
        """Los comentarios de la revisión son para quien propuso y para el DNP, no para el público.

        El campo va siempre, nulo para los demás: un cliente tipado lo espera en cada recurso."""
        datos = super().to_representation(instance)
        usuario = getattr(self.context.get("request"), "user", None)
        if not (usuario and usuario.is_authenticated
                and (instance.propuesto_por_id == usuario.pk or permisos.lee_todo(usuario))):
            datos["comentario_revision"] = None
        return datos


class RevisionRecursoSerializer(serializers.Serializer):
    publicar = serializers.BooleanField()
    comentario = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXTO_MEDIO)


class EspacioComunidadSerializer(serializers.ModelSerializer):
    class Meta:
        model = EspacioComunidad
        fields = ["id", "nombre", "slug", "descripcion", "tipo", "tema", "region"]


class RespuestaDiscusionSerializer(serializers.ModelSerializer):
    autor_nombre = serializers.CharField(source="autor.nombre", read_only=True)

    class Meta:
        model = Respuesta
        fields = ["id", "autor", "autor_nombre", "cuerpo", "oculta", "motivo_moderacion", "creada"]
        read_only_fields = ["autor", "oculta", "motivo_moderacion", "creada"]


class DiscusionSerializer(serializers.ModelSerializer):
    autor_nombre = serializers.CharField(source="autor.nombre", read_only=True)

    class Meta:
        model = Discusion
        fields = ["id", "espacio", "titulo", "cuerpo", "autor", "autor_nombre", "cerrada", "oculta", "creada",
                  "ultima_actividad"]
        read_only_fields = ["autor", "cerrada", "oculta", "creada", "ultima_actividad"]


class CursoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Curso
        fields = ["id", "nombre", "descripcion", "nivel", "tipo_capacidad", "tema", "entidad", "oferta", "horas"]


class SesionFormacionSerializer(serializers.ModelSerializer):
    inscritos = serializers.IntegerField(read_only=True)
    en_espera = serializers.IntegerField(read_only=True)

    class Meta:
        model = SesionFormacion
        fields = ["id", "curso", "modalidad", "inicio", "fin", "lugar", "enlace", "cupos", "inscritos", "en_espera"]


class InscripcionFormacionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inscripcion
        fields = ["id", "sesion", "usuario", "entidad", "estado", "solicitada", "asistio"]


class EventoConocimientoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evento
        fields = ["id", "nombre", "tipo", "descripcion", "inicio", "fin", "lugar", "cupos", "practicas"]


class PreguntaFrecuenteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreguntaFrecuente
        fields = ["id", "oferta", "pregunta", "respuesta", "orden", "publicada", "actualizada"]
        read_only_fields = ["actualizada"]
