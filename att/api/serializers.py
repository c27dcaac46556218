from rest_framework import serializers

from att.models import (
    Canal,
    Capacidad,
    Departamento,
    DescriptorTematico,
    Eliminacion,
    Entidad,
    EtapaCiclo,
    Modalidad,
    Municipio,
    SuscripcionWebhook,
    Tema,
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


class EliminacionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Eliminacion
        fields = ["id", "tipo", "objeto_id", "eliminado_en"]


class SuscripcionWebhookSerializer(serializers.ModelSerializer):
    """El `secreto` solo viene en la respuesta de la creación: guárdelo, no se vuelve a mostrar."""

    eventos = serializers.ListField(child=serializers.CharField(max_length=150), max_length=200,
                                    help_text="«app.modelo.accion» (accion: creado, actualizado o eliminado).")
    secreto = serializers.SerializerMethodField()

    class Meta:
        model = SuscripcionWebhook
        fields = ["id", "url", "eventos", "entidad", "activa", "creada", "secreto"]
        read_only_fields = ["creada"]
        extra_kwargs = {"entidad": {"required": False, "allow_null": True}}

    def get_secreto(self, obj) -> str | None:
        return getattr(obj, "_secreto_nuevo", None)
