from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import (
    AgendaNacional,
    AgendaTerritorial,
    Compromiso,
    DecisionRevision,
    DecisionSesion,
    InstanciaGobernanza,
    LineaPlan,
    MiembroInstancia,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    ResultadoSesion,
    RevisionPlan,
    SesionInstancia,
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
        fields = ["id", "tipo_descriptor", "descriptor", "orden", "enunciado", "indicador", "indicador_vinculado",
                  "linea_base", "meta", "unidad"]


class AvanceAnioSerializer(serializers.Serializer):
    anio = serializers.IntegerField(allow_null=True, help_text="Vigencia; nulo para el cuatrienio.")
    avance = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True,
                                      help_text="Σ(peso × avance de la línea) ÷ Σ peso, en porcentaje.")
    peso = serializers.DecimalField(max_digits=12, decimal_places=2)
    lineas = serializers.IntegerField()


class ObjetivoAvanceSerializer(ObjetivoAgendaSerializer):
    """Objetivo con el roll-up ponderado de las líneas de planes aprobados que le sirven, por año."""

    agenda = serializers.PrimaryKeyRelatedField(read_only=True)
    avance_lineas = serializers.SerializerMethodField()
    actualizado = serializers.DateTimeField(read_only=True)

    class Meta(ObjetivoAgendaSerializer.Meta):
        fields = ["id", "agenda", *ObjetivoAgendaSerializer.Meta.fields[1:], "avance_lineas", "actualizado"]

    @extend_schema_field(AvanceAnioSerializer(many=True))
    def get_avance_lineas(self, obj):
        datos = self.context.get("rollup", {}).get(obj.pk, {})
        anios = list(range(obj.agenda.anio_inicio, obj.agenda.anio_fin + 1)) + [None]
        return [{"anio": a, "avance": (datos.get(a) or {}).get("avance"), "peso": (datos.get(a) or {}).get("peso", 0),
                 "lineas": (datos.get(a) or {}).get("n", 0)} for a in anios]


class MiembroSerializer(serializers.ModelSerializer):
    entidad_nombre = serializers.CharField(source="entidad.nombre", read_only=True)

    class Meta:
        model = MiembroInstancia
        fields = ["entidad", "entidad_nombre", "papel"]


class InstanciaSerializer(serializers.ModelSerializer):
    miembros = MiembroSerializer(many=True, read_only=True)

    class Meta:
        model = InstanciaGobernanza
        fields = ["id", "nombre", "tipo", "nivel", "agenda", "descripcion", "activa", "miembros", "actualizado"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionSesion
        fields = ["id", "descripcion", "compromiso", "registrada"]


class ResultadoSesionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultadoSesion
        fields = ["id", "titulo", "ruta"]


class SesionSerializer(serializers.ModelSerializer):
    decisiones = DecisionSerializer(many=True, read_only=True)
    resultados = ResultadoSesionSerializer(many=True, read_only=True)

    class Meta:
        model = SesionInstancia
        fields = ["id", "instancia", "fecha", "lugar", "orden_del_dia", "acta", "asistentes", "decisiones",
                  "resultados", "actualizado"]


class NuevaDecisionSerializer(serializers.Serializer):
    descripcion = serializers.CharField(max_length=TEXTO_MEDIO)
    responsable = serializers.SlugRelatedField(slug_field="email", queryset=Usuario.objects.filter(is_active=True),
                                               required=False, allow_null=True)
    fecha_limite = serializers.DateField(required=False, allow_null=True)
    entidad_responsable = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all(), required=False,
                                                             allow_null=True)


class AgendaTerritorialSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaTerritorial
        fields = ["id", "nombre", "tipo", "entidades", "region", "fecha_suscripcion", "vigente_hasta", "descripcion",
                  "enlace", "lineas", "ofertas", "actualizado"]


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
        fields = ["id", "plan", "mesa", "sesion", "descripcion", "responsable", "entidad_responsable", "fecha_limite",
                  "estado", "cerrado_en", "vencido"]


class PlanConcertadoSerializer(serializers.ModelSerializer):
    articulado = serializers.SerializerMethodField()

    class Meta:
        model = PlanConcertado
        fields = ["id", "nombre", "entidad_territorial", "oferentes", "vigencia", "estado", "objetivo", "lineas",
                  "articulado"]

    def get_articulado(self, obj) -> bool:
        return len(obj.oferentes.all()) > 1
