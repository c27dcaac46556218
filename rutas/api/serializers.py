from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    EgresoCapacidad,
    Entidad,
    FuenteDiagnostico,
    MotivoEgreso,
    NivelCapacidad,
    TipoCapacidad,
    ValoracionCapacidad,
)
from rutas import services
from rutas.models import Protocolo, Ruta


class CodigoField(serializers.SlugRelatedField):
    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        return super().to_internal_value(data)


def _codigo(modelo, **kw):
    return CodigoField(slug_field="codigo", queryset=modelo.objects.all(), **kw)


class EvidenciaRutaSerializer(serializers.Serializer):
    tipo = serializers.CharField(read_only=True)
    texto = serializers.CharField(read_only=True)
    fecha = serializers.DateField(allow_null=True, read_only=True)
    completa = serializers.BooleanField(read_only=True)
    url = serializers.CharField(read_only=True)


class PasoSerializer(serializers.Serializer):
    protocolo = serializers.IntegerField(read_only=True)
    nombre = serializers.CharField(read_only=True)
    estado = serializers.CharField(read_only=True)
    inicio = serializers.DateField(allow_null=True, read_only=True)
    hecho_en = serializers.DateField(allow_null=True, read_only=True)
    motivo_no_aplica = serializers.CharField(read_only=True)


class PasoConEvidenciasSerializer(PasoSerializer):
    evidencias = EvidenciaRutaSerializer(many=True, read_only=True)


class EgresoSerializer(serializers.ModelSerializer):
    capacidad = serializers.SlugRelatedField(slug_field="codigo", read_only=True)

    class Meta:
        model = EgresoCapacidad
        fields = ["id", "entidad", "capacidad", "motivo", "detalle", "diagnostico", "fecha"]


class RutaSerializer(serializers.ModelSerializer):
    entidad = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all())
    entidad_nombre = serializers.CharField(source="entidad.nombre", read_only=True)
    capacidad = _codigo(Capacidad)
    oferentes = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all(), many=True)
    inicio = serializers.DateField(required=False)
    pasos = PasoSerializer(many=True, read_only=True)
    egreso = EgresoSerializer(read_only=True)

    class Meta:
        model = Ruta
        fields = ["id", "entidad", "entidad_nombre", "capacidad", "oferentes", "inicio", "estado", "pasos", "egreso",
                  "creada", "actualizado"]
        read_only_fields = ["estado", "creada", "actualizado"]

    def create(self, datos):
        return services.ruta_crear(por=self.context["request"].user, **datos)


class RutaDetalleSerializer(RutaSerializer):
    pasos = PasoConEvidenciasSerializer(many=True, read_only=True)


class NoAplicaSerializer(serializers.Serializer):
    protocolo = serializers.ChoiceField(choices=Protocolo.choices)
    motivo = serializers.CharField(max_length=2000, allow_blank=True)  # vacío: el servicio lo rechaza en español


class EgresarSerializer(serializers.Serializer):
    motivo = serializers.ChoiceField(choices=MotivoEgreso.choices)
    detalle = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    diagnostico = serializers.PrimaryKeyRelatedField(queryset=DiagnosticoCapacidad.objects.all(), required=False,
                                                     allow_null=True, default=None)


class ValoracionSerializer(serializers.ModelSerializer):
    capacidad = _codigo(Capacidad)
    nivel = _codigo(NivelCapacidad, required=False, allow_null=True)
    tipo = _codigo(TipoCapacidad, required=False, allow_null=True)
    valor = serializers.IntegerField(min_value=1, max_value=5)
    objetivo = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    fuente = serializers.ChoiceField(choices=FuenteDiagnostico.choices, required=False)

    class Meta:
        model = ValoracionCapacidad
        fields = ["capacidad", "nivel", "tipo", "valor", "objetivo", "fuente", "evidencia"]


class DiagnosticoSerializer(serializers.ModelSerializer):
    entidad = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all())
    entidad_nombre = serializers.CharField(source="entidad.nombre", read_only=True)
    valoraciones = ValoracionSerializer(many=True)
    realizado_por = serializers.CharField(source="realizado_por.nombre", read_only=True)

    class Meta:
        model = DiagnosticoCapacidad
        fields = ["id", "entidad", "entidad_nombre", "fecha", "valoraciones", "objetivo", "anio_mdm", "puntaje_mdm",
                  "grupo_mdm", "indice_desempeno_fiscal", "diagnostico_propio", "encuesta", "realizado_por",
                  "entidad_que_diagnostica", "creado", "actualizado"]
        read_only_fields = ["anio_mdm", "puntaje_mdm", "grupo_mdm", "entidad_que_diagnostica", "creado", "actualizado"]

    def validate_valoraciones(self, valoraciones):
        if not valoraciones:
            raise serializers.ValidationError(_("Valore al menos una capacidad de 1 a 5."))
        return valoraciones

    def create(self, datos):
        return services.diagnostico_registrar(por=self.context["request"].user, **datos)
