from rest_framework import serializers

from att.models import (
    Canal, Capacidad, Departamento, DescriptorTematico, Entidad, EtapaCiclo, Modalidad, Municipio, Tema,
)


class DepartamentoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Departamento
        fields = ["codigo", "nombre", "region"]


class MunicipioSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipio
        fields = ["codigo", "nombre", "departamento", "categoria", "grupo_mdm", "pdet", "zomac"]


class EntidadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entidad
        fields = ["id", "nombre", "sigla", "tipo", "sector", "departamento", "municipio"]


def catalogo_serializer(modelo, extra=()):
    meta = type("Meta", (), {"model": modelo, "fields": ["id", "codigo", "nombre", "descripcion", *extra]})
    return type(f"{modelo.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


CATALOGOS = {
    "descriptores": (DescriptorTematico, ("tipo",)),
    "temas": (Tema, ("padre", "descriptor")),
    "capacidades": (Capacidad, ()),
    "etapas-ciclo": (EtapaCiclo, ()),
    "modalidades": (Modalidad, ()),
    "canales": (Canal, ()),
}
