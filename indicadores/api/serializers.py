from django.db.models import Q
from rest_framework import serializers

from indicadores.models import Indicador, Medicion, MetaIndicador
from indicadores.selectors import indicadores_visibles


class MetaSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetaIndicador
        fields = ["anio", "valor"]


class IndicadorSerializer(serializers.ModelSerializer):
    metas = MetaSerializer(many=True, read_only=True)
    explicacion_acumulacion = serializers.CharField(read_only=True)

    class Meta:
        model = Indicador
        fields = ["id", "nombre", "descripcion", "formula", "variables", "tipo", "unidad", "frecuencia", "linea_base",
                  "meta_cuatrienio", "tipo_acumulacion", "explicacion_acumulacion", "unidad_responsable", "entidad",
                  "agenda", "activo", "metas"]


class MedicionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Medicion
        fields = ["id", "indicador", "periodo", "valor", "observacion", "registrada_por", "registrada_en"]
        read_only_fields = ["registrada_por", "registrada_en"]
        # La unicidad por (indicador, periodo) la decide la vista con un 409 en español, igual que la
        # carrera de dos primeras mediciones; el validador automático daba un 400 distinto.
        validators = []


class IndicadoresVisibles(serializers.PrimaryKeyRelatedField):
    """Ids de fichas de indicador que quien pide puede ver (las de otra entidad no se vinculan), más las
    que el registro ya tiene vinculadas (p. ej. por el DNP): reenviarlas no las pierde ni da error."""

    def get_queryset(self):
        peticion = self.context.get("request")
        if peticion is None:
            return Indicador.objects.none()
        visibles = indicadores_visibles(peticion.user)
        serializador = self.parent.parent if isinstance(self.parent, serializers.ManyRelatedField) else self.parent
        instancia = getattr(serializador, "instance", None)
        if getattr(instancia, "pk", None) is None:
            return visibles
        vinculados = getattr(instancia, self.parent.source).values("pk")
        return Indicador.objects.filter(Q(pk__in=visibles.values("pk")) | Q(pk__in=vinculados))
