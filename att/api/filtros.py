"""Filtros compartidos de la API."""

import copy
from collections import OrderedDict

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.filters import QuerySetRequestMixin
from django_filters.widgets import BaseCSVWidget
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from att import cambios


class FechaHoraFilter(filters.IsoDateTimeFilter):
    """Fecha y hora ISO 8601 llevada a UTC antes de consultar.

    ISO admite desfases de hasta ±23:59, PostgreSQL solo hasta ±15:59: sin esta conversión un
    `?desde=2026-01-01T00:00-17:00` válido producía un error 500 en lugar de filtrar.
    """

    def filter(self, qs, value):
        if value is not None:
            try:
                value = cambios.a_utc(value)
            except (ValueError, OverflowError) as error:  # año 1 o 9999 que no cabe al pasar a UTC
                filtros = getattr(getattr(self, "parent", None), "filters", {})
                parametro = next((n for n, f in filtros.items() if f is self), self.field_name)
                raise ValidationError({parametro: [
                    _("Use una fecha y hora ISO 8601 válida, p. ej. 2026-11-30T15:00:00Z.")]}) from error
        return super().filter(qs, value)


def valores_multiples(data, name) -> list[str] | None:
    """Los valores de `name` en la consulta: claves repetidas y listas con comas valen lo mismo.

    `tema=planeacion&tema=salud` y `tema=planeacion,salud` dan `["planeacion", "salud"]`; antes la
    clave repetida conservaba solo el último valor (el cliente generado desde el esquema la repite).
    `None` si la clave no viene."""
    if name not in data:
        return None
    crudos = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if not isinstance(crudos, (list, tuple)):
        crudos = [crudos]
    return [parte.strip() for crudo in crudos for parte in str(crudo).split(",") if parte.strip()]


class WidgetValoresMultiples(BaseCSVWidget, forms.TextInput):
    def value_from_datadict(self, data, files, name):
        return valores_multiples(data, name)


class WidgetOpcionesMultiples(forms.SelectMultiple):
    def value_from_datadict(self, data, files, name):
        return valores_multiples(data, name)


class ValoresMultiplesFilter(filters.BaseInFilter, filters.CharFilter):
    """Varios valores (O): claves repetidas o separados por comas. El esquema lo publica como
    arreglo `style: form, explode: true` (ver `att/api/esquema.py`), que el servidor también
    acepta con comas."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WidgetValoresMultiples)
        kwargs.setdefault("help_text", "")  # la ayuda del esquema la pone att/api/esquema.py
        super().__init__(*args, **kwargs)


class OpcionesMultiplesFilter(filters.MultipleChoiceFilter):
    """Varias opciones de una lista cerrada (O): claves repetidas o separadas por comas."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WidgetOpcionesMultiples)
        super().__init__(*args, **kwargs)


class PeriodoGobiernoFilter(filters.CharFilter):
    """`?periodo=2024-2027`: lo que cae en ese periodo de gobierno por `field_name` (fecha o fecha y
    hora, `att.selectors.filtrar_por_periodo`). Un código desconocido es un 400 en español."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Periodo de gobierno (código, p. ej. 2024-2027)")
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        from att import selectors

        if not value:
            return qs
        periodo = selectors.periodo_por_codigo(value)
        if periodo is None:
            codigos = ", ".join(p.codigo for p in selectors.periodos_gobierno())
            raise ValidationError({"periodo": [
                _("No existe el periodo de gobierno «%(v)s». Use uno de: %(c)s.") % {"v": value, "c": codigos}]})
        return selectors.filtrar_por_periodo(qs, self.field_name, periodo)


class FiltroActualizadoDesde(BaseFilterBackend):
    """`?actualizado_desde=<ISO 8601>` en toda lista de un modelo registrado en `att/cambios.py`.

    Devuelve lo modificado **después** de la marca (exclusivo: `> marca`), ordenado por (fecha de
    modificación, id) de menor a mayor, también con la paginación por cursor: un integrador recorre
    las páginas con `next` y guarda como próxima marca la mayor fecha vista o, más simple, la hora
    del servidor (cabecera `Date`) de su primera petición menos unos segundos (lo repetido se
    sobrescribe; lo borrado está en `/api/v1/eliminaciones/`).
    """

    def _campo(self, request, queryset):
        if cambios.PARAMETRO not in request.query_params:
            return None
        fuente = cambios.fuente_de(getattr(queryset, "model", None))
        return fuente.campo if fuente else None

    def filter_queryset(self, request, queryset, view):
        valor = request.query_params.get(cambios.PARAMETRO)
        if valor is None:
            return queryset
        campo = self._campo(request, queryset)
        if campo is None:
            raise ValidationError({cambios.PARAMETRO: [_("Esta lista no admite actualizado_desde.")]})
        try:
            marca = cambios.leer_marca(valor)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return queryset.filter(**{f"{campo}__gt": marca}).order_by(campo, "pk")

    def get_ordering(self, request, queryset, view):
        """La paginación por cursor pregunta aquí el orden: con la marca, (fecha, id)."""
        campo = self._campo(request, queryset)
        if campo is not None:
            return (campo, "pk")
        return OrderingFilter().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        try:
            modelo = view.get_queryset().model
        except Exception:  # noqa: BLE001 - vistas sin queryset al generar el esquema
            modelo = getattr(getattr(view, "queryset", None), "model", None)
        if cambios.fuente_de(modelo) is None or getattr(view, "action", "list") != "list":
            return []
        return [{
            "name": cambios.PARAMETRO, "required": False, "in": "query",
            "description": str(_("Solo lo modificado después de esta fecha y hora (ISO 8601, exclusiva), "
                                 "ordenado por fecha de modificación e id.")),
            "schema": {"type": "string", "format": "date-time"},
        }]


class _FiltrosCopiaSuperficial(OrderedDict):
    """Los filtros de la clase; `deepcopy` (lo que hace django-filter al crear cada FilterSet) da copias
    superficiales, cada una con su propio `FilterMethod` (que busca el método en el FilterSet de la copia)."""

    def __deepcopy__(self, memo):
        copias = OrderedDict()
        for nombre, filtro in self.items():
            copia = copy.copy(filtro)
            if filtro.method is not None:
                copia.method = filtro.method  # el setter reemplaza el FilterMethod del original por uno propio
            copias[nombre] = copia
        return copias


class FiltrosDeFormularioFijo(filters.FilterSet):
    """FilterSet de la API cuyo formulario no depende de la petición (ningún filtro con queryset por
    persona). django-filter, en cada petición, copia en profundidad todos los filtros (con sus campos y
    widgets ya armados) y arma una clase de formulario nueva: ~1 ms de la lista de ofertas. Aquí:

    - cada FilterSet recibe copias superficiales de los filtros de la clase (lo único que cambia por
      petición es `parent`, y el `FilterMethod` de los filtros con `method=`);
    - la clase del formulario se arma una vez por clase de FilterSet; cada formulario copia sus campos
      al crearse, como todo formulario de Django, así que nada de una petición pasa a otra.

    Un filtro con queryset que depende de la petición (`ModelChoiceFilter` y parientes) haría que la
    primera petición fijara el de todas: la clase no se deja declarar así."""

    @classmethod
    def get_filters(cls):
        filtros = super().get_filters()
        por_peticion = [n for n, f in filtros.items() if isinstance(f, QuerySetRequestMixin)]
        if por_peticion:
            raise ImproperlyConfigured(
                f"{cls.__name__}: {', '.join(por_peticion)} dependen de la petición; use FilterSet de django-filter.")
        return _FiltrosCopiaSuperficial(filtros)

    def get_form_class(self):
        clase = type(self).__dict__.get("_formulario_fijo")
        if clase is None:
            clase = super().get_form_class()
            type(self)._formulario_fijo = clase
        return clase

    # --- Sin parámetros de filtro, sin formulario ------------------------------------------------
    # Un integrador que recorre la lista entera no manda filtros, y django-filter igual arma y valida
    # el formulario (copia de cada campo) y pasa el valor vacío a cada filtro. Si ningún campo viene
    # en la consulta y la clase ya mostró que su formulario vacío es válido y no cambia la consulta,
    # la lista es el queryset tal cual. La prueba se hace una vez por clase, con la primera petición
    # sin filtros, por el camino de siempre: un filtro que actuara con el valor vacío la reprueba.

    def _sin_filtros(self) -> bool:
        if "_sin_filtros_decidido" not in self.__dict__:  # `is_valid` y `qs` lo preguntan en cada petición
            self._sin_filtros_decidido = self._decidir_sin_filtros()
        return self._sin_filtros_decidido

    def _decidir_sin_filtros(self) -> bool:
        if not self.is_bound or self.form_prefix:
            return False
        campos = self.get_form_class().base_fields
        if not all(c.widget.value_omitted_from_data(self.data, {}, n) for n, c in campos.items()):
            return False
        vacio_no_filtra = type(self).__dict__.get("_vacio_no_filtra")
        if vacio_no_filtra is None:
            base = self.queryset.all()
            vacio_no_filtra = self.form.is_valid() and (
                self.filter_queryset(base.all()).query.sql_with_params() == base.query.sql_with_params())
            type(self)._vacio_no_filtra = vacio_no_filtra
        return vacio_no_filtra

    def is_valid(self):
        return self._sin_filtros() or super().is_valid()

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self._sin_filtros():
            self._qs = self.queryset.all()
        return super().qs
