from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from att.models import (
    Canal,
    Capacidad,
    Departamento,
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    Modalidad,
    NivelCapacidad,
    Tema,
)
from indicadores.api.serializers import IndicadoresVisibles
from indicadores.models import Indicador
from oferta.models import Oferta


class EntidadBreveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entidad
        fields = ["id", "nombre", "sigla"]


def _codigos(modelo, requerido=True):
    return serializers.SlugRelatedField(
        slug_field="codigo", many=True, queryset=modelo.objects.filter(activo=True),
        required=requerido, allow_empty=not requerido,
    )


class OfertaSerializer(serializers.ModelSerializer):
    """Una oferta. Los catálogos van por código (ver /api/v1/catalogos/...)."""

    entidad = serializers.PrimaryKeyRelatedField(queryset=Entidad.objects.all(), help_text=_("Entidad oferente (id)."))
    entidad_detalle = EntidadBreveSerializer(source="entidad", read_only=True)
    cooferentes = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Entidad.objects.all())
    descriptores = _codigos(DescriptorTematico)
    temas = _codigos(Tema)
    capacidades = _codigos(Capacidad)
    niveles_capacidad = _codigos(NivelCapacidad, requerido=False)
    etapas = _codigos(EtapaCiclo)
    modalidades = _codigos(Modalidad)
    canal = serializers.SlugRelatedField(slug_field="codigo", queryset=Canal.objects.filter(activo=True))
    focaliza_departamentos = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Departamento.objects.all())
    focaliza_entidades = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Entidad.objects.all())
    indicadores = IndicadoresVisibles(
        many=True, required=False, queryset=Indicador.objects.all(),
        help_text=_("Fichas de indicador del producto (ids de /api/v1/seguimiento/indicadores/ que usted ve)."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = Oferta
        fields = [
            "id", "url", "entidad", "entidad_detalle", "dependencia", "cooferentes", "nombre", "necesidad", "descripcion",
            "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades", "canal",
            "estructura", "continua", "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "focaliza_departamentos",
            "focaliza_categorias", "focaliza_grupos_mdm", "solo_pdet", "solo_zomac", "focaliza_entidades",
            "publico_objetivo", "bienes_entregados", "requisitos", "cronograma", "cupos", "alineacion_pnd",
            "contacto_nombre", "contacto_email", "contacto_telefono", "vigencia_desde", "vigencia_hasta",
            "brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades", "cadena_productos",
            "cadena_resultados", "costo_por_et", "fuentes_financiacion", "indicadores",
            "estado", "comentario_revision", "publicada_en", "creada", "actualizada",
        ]
        read_only_fields = ["estado", "comentario_revision", "publicada_en", "creada", "actualizada"]

    def get_url(self, obj) -> str:
        return f"/oferta/{obj.pk}/"


class HitoPlantillaSerializer(serializers.Serializer):
    """Un hito estándar del producto: las líneas nuevas que entregan la oferta empiezan con una copia."""

    nombre = serializers.CharField(max_length=255)
    peso = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"), default=Decimal(1))
    desfase_dias = serializers.IntegerField(min_value=0, max_value=3650, default=0,
                                            help_text=_("Días desde el inicio de la línea hasta la fecha planeada."))
