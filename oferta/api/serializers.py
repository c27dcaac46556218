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
    url = serializers.SerializerMethodField()

    class Meta:
        model = Oferta
        fields = [
            "id", "url", "entidad", "entidad_detalle", "cooferentes", "nombre", "necesidad", "descripcion",
            "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades", "canal",
            "estructura", "continua", "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "focaliza_departamentos",
            "focaliza_categorias", "focaliza_grupos_mdm", "solo_pdet", "solo_zomac", "focaliza_entidades",
            "publico_objetivo", "bienes_entregados", "requisitos", "cronograma", "cupos", "alineacion_pnd",
            "contacto_nombre", "contacto_email", "contacto_telefono", "vigencia_desde", "vigencia_hasta",
            "estado", "comentario_revision", "publicada_en", "creada", "actualizada",
        ]
        read_only_fields = ["estado", "comentario_revision", "publicada_en", "creada", "actualizada"]

    def get_url(self, obj) -> str:
        return f"/oferta/{obj.pk}/"
