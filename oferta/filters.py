"""Filtros de la API de ofertas (django-filter): los mismos criterios del portal."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from att.api.filtros import FechaHoraFilter, FiltrosDeFormularioFijo, ValoresMultiplesFilter
from att.models import Capacidad, DescriptorTematico, EtapaCiclo, Modalidad, Tema

from .models import EstadoOferta, Oferta
from .selectors import consulta_texto


class CodigosFilter(ValoresMultiplesFilter):
    """Códigos (clave repetida o separados por comas); la oferta debe tener alguno (O)."""


class OfertaFilter(FiltrosDeFormularioFijo):
    q = filters.CharFilter(method="filtrar_texto", label=_("Búsqueda de texto (sin tildes, estilo web)"))
    estado = filters.ChoiceFilter(choices=EstadoOferta.choices)
    entidad = filters.NumberFilter(method="filtrar_entidad", label=_("Entidad oferente o cooferente (id)"))
    descriptor = CodigosFilter(method="filtrar_m2m", label=_("Códigos de descriptor"))
    tema = CodigosFilter(method="filtrar_m2m", label=_("Códigos de tema"))
    capacidad = CodigosFilter(method="filtrar_m2m", label=_("Códigos de capacidad"))
    etapa = CodigosFilter(method="filtrar_m2m", label=_("Códigos de etapa del ciclo"))
    modalidad = CodigosFilter(method="filtrar_m2m", label=_("Códigos de modalidad"))
    canal = CodigosFilter(field_name="canal__codigo", lookup_expr="in", label=_("Códigos de canal"))
    departamento = CodigosFilter(method="filtrar_departamento",
                                 label=_("Departamentos cubiertos (DIVIPOLA; incluye las de todo el país)"))
    actualizada_desde = FechaHoraFilter(field_name="actualizada", lookup_expr="gte")

    CAMPOS = {
        "descriptor": ("descriptores", DescriptorTematico), "tema": ("temas", Tema),
        "capacidad": ("capacidades", Capacidad), "etapa": ("etapas", EtapaCiclo),
        "modalidad": ("modalidades", Modalidad),
    }

    class Meta:
        model = Oferta
        fields = ["estado", "continua", "solo_pdet", "solo_zomac"]

    def filtrar_texto(self, qs, nombre, valor):
        """Como el portal: español sin tildes, raíces y prefijos (`att.busqueda`)."""
        if not valor.strip():
            return qs
        return qs.filter(busqueda=consulta_texto(valor))

    def filtrar_m2m(self, qs, nombre, valores):
        campo, _modelo = self.CAMPOS[nombre]
        through = Oferta._meta.get_field(campo).remote_field.through
        columna = Oferta._meta.get_field(campo).m2m_reverse_name()
        ids = _modelo.objects.filter(codigo__in=valores).values("pk")
        return qs.filter(pk__in=through.objects.filter(**{f"{columna}__in": ids}).values("oferta_id"))

    def filtrar_entidad(self, qs, nombre, valor):
        from .selectors import FiltrosPortal, aplicar_filtros

        return aplicar_filtros(qs, FiltrosPortal(valores={"entidad": [str(int(valor))]}))

    def filtrar_departamento(self, qs, nombre, valor):
        from .selectors import FiltrosPortal, aplicar_filtros

        return aplicar_filtros(qs, FiltrosPortal(valores={"departamento": [v[:2] for v in valor[:40]]}))
