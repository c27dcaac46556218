from rest_framework import serializers

from att.validadores import TEXTO_MEDIO
from seguimiento.models import (
    Avance,
    ConsentimientoPercepcion,
    EstadoLinea,
    EstadoLineaEntidad,
    EvaluacionLinea,
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
    """Una calificación de una asistencia recibida: mande `linea`, `asesoria` o `evento` (uno). `oferente` es
    opcional: si se manda y no es el de la asistencia, se rechaza; sin asistencia, se toma la más reciente de
    ese oferente (y se rechaza si nunca asistió a la ET). La fecha es la del servidor."""

    promedio = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)

    class Meta:
        model = Percepcion
        fields = ["id", "entidad", "oferente", "linea", "asesoria", "evento", "fecha", "calidad", "pertinencia",
                  "oportunidad", "comentario", "promedio"]
        read_only_fields = ["fecha"]


class ConsentimientoSerializer(serializers.ModelSerializer):
    vigente = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConsentimientoPercepcion
        fields = ["id", "entidad", "vigente", "otorgado_en", "otorgado_por", "revocado_en", "revocado_por",
                  "motivo_revocacion"]
        read_only_fields = ["otorgado_en", "otorgado_por", "revocado_en", "revocado_por", "motivo_revocacion"]


class RevocacionSerializer(serializers.Serializer):
    motivo = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class EvaluacionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluacionLinea
        fields = ["id", "linea", "tipo", "resultado", "fecha", "avance_linea", "hallazgos", "recomendaciones",
                  "registrada_por"]
        read_only_fields = ["fecha", "avance_linea", "registrada_por"]
        validators = []  # una por (línea, tipo): volver a mandarla la corrige (el servicio decide)


class AtencionSerializer(serializers.Serializer):
    entidad = serializers.IntegerField(source="entidad.pk", read_only=True)
    nombre = serializers.CharField(source="entidad.nombre", read_only=True)
    motivos = serializers.ListField(child=serializers.CharField(), read_only=True)
    n = serializers.IntegerField(read_only=True)
    promedio = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, read_only=True)
    ultima = serializers.DateField(allow_null=True, read_only=True)


class DesgloseSerializer(serializers.Serializer):
    clave = serializers.CharField(read_only=True)
    etiqueta = serializers.CharField(read_only=True)
    n = serializers.IntegerField(read_only=True)
    calidad = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, read_only=True)
    pertinencia = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, read_only=True)
    oportunidad = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, read_only=True)
    promedio = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, read_only=True)
    insatisfechas = serializers.IntegerField(read_only=True)


class CostoSerializer(serializers.Serializer):
    clave = serializers.IntegerField(read_only=True)
    etiqueta = serializers.CharField(read_only=True)
    inversion = serializers.DecimalField(max_digits=18, decimal_places=0, read_only=True)
    ets = serializers.IntegerField(read_only=True)
    costo_et = serializers.DecimalField(max_digits=18, decimal_places=0, allow_null=True, read_only=True)
    puntos = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, read_only=True)
    costo_punto = serializers.DecimalField(max_digits=18, decimal_places=0, allow_null=True, read_only=True)


class InformeSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformeMensual
        fields = ["id", "tipo", "periodo", "alcance", "estado", "progreso", "intentos", "resumen", "generado_en"]
