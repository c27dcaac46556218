from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from att.forms import EntidadTerritorialField, FechaInput
from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    FuenteDiagnostico,
    MotivoEgreso,
    NivelCapacidad,
    TipoCapacidad,
)
from att.widgets import casillas_entidades
from rutas.models import Protocolo

VALORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class EntidadEscritaField(EntidadTerritorialField):
    """La entidad territorial escrita: el nombre del municipio (como lo resuelve `att.lugares`), su
    código DIVIPOLA de cinco dígitos (alcaldía) o de dos (gobernación). Sin una lista de 1.100 opciones
    en la página."""

    widget = forms.TextInput

    def to_python(self, value):
        from att.models import TipoEntidad

        texto = str(value or "").strip()
        if texto.isdigit() and len(texto) in (2, 5):
            filtro = ({"tipo": TipoEntidad.ALCALDIA, "municipio_id": texto} if len(texto) == 5
                      else {"tipo": TipoEntidad.GOBERNACION, "departamento_id": texto})
            entidad = self.queryset.filter(**filtro).first()
            if entidad is None:
                raise forms.ValidationError(_("No puede elegir la entidad con código %(c)s.") % {"c": texto},
                                            code="invalid_choice")
            return entidad
        return super().to_python(value)

    def prepare_value(self, value):
        if hasattr(value, "municipio_id"):
            return value.municipio_id or value.departamento_id or value.pk
        return super().prepare_value(value)


def _entidad_field():
    return EntidadEscritaField(
        queryset=None, label=_("Entidad territorial"),
        help_text=_("Escriba el municipio (p. ej. «Medellín» o «Rionegro, Antioquia») o su código DIVIPOLA; "
                    "dos dígitos para una gobernación."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RutaForm(forms.Form):
    entidad = _entidad_field()
    capacidad = forms.ModelChoiceField(queryset=Capacidad.objects.filter(activo=True), label=_("Capacidad a fortalecer"),
                                       empty_label=_("Seleccione la capacidad"))
    oferentes = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Entidades oferentes"), widget=casillas_entidades(),
        help_text=_("Una, o varias si el plan es articulado."),
    )
    inicio = forms.DateField(label=_("Inicio de la ruta"), widget=FechaInput(),
                             initial=timezone.localdate)

    def __init__(self, *args, territoriales, oferentes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = territoriales
        self.fields["oferentes"].queryset = oferentes
        if not self.is_bound and oferentes.count() == 1:
            self.fields["oferentes"].initial = list(oferentes)


class NoAplicaForm(forms.Form):
    protocolo = forms.TypedChoiceField(choices=Protocolo.choices, coerce=int, label=_("Paso"))
    motivo = forms.CharField(label=_("Por qué no aplica"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class EgresoForm(forms.Form):
    motivo = forms.ChoiceField(choices=MotivoEgreso.choices, widget=forms.RadioSelect, label=_("Cómo termina la ruta"))
    diagnostico = forms.ModelChoiceField(
        queryset=DiagnosticoCapacidad.objects.none(), required=False, label=_("Diagnóstico que prueba el objetivo"),
        empty_label=_("El más reciente"),
    )
    detalle = forms.CharField(label=_("Detalle o motivo del cierre"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatorio si la ruta se cierra sin cumplir el objetivo."))

    def __init__(self, *args, ruta, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diagnostico"].queryset = DiagnosticoCapacidad.objects.filter(entidad=ruta.entidad).order_by("-fecha")


class DiagnosticoForm(forms.Form):
    """Datos del diagnóstico y, por cada capacidad del catálogo, su valoración (vacía: no se valoró)."""

    entidad = _entidad_field()
    fecha = forms.DateField(label=_("Fecha del diagnóstico"), widget=FechaInput(),
                            initial=timezone.localdate)
    objetivo = forms.CharField(label=_("Objetivo de capacidad acordado"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    indice_desempeno_fiscal = forms.DecimalField(
        label=_("Índice de desempeño fiscal"), required=False, min_value=0, max_value=100, decimal_places=2,
        help_text=_("El del departamento, si se conoce (0 a 100). El puntaje y el grupo MDM se toman del historial importado."))
    diagnostico_propio = forms.CharField(label=_("Diagnóstico propio"), required=False, max_length=5000,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    encuesta = forms.CharField(label=_("Resultado de encuesta o entrevistas"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, territoriales, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = territoriales
        self.capacidades = list(Capacidad.objects.filter(activo=True))
        niveles = NivelCapacidad.objects.filter(activo=True)
        tipos = TipoCapacidad.objects.filter(activo=True)
        for c in self.capacidades:
            self.fields[f"valor_{c.pk}"] = forms.TypedChoiceField(
                choices=VALORES, coerce=int, empty_value=None, required=False, label=_("Valoración (1 a 5)"))
            self.fields[f"objetivo_{c.pk}"] = forms.TypedChoiceField(
                choices=VALORES, coerce=int, empty_value=None, required=False, label=_("Objetivo acordado"))
            self.fields[f"fuente_{c.pk}"] = forms.ChoiceField(choices=FuenteDiagnostico.choices, required=False,
                                                              initial=FuenteDiagnostico.PROPIO, label=_("Fuente"))
            self.fields[f"nivel_{c.pk}"] = forms.ModelChoiceField(queryset=niveles, required=False, label=_("Nivel"))
            self.fields[f"tipo_{c.pk}"] = forms.ModelChoiceField(queryset=tipos, required=False, label=_("Tipo"))
            self.fields[f"evidencia_{c.pk}"] = forms.CharField(required=False, max_length=2000, label=_("Evidencia"))

    GENERALES = ("entidad", "fecha", "objetivo", "indice_desempeno_fiscal", "diagnostico_propio", "encuesta")

    def campos_generales(self):
        return [self[n] for n in self.GENERALES]

    def filas_capacidad(self):
        """Para la plantilla: por capacidad, sus campos."""
        return [{"capacidad": c, "campos": [self[f"{n}_{c.pk}"] for n in
                                            ("valor", "objetivo", "fuente", "nivel", "tipo", "evidencia")]}
                for c in self.capacidades]

    def valoraciones(self) -> list[dict]:
        d = self.cleaned_data
        return [{"capacidad": c, "valor": d.get(f"valor_{c.pk}"), "objetivo": d.get(f"objetivo_{c.pk}"),
                 "fuente": d.get(f"fuente_{c.pk}") or FuenteDiagnostico.PROPIO, "nivel": d.get(f"nivel_{c.pk}"),
                 "tipo": d.get(f"tipo_{c.pk}"), "evidencia": d.get(f"evidencia_{c.pk}") or ""}
                for c in self.capacidades if d.get(f"valor_{c.pk}") is not None]

    def clean(self):
        datos = super().clean()
        for c in getattr(self, "capacidades", []):
            if datos.get(f"objetivo_{c.pk}") is not None and datos.get(f"valor_{c.pk}") is None:
                self.add_error(f"valor_{c.pk}", _("Valore «%(c)s» para fijar su objetivo.") % {"c": c})
        return datos
