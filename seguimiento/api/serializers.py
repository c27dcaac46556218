from rest_framework import serializers

from att.validadores import TEXTO_MEDIO
from seguimiento.models import (
    Avance,
    EstadoLinea,
    EstadoLineaEntidad,
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
        fields = ["id", "hito", "entidades", "porcentaje", "fecha_corte", "narrativa", "estado", "registrado_por",
                  "registrado_en", "revisado_por", "revisado_en", "comentario_revision", "evidencias", "archivos"]
        extra_kwargs = {"entidades": {"required": False,
                                      "help_text": "Entidades territoriales de la línea a las que llegó (vacío: todas)."}}
        read_only_fields = ["estado", "registrado_por", "registrado_en", "revisado_por", "revisado_en",
                            "comentario_revision"]


class EstadoLineaEntidadSerializer(serializers.ModelSerializer):
    class Meta:
        model = EstadoLineaEntidad
        fields = ["linea", "entidad", "oferente", "responsable", "oferta", "dependencia", "objetivo", "departamento",
                  "region", "peso", "avance", "esperado", "semaforo", "hitos_vencidos", "ultimo_reporte", "actualizado"]


class FilaCorteSerializer(serializers.Serializer):
    clave = serializers.CharField(source="clave_id", allow_null=True, read_only=True)
    nombre = serializers.CharField(read_only=True)
    avance = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, read_only=True)
    esperado = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, read_only=True)
    semaforo = serializers.CharField(read_only=True)
    al_dia = serializers.IntegerField(read_only=True)
    en_riesgo = serializers.IntegerField(read_only=True)
    atrasado = serializers.IntegerField(read_only=True)
    hitos_vencidos = serializers.IntegerField(read_only=True)
    ultimo_reporte = serializers.DateField(allow_null=True, read_only=True)
    lineas = serializers.IntegerField(read_only=True)
    entidades = serializers.IntegerField(read_only=True)
    seguimientos = serializers.IntegerField(read_only=True, help_text="Pares línea × entidad territorial.")


class CorteSerializer(serializers.Serializer):
    dimension = serializers.CharField(read_only=True)
    total = FilaCorteSerializer(read_only=True)
    filas = FilaCorteSerializer(many=True, read_only=True)


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
