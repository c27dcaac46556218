from import_export import fields, resources, widgets

from att.models import Departamento, Entidad, Municipio


class EntidadResource(resources.ModelResource):
    departamento = fields.Field(
        attribute="departamento", column_name="departamento",
        widget=widgets.ForeignKeyWidget(Departamento, field="codigo"),
    )

    class Meta:
        model = Entidad
        fields = ["id", "nombre", "sigla", "tipo", "sector", "departamento", "municipio", "en_encuesta_2021", "activa"]
        export_order = fields
        # full_clean por fila: un texto más largo que su columna es un error de la fila, en español,
        # y no un error de la base de datos al guardar.
        clean_model_instances = True


class MunicipioResource(resources.ModelResource):
    class Meta:
        model = Municipio
        import_id_fields = ["codigo"]
        fields = ["codigo", "nombre", "departamento", "categoria", "grupo_mdm", "pdet", "zomac"]
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
