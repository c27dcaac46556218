from rest_framework import serializers

from att.validadores import TEXTO_MEDIO
from seguimiento.models import (
    Avance,
    EstadoLinea,
    EvidenciaAvance,
    Hito,
    InformeMensual,
    Percepcion,
)


class HitoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hito
        fields = ["id", "linea", "padre", "nombre", "descripcion", "peso", "fecha_planeada", "avance", "cumplido_en"]
        read_only_fields = ["avance", "cumplido_en"]


class EvidenciaSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenciaAvance
        fields = ["id", "nombre", "subido_en"]


class AvanceSerializer(serializers.ModelSerializer):
    evidencias = EvidenciaSerializer(many=True, read_only=True)
    archivos = serializers.ListField(child=serializers.FileField(), write_only=True, required=False,
                                     help_text="Evidencias (multipart).")

    class Meta:
        model = Avance
        fields = ["id", "hito", "porcentaje", "fecha_corte", "narrativa", "estado", "registrado_por", "registrado_en",
                  "revisado_por", "revisado_en", "comentario_revision", "evidencias", "archivos"]
        read_only_fields = ["estado", "registrado_por", "registrado_en", "revisado_por", "revisado_en",
                            "comentario_revision"]


class RevisionSerializer(serializers.Serializer):
    comentario = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXTO_MEDIO)


class EstadoLineaSerializer(serializers.ModelSerializer):
    class Meta:
        model = EstadoLinea
        fields = ["linea", "plan", "agenda", "entidad", "responsable", "peso", "avance", "esperado", "semaforo",
                  "hitos_vencidos", "actualizado"]


class PercepcionSerializer(serializers.ModelSerializer):
    promedio = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)

    class Meta:
        model = Percepcion
        fields = ["id", "entidad", "oferente", "linea", "fecha", "calidad", "pertinencia", "oportunidad", "comentario",
                  "promedio"]
        extra_kwargs = {"fecha": {"required": False}}


class InformeSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformeMensual
        fields = ["id", "tipo", "periodo", "alcance", "estado", "progreso", "intentos", "resumen", "generado_en"]
