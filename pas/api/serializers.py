from rest_framework import serializers

from att.validadores import TEXTO_LARGO, TEXTO_MEDIO
from pas.models import Accion, CorteSemestral, ReportePAS, ValorReporte, VersionReporte


class CortePASSerializer(serializers.ModelSerializer):
    informe_pdf = serializers.SerializerMethodField()
    informe_xlsx = serializers.SerializerMethodField()

    class Meta:
        model = CorteSemestral
        fields = ["id", "numero", "nombre", "fecha_corte", "plazo_reporte", "dias_alerta", "es_cierre", "cerrado_en",
                  "actualizado", "informe_pdf", "informe_xlsx"]

    def _url(self, corte, formato) -> str | None:
        from django.urls import reverse

        informe = getattr(corte, "informe", None)
        if informe is None or not informe.version:
            return None
        return reverse("pas:informe_corte", args=[corte.pk, formato])

    def get_informe_pdf(self, corte) -> str | None:
        return self._url(corte, "pdf")

    def get_informe_xlsx(self, corte) -> str | None:
        return self._url(corte, "xlsx")


class AccionPASSerializer(serializers.ModelSerializer):
    objetivo = serializers.SlugRelatedField(slug_field="codigo", read_only=True)
    indicadores = serializers.SerializerMethodField()

    class Meta:
        model = Accion
        fields = ["id", "codigo", "texto", "objetivo", "entidad", "corresponsables", "fecha_inicio", "fecha_fin",
                  "peso", "indicadores", "actualizado"]

    def get_indicadores(self, accion) -> list[int]:
        return [i.indicador_id for i in accion.indicadores_pas.all()]


class ValorPASSerializer(serializers.ModelSerializer):
    class Meta:
        model = ValorReporte
        fields = ["indicador", "valor"]


class VersionPASSerializer(serializers.ModelSerializer):
    class Meta:
        model = VersionReporte
        fields = ["numero", "datos", "enviada_en"]


class ReportePASSerializer(serializers.ModelSerializer):
    valores = ValorPASSerializer(many=True, required=False)
    versiones = VersionPASSerializer(many=True, read_only=True)
    nota = serializers.CharField(max_length=TEXTO_LARGO, required=False, allow_blank=True)

    class Meta:
        model = ReportePAS
        fields = ["id", "accion", "corte", "estado", "avance", "comprometido", "pagado", "nota", "valores",
                  "comentario_dnp", "version", "enviado_en", "versiones", "actualizado"]
        read_only_fields = ["estado", "comentario_dnp", "version", "enviado_en", "actualizado"]
        validators = []  # (acción, corte) único: el servicio edita el existente en lugar de crear otro


class ComentarioPASSerializer(serializers.Serializer):
    comentario = serializers.CharField(max_length=TEXTO_MEDIO, required=False, allow_blank=True)
