"""Exportación de ofertas con django-import-export: `OfertaDatosAbiertosResource`, lo público
(ofertas publicadas) para datos abiertos. La importación de ofertas va por la tubería común
(`oferta.importacion`, `att.importacion`)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from att.models import (
    Canal,
    Capacidad,
    CategoriaLey617,
    Departamento,
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    GrupoMDM,
    Modalidad,
    NivelCapacidad,
    Tema,
    TipoEntidad,
)

from .forms import codigo_divipola
from .models import Oferta, PublicoObjetivo

SEPARADOR = ","


def _partes(valor) -> list[str]:
    if valor is None:
        return []
    return [p.strip() for p in str(valor).replace(";", SEPARADOR).split(SEPARADOR) if p.strip()]


class CodigosWidget(widgets.ManyToManyWidget):
    """Códigos separados por comas; un código desconocido es un error de la fila (no se ignora)."""

    _por_codigo: dict | None = None

    def clean(self, value, row=None, **kwargs):
        codigos = _partes(value)
        if not codigos:
            return self.model.objects.none()
        if self._por_codigo is None:  # los catálogos son pequeños: una consulta por importación
            self._por_codigo = {str(getattr(o, self.field)): o for o in self.model.objects.all()}
        faltan = [c for c in codigos if c not in self._por_codigo]
        if faltan:
            raise ValueError(_("código desconocido: %(codigos)s") % {"codigos": ", ".join(faltan)})
        return [self._por_codigo[c] for c in dict.fromkeys(codigos)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARADOR.join(str(getattr(o, self.field)) for o in value.all())


def _buscar_entidad(texto: str, cache: dict | None = None) -> Entidad | None:
    texto = texto.strip()
    if not texto:
        return None
    clave = texto.lower()
    if cache is not None and clave in cache:
        candidatas = cache[clave]
    else:
        candidatas = list(Entidad.objects.filter(Q(sigla__iexact=texto) | Q(nombre__iexact=texto))[:2])
        if cache is not None:
            cache[clave] = candidatas
    if len(candidatas) != 1:
        raise ValueError(_("no se encontró una sola entidad con sigla o nombre «%(texto)s»") % {"texto": texto})
    return candidatas[0]


class CodigoWidget(widgets.ForeignKeyWidget):
    """Llave foránea por código, con el catálogo leído una vez por importación."""

    _por_codigo: dict | None = None

    def clean(self, value, row=None, **kwargs):
        codigo = str(value or "").strip()
        if not codigo:
            return None
        if self._por_codigo is None:
            self._por_codigo = {str(getattr(o, self.field)): o for o in self.model.objects.all()}
        if codigo not in self._por_codigo:
            raise ValueError(_("código desconocido: %(codigo)s") % {"codigo": codigo})
        return self._por_codigo[codigo]


class EntidadWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Entidad, field="sigla", **kwargs)

    def clean(self, value, row=None, **kwargs):
        self.__dict__.setdefault("_cache", {})
        return _buscar_entidad(str(value or ""), self._cache)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (value.sigla or value.nombre)


class EntidadesWidget(widgets.ManyToManyWidget):
    def __init__(self, **kwargs):
        super().__init__(Entidad, field="sigla", **kwargs)

    def clean(self, value, row=None, **kwargs):
        self.__dict__.setdefault("_cache", {})
        return [_buscar_entidad(p, self._cache) for p in _partes(value)]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else SEPARADOR.join(e.sigla or e.nombre for e in value.all())


class EntidadesTerritorialesWidget(widgets.ManyToManyWidget):
    """Lista explícita de entidades territoriales por código DIVIPOLA (5 dígitos: alcaldía; 2:
    gobernación), como en el formulario. Las 1.250 entidades se leen una vez por importación."""

    def __init__(self, **kwargs):
        super().__init__(Entidad, field="pk", **kwargs)

    def clean(self, value, row=None, **kwargs):
        codigos = list(dict.fromkeys(_partes(value)))
        if not codigos:
            return []
        if "_por_codigo" not in self.__dict__:
            self._por_codigo = {
                codigo_divipola(e): e
                for e in Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
                .only("id", "nombre", "tipo", "municipio_id", "departamento_id")
            }
        faltan = [c for c in codigos if c not in self._por_codigo]
        if faltan:
            raise ValueError(_("no hay alcaldía (5 dígitos) ni gobernación (2 dígitos) con el código: %(codigos)s")
                             % {"codigos": ", ".join(faltan)})
        return [self._por_codigo[c] for c in codigos]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else SEPARADOR.join(codigo_divipola(e) for e in value.all())


class SiNoWidget(widgets.Widget):
    SI = {"si", "sí", "s", "x", "1", "true", "verdadero"}
    NO = {"no", "n", "0", "false", "falso"}

    def __init__(self, defecto: bool, **kwargs):
        self.defecto = defecto
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        texto = str(value if value is not None else "").strip().lower()
        if not texto:
            return self.defecto
        if texto in self.SI:
            return True
        if texto in self.NO:
            return False
        raise ValueError(_("escriba sí o no (recibido «%(valor)s»)") % {"valor": value})

    def render(self, value, obj=None, **kwargs):
        return _("sí") if value else _("no")


class OpcionesWidget(widgets.Widget):
    """Lista separada por comas de valores de unas opciones (TextChoices)."""

    def __init__(self, opciones, **kwargs):
        self.opciones = opciones
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        valores = _partes(value)
        malos = [v for v in valores if v not in self.opciones.values]
        if malos:
            raise ValueError(_("valor no permitido: %(malos)s (permitidos: %(ok)s)")
                             % {"malos": ", ".join(malos), "ok": ", ".join(self.opciones.values)})
        return valores

    def render(self, value, obj=None, **kwargs):
        return SEPARADOR.join(value or [])


class FechaWidget(widgets.DateWidget):
    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
        self.formats = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(_("fecha no válida «%(valor)s»: use AAAA-MM-DD") % {"valor": value}) from None


class EnteroWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("número entero no válido «%(valor)s»") % {"valor": value}) from None


def _m2m(nombre, modelo, campo="codigo"):
    # Siempre se crean ofertas nuevas: `add` inserta sin leer antes lo existente.
    return fields.Field(attribute=nombre, column_name=nombre, widget=CodigosWidget(modelo, field=campo), m2m_add=True)


class OfertaBaseResource(resources.ModelResource):
    entidad = fields.Field(attribute="entidad", column_name="entidad", widget=EntidadWidget())
    cooferentes = fields.Field(attribute="cooferentes", column_name="cooferentes", widget=EntidadesWidget())
    descriptores = _m2m("descriptores", DescriptorTematico)
    temas = _m2m("temas", Tema)
    capacidades = _m2m("capacidades", Capacidad)
    niveles_capacidad = _m2m("niveles_capacidad", NivelCapacidad)
    etapas = _m2m("etapas", EtapaCiclo)
    modalidades = _m2m("modalidades", Modalidad)
    focaliza_departamentos = _m2m("focaliza_departamentos", Departamento)
    canal = fields.Field(attribute="canal", column_name="canal", widget=CodigoWidget(Canal, "codigo"))
    continua = fields.Field(attribute="continua", column_name="continua", widget=SiNoWidget(True))
    dirigida_a_alcaldias = fields.Field(attribute="dirigida_a_alcaldias", column_name="dirigida_a_alcaldias",
                                        widget=SiNoWidget(True))
    dirigida_a_gobernaciones = fields.Field(attribute="dirigida_a_gobernaciones",
                                            column_name="dirigida_a_gobernaciones", widget=SiNoWidget(True))
    solo_pdet = fields.Field(attribute="solo_pdet", column_name="solo_pdet", widget=SiNoWidget(False))
    solo_zomac = fields.Field(attribute="solo_zomac", column_name="solo_zomac", widget=SiNoWidget(False))
    focaliza_entidades = fields.Field(attribute="focaliza_entidades", column_name="focaliza_entidades",
                                      widget=EntidadesTerritorialesWidget())
    focaliza_categorias = fields.Field(attribute="focaliza_categorias", column_name="focaliza_categorias",
                                       widget=OpcionesWidget(CategoriaLey617))
    focaliza_grupos_mdm = fields.Field(attribute="focaliza_grupos_mdm", column_name="focaliza_grupos_mdm",
                                       widget=OpcionesWidget(GrupoMDM))
    publico_objetivo = fields.Field(attribute="publico_objetivo", column_name="publico_objetivo",
                                    widget=OpcionesWidget(PublicoObjetivo))
    cupos = fields.Field(attribute="cupos", column_name="cupos", widget=EnteroWidget())
    vigencia_desde = fields.Field(attribute="vigencia_desde", column_name="vigencia_desde", widget=FechaWidget())
    vigencia_hasta = fields.Field(attribute="vigencia_hasta", column_name="vigencia_hasta", widget=FechaWidget())

    class Meta:
        model = Oferta
        fields = [
            "entidad", "cooferentes", "nombre", "necesidad", "descripcion", "descriptores", "temas",
            "capacidades", "niveles_capacidad", "etapas", "modalidades", "canal", "estructura", "continua",
            "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "focaliza_departamentos", "focaliza_categorias",
            "focaliza_grupos_mdm", "solo_pdet", "solo_zomac", "focaliza_entidades", "publico_objetivo",
            "bienes_entregados",
            "requisitos", "cronograma", "cupos", "alineacion_pnd", "contacto_nombre", "contacto_email",
            "contacto_telefono", "vigencia_desde", "vigencia_hasta",
        ]
        export_order = fields
        skip_diff = True
        clean_model_instances = True


class OfertaDatosAbiertosResource(OfertaBaseResource):
    """Datos abiertos: solo campos públicos de ofertas publicadas."""

    id = fields.Field(attribute="id", column_name="id")
    entidad_nombre = fields.Field(attribute="entidad__nombre", column_name="entidad_nombre")
    canal_nombre = fields.Field(attribute="canal__nombre", column_name="canal_nombre")
    publicada_en = fields.Field(attribute="publicada_en", column_name="publicada_en",
                                widget=widgets.DateTimeWidget(format="%Y-%m-%dT%H:%M:%S%z"))

    class Meta(OfertaBaseResource.Meta):
        fields = ["id", "entidad_nombre", *OfertaBaseResource.Meta.fields, "canal_nombre", "publicada_en"]
        export_order = fields
