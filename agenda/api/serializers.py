from rest_framework import serializers

from agenda.models import (
    AgendaNacional,
    Compromiso,
    DecisionRevision,
    LineaPlan,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    RevisionPlan,
    VersionPlan,
)
from att.models import Entidad, EtapaCiclo, TipoEntidad, Usuario
from att.validadores import TEXTO_CORTO, TEXTO_MEDIO
from indicadores.api.serializers import IndicadoresVisibles
from indicadores.models import Indicador
from oferta.models import Oferta


class ObjetivoAgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObjetivoAgenda
        fields = ["id", "tipo_descriptor", "descriptor", "orden", "enunciado", "indicador", "linea_base", "meta",
                  "unidad"]


class AgendaSerializer(serializers.ModelSerializer):
    objetivos = ObjetivoAgendaSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaNacional
        fields = ["id", "nombre", "anio_inicio", "anio_fin", "estado", "descripcion", "alineacion_pnd",
                  "alineacion_ods", "alineacion_mipg", "participantes", "objetivos"]


class LineaPlanSerializer(serializers.ModelSerializer):
    oferta = serializers.PrimaryKeyRelatedField(queryset=Oferta.objects.all())
    etapa = serializers.SlugRelatedField(slug_field="codigo", queryset=EtapaCiclo.objects.all())
    responsable = serializers.SlugRelatedField(slug_field="email", queryset=Usuario.objects.filter(is_active=True))
    territorios = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Entidad.objects.filter(tipo__in=TipoEntidad.territoriales()))
    indicadores_vinculados = IndicadoresVisibles(many=True, required=False, queryset=Indicador.objects.all())

    class Meta:
        model = LineaPlan
        fields = ["id", "plan", "oferta", "dependencia", "objetivo", "objetivo_agenda", "territorios", "etapa", "secuencia",
                  "fecha_inicio", "fecha_fin", "responsable", "inversion", "fuente_financiacion", "indicador",
                  "indicadores_vinculados", "meta", "unidad_meta", "peso", "demandas"]
        read_only_fields = ["plan"]


class VersionSerializer(serializers.ModelSerializer):
    enviada_por = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = VersionPlan
        fields = ["numero", "enviada_por", "enviada_en", "nota", "datos"]


class RevisionSerializer(serializers.ModelSerializer):
    por = serializers.SlugRelatedField(slug_field="email", read_only=True)
    version = serializers.SlugRelatedField(slug_field="numero", read_only=True)

    class Meta:
        model = RevisionPlan
        fields = ["version", "decision", "comentario", "por", "cuando"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanDeTrabajo
        fields = ["id", "agenda", "entidad", "vigencia", "estado", "version", "enviado_en", "aprobado_en",
                  "creado", "actualizado"]
        read_only_fields = ["estado", "version", "enviado_en", "aprobado_en"]


class PlanDetalleSerializer(PlanSerializer):
    lineas = LineaPlanSerializer(many=True, read_only=True)
    versiones = VersionSerializer(many=True, read_only=True)
    revisiones = RevisionSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = PlanSerializer.Meta.fields + ["lineas", "versiones", "revisiones"]


class EnviarSerializer(serializers.Serializer):
    nota = serializers.CharField(required=False, allow_blank=True, max_length=TEXTO_CORTO)


class RevisarSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DecisionRevision.choices)
    comentario = serializers.CharField(required=False, allow_blank=True, max_length=TEXTO_MEDIO)


class CompromisoSerializer(serializers.ModelSerializer):
    responsable = serializers.SlugRelatedField(slug_field="email", read_only=True)
    vencido = serializers.BooleanField(read_only=True)

    class Meta:
        model = Compromiso
        fields = ["id", "plan", "mesa", "descripcion", "responsable", "entidad_responsable", "fecha_limite", "estado",
                  "cerrado_en", "vencido"]


class PlanConcertadoSerializer(serializers.ModelSerializer):
    articulado = serializers.SerializerMethodField()

    class Meta:
        model = PlanConcertado
        fields = ["id", "nombre", "entidad_territorial", "oferentes", "vigencia", "estado", "objetivo", "lineas",
                  "articulado"]

    def get_articulado(self, obj) -> bool:
        return len(obj.oferentes.all()) > 1
