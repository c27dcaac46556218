"""Importación y exportación de demandas con django-import-export (CSV/XLSX).

Columnas: entidad (código DIVIPOLA: 5 dígitos = alcaldía, 2 dígitos = gobernación), titulo,
descripcion, temas (códigos separados por «;»), capacidad, etapa, fecha_deseada (AAAA-MM-DD o
DD/MM/AAAA), modalidad, canal (códigos del catálogo), fuente (código u opción).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from att.models import (
    Canal,
    Capacidad,
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    Modalidad,
    Tema,
    TipoEntidad,
)
from demanda import rules
from demanda.models import Demanda, EstadoDemanda, EventoDemanda, FuenteNecesidad

COLUMNAS = ["entidad", "titulo", "descripcion", "temas", "capacidad", "etapa", "fecha_deseada", "modalidad",
            "canal", "fuente"]


class EntidadWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        valor = str(value or "").strip()
        if not valor:
            raise ValueError(_("Falta la entidad (código DIVIPOLA del municipio o del departamento)."))
        if valor.isdigit() and len(valor) in (4, 5):
            filtro = {"tipo": TipoEntidad.ALCALDIA, "municipio_id": valor.zfill(5)}
        elif valor.isdigit() and len(valor) in (1, 2):
            filtro = {"tipo": TipoEntidad.GOBERNACION, "departamento_id": valor.zfill(2)}
        else:
            filtro = {"nombre__iexact": valor, "tipo__in": TipoEntidad.territoriales()}
        entidad = Entidad.objects.filter(**filtro).first()
        if entidad is None:
            raise ValueError(_("No existe una entidad territorial con el código o nombre «%(v)s».") % {"v": valor})
        return entidad

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.municipio_id or value.departamento_id or value.nombre


class CodigoWidget(widgets.ForeignKeyWidget):
    def __init__(self, modelo, nombre):
        super().__init__(modelo, "codigo")
        self.nombre = nombre

    def clean(self, value, row=None, **kwargs):
        valor = str(value or "").strip()
        if not valor:
            return None
        objeto = self.model.objects.filter(codigo=valor).first()
        if objeto is None:
            raise ValueError(_("No existe %(n)s con el código «%(v)s».") % {"n": self.nombre, "v": valor})
        return objeto


class TemasWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(Tema, separator=";", field="codigo")

    def clean(self, value, row=None, **kwargs):
        codigos = [c.strip() for c in str(value or "").replace(",", ";").split(";") if c.strip()]
        if not codigos:
            raise ValueError(_("Indique al menos un tema (códigos separados por «;»)."))
        temas = list(Tema.objects.filter(codigo__in=codigos))
        faltan = sorted(set(codigos) - {t.codigo for t in temas})
        if faltan:
            raise ValueError(_("Temas que no existen: %(t)s.") % {"t": ", ".join(faltan)})
        return temas


class FuenteWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        valor = str(value or "").strip()
        for codigo, etiqueta in FuenteNecesidad.choices:
            if valor.lower() in (codigo, str(etiqueta).lower()):
                return codigo
        raise ValueError(_("Origen de la necesidad no válido: «%(v)s». Use uno de: %(o)s.")
                         % {"v": valor, "o": ", ".join(FuenteNecesidad.values)})


class FechaWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        for formato in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(str(value).strip(), formato).date()
            except ValueError:
                continue
        raise ValueError(_("Fecha no válida: «%(v)s». Use AAAA-MM-DD o DD/MM/AAAA.") % {"v": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class DemandaResource(resources.ModelResource):
    id = fields.Field(attribute="id", column_name="id", readonly=True)
    entidad = fields.Field(attribute="entidad", column_name="entidad", widget=EntidadWidget())
    entidad_nombre = fields.Field(column_name="entidad_nombre", readonly=True)
    titulo = fields.Field(attribute="titulo", column_name="titulo")
    descripcion = fields.Field(attribute="descripcion", column_name="descripcion")
    temas = fields.Field(attribute="temas", column_name="temas", widget=TemasWidget(), m2m_add=False)
    capacidad = fields.Field(attribute="capacidad", column_name="capacidad", widget=CodigoWidget(Capacidad, _("capacidad")))
    etapa = fields.Field(attribute="etapa", column_name="etapa", widget=CodigoWidget(EtapaCiclo, _("etapa del ciclo")))
    fecha_deseada = fields.Field(attribute="fecha_deseada", column_name="fecha_deseada", widget=FechaWidget())
    modalidad = fields.Field(attribute="modalidad", column_name="modalidad", widget=CodigoWidget(Modalidad, _("modalidad")))
    canal = fields.Field(attribute="canal", column_name="canal", widget=CodigoWidget(Canal, _("canal")))
    fuente = fields.Field(attribute="fuente", column_name="fuente", widget=FuenteWidget())
    estado = fields.Field(attribute="estado", column_name="estado", readonly=True)
    creada = fields.Field(attribute="creada", column_name="creada", readonly=True)

    class Meta:
        model = Demanda
        fields = ["id", "entidad", "entidad_nombre", "titulo", "descripcion", "temas", "capacidad", "etapa",
                  "fecha_deseada", "modalidad", "canal", "fuente", "estado", "creada"]
        export_order = fields
        force_init_instance = True
        clean_model_instances = True
        skip_diff = True

    def __init__(self, *, usuario=None, **kwargs):
        super().__init__(**kwargs)
        self.usuario = usuario
        self.creadas: list[int] = []

    def dehydrate_entidad_nombre(self, demanda):
        return demanda.entidad.nombre

    def dehydrate_creada(self, demanda):
        return demanda.creada.strftime("%Y-%m-%d %H:%M") if demanda.creada else ""

    def dehydrate_temas(self, demanda):
        return ";".join(t.codigo for t in demanda.temas.all())

    def before_import_row(self, row, **kwargs):
        self._fila = row

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errores = dict(import_validation_errors or {})
        # Los temas (muchos a muchos) se guardan después: se validan aquí, con la fila.
        try:
            TemasWidget().clean(getattr(self, "_fila", {}).get("temas"))
        except ValueError as e:
            errores["temas"] = [str(e)]
        if "entidad" not in errores and instance.entidad_id and not rules.puede_registrar_para(self.usuario, instance.entidad):
            errores["entidad"] = [_("No puede registrar demandas para %(e)s.") % {"e": instance.entidad.nombre}]
        super().validate_instance(instance, errores, validate_unique)

    def before_save_instance(self, instance, row, **kwargs):
        instance.registrada_por = self.usuario
        instance.estado = EstadoDemanda.REGISTRADA

    def import_instance(self, instance, row, **kwargs):
        # `registrada_por` es obligatorio en el modelo: se fija antes de `full_clean`.
        instance.registrada_por = self.usuario
        super().import_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        self.creadas.append(instance.pk)
        ids = {t.descriptor_id for t in instance.temas.all() if t.descriptor_id}
        instance.descriptores.set(DescriptorTematico.objects.filter(pk__in=ids))
        EventoDemanda.objects.create(
            demanda=instance, de_estado="", a_estado=EstadoDemanda.REGISTRADA, por=self.usuario,
            motivo=_("Registrada por importación de archivo."),
        )

