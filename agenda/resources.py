"""Importación y exportación de líneas de un plan de trabajo (django-import-export).

Columnas: oferta (id), objetivo, territorios (códigos DIVIPOLA separados por «;»: dos dígitos para la
gobernación, cinco para la alcaldía), etapa (código), secuencia, fecha_inicio, fecha_fin (AAAA-MM-DD),
responsable (correo), inversion, fuente_financiacion, indicador, meta, unidad_meta.
Con `id` se actualiza una línea existente del mismo plan.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from agenda import services
from agenda.models import LineaPlan
from att.models import Entidad, EtapaCiclo, TipoEntidad, Usuario
from oferta.models import Oferta

COLUMNAS = [
    "id", "oferta", "objetivo", "territorios", "etapa", "secuencia", "fecha_inicio", "fecha_fin", "responsable",
    "inversion", "fuente_financiacion", "indicador", "meta", "unidad_meta",
]


class TerritoriosWidget(widgets.ManyToManyWidget):
    """Gobernaciones y alcaldías por código DIVIPOLA («05;05001;05088»)."""

    def __init__(self):
        super().__init__(Entidad, separator=";")

    def clean(self, value, row=None, **kwargs):
        codigos = [c.strip() for c in str(value or "").replace(",", ";").split(";") if c.strip()]
        if not codigos:
            return Entidad.objects.none()
        deptos = [c.zfill(2) for c in codigos if len(c) <= 2]
        munis = [c.zfill(5) for c in codigos if 2 < len(c) <= 5]
        qs = Entidad.objects.filter(
            Q(tipo=TipoEntidad.GOBERNACION, departamento_id__in=deptos)
            | Q(tipo=TipoEntidad.ALCALDIA, municipio_id__in=munis)
        )
        encontradas = {e.departamento_id if e.tipo == TipoEntidad.GOBERNACION else e.municipio_id for e in qs}
        faltan = [c for c in deptos + munis if c not in encontradas]
        if faltan:
            raise ValueError(_("No hay gobernación o alcaldía con código %(c)s.") % {"c": ", ".join(faltan)})
        return qs

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ";".join(
            (e.departamento_id if e.tipo == TipoEntidad.GOBERNACION else e.municipio_id) or ""
            for e in value.all()
        )


class ReferenciaWidget(widgets.ForeignKeyWidget):
    """Llave foránea con un mensaje en español cuando no existe el valor."""

    def __init__(self, modelo, campo, nombre):
        super().__init__(modelo, field=campo)
        self.nombre = nombre

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise ValueError(_("No existe %(n)s «%(v)s».") % {"n": self.nombre, "v": value})


class LineaPlanResource(resources.ModelResource):
    oferta = fields.Field(attribute="oferta", column_name="oferta",
                          widget=ReferenciaWidget(Oferta, "pk", gettext_lazy("la oferta")))
    territorios = fields.Field(attribute="territorios", column_name="territorios", widget=TerritoriosWidget())
    etapa = fields.Field(attribute="etapa", column_name="etapa", widget=ReferenciaWidget(EtapaCiclo, "codigo", gettext_lazy("la etapa")))
    responsable = fields.Field(attribute="responsable", column_name="responsable",
                               widget=ReferenciaWidget(Usuario, "email", gettext_lazy("una persona con el correo")))
    fecha_inicio = fields.Field(attribute="fecha_inicio", column_name="fecha_inicio",
                                widget=widgets.DateWidget("%Y-%m-%d"))
    fecha_fin = fields.Field(attribute="fecha_fin", column_name="fecha_fin", widget=widgets.DateWidget("%Y-%m-%d"))

    class Meta:
        model = LineaPlan
        fields = COLUMNAS
        export_order = COLUMNAS
        import_id_fields = ["id"]
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    def __init__(self, plan=None, por=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.por = por

    def get_queryset(self):
        qs = LineaPlan.objects.select_related("oferta", "etapa", "responsable").prefetch_related("territorios")
        return qs.filter(plan=self.plan) if self.plan is not None else qs

    def get_instance(self, instance_loader, row):
        if not row.get("id"):
            return None
        return self.get_queryset().filter(pk=row.get("id")).first()

    def before_import(self, dataset, **kwargs):
        if self.plan is not None:
            services._exigir_edicion(self.plan, self.por)
            if "id" not in dataset.headers:
                dataset.append_col([""] * len(dataset), header="id")

    def before_save_instance(self, instance, row, **kwargs):
        if self.plan is not None:
            instance.plan = self.plan

    def import_instance(self, instance, row, **kwargs):
        if self.plan is not None:
            instance.plan = self.plan
        errores: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errores.update(e.message_dict)
        if self.plan is not None:
            datos = {"oferta": getattr(instance, "oferta", None), "fecha_inicio": instance.fecha_inicio,
                     "fecha_fin": instance.fecha_fin, "inversion": instance.inversion}
            if "territorios" not in errores:
                try:
                    datos["territorios"] = list(self.fields["territorios"].clean(row))
                except (ValueError, KeyError):
                    pass
            try:
                services._validar_linea(self.plan, {k: v for k, v in datos.items() if v is not None})
            except ValidationError as e:
                for campo, mensajes in e.message_dict.items():
                    errores.setdefault(campo, []).extend(mensajes)
        if errores:
            raise ValidationError(errores)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Los mensajes propios (en español) reemplazan los genéricos de las restricciones."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as e:
            errores = e.message_dict
            if "fecha_fin" in errores or "inversion" in errores:
                errores.pop("__all__", None)
            raise ValidationError(errores)
