from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from att.models import Canal, Capacidad, DescriptorTematico, Entidad, EtapaCiclo, Modalidad, Tema
from demanda import rules, services
from demanda.models import Demanda, EventoDemanda, FuenteNecesidad


class EventoSerializer(serializers.ModelSerializer):
    por = serializers.CharField(source="por.nombre", read_only=True)

    class Meta:
        model = EventoDemanda
        fields = ["de_estado", "a_estado", "por", "cuando", "motivo"]


class CodigoField(serializers.SlugRelatedField):
    """Catálogo por código; rechaza lo que PostgreSQL no puede comparar (caracteres NUL)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        return super().to_internal_value(data)


def _codigo(modelo, **kw):
    return CodigoField(slug_field="codigo", queryset=modelo.objects.all(), **kw)


class DemandaSerializer(serializers.ModelSerializer):
    entidad = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all())
    entidad_nombre = serializers.CharField(source="entidad.nombre", read_only=True)
    temas = _codigo(Tema, many=True)
    descriptores = _codigo(DescriptorTematico, many=True, required=False)
    capacidad = _codigo(Capacidad, required=False, allow_null=True)
    etapa = _codigo(EtapaCiclo, required=False, allow_null=True)
    modalidad = _codigo(Modalidad, required=False, allow_null=True)
    canal = _codigo(Canal, required=False, allow_null=True)
    fuente = serializers.ChoiceField(choices=FuenteNecesidad.choices)
    estado_nombre = serializers.CharField(source="get_estado_display", read_only=True)

    class Meta:
        model = Demanda
        fields = [
            "id", "entidad", "entidad_nombre", "titulo", "descripcion", "temas", "descriptores", "capacidad", "etapa",
            "fecha_deseada", "modalidad", "canal", "fuente", "oferta", "estado", "estado_nombre", "entidad_competente",
            "calificacion", "creada", "actualizada",
        ]
        read_only_fields = ["oferta", "estado", "entidad_competente", "calificacion", "creada", "actualizada"]

    def validate_entidad(self, entidad):
        if not rules.puede_registrar_para(self.context["request"].user, entidad):
            raise serializers.ValidationError(_("No puede registrar demandas para esta entidad."))
        return entidad

    def validate_temas(self, temas):
        if not temas:
            raise serializers.ValidationError(_("Indique al menos un tema."))
        return temas

    def create(self, datos):
        return services.demanda_registrar(por=self.context["request"].user, **datos)


class DemandaDetalleSerializer(DemandaSerializer):
    eventos = EventoSerializer(many=True, read_only=True)

    class Meta(DemandaSerializer.Meta):
        fields = DemandaSerializer.Meta.fields + ["eventos", "motivo_no_pertinente", "comentario_cierre"]
