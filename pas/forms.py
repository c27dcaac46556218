from django import forms
from django.utils.translation import gettext_lazy as _

from att.forms import CampoVariosArchivos, ConservaAdjuntosMixin, FechaInput
from att.models import Entidad
from att.validadores import TEXTO_LARGO, TEXTO_MEDIO
from att.widgets import casillas_entidades
from indicadores.models import Indicador, TipoIndicador
from pas.models import Accion, FuenteFinanciacion

ANIOS = (2022, 2023, 2024, 2025, 2026)


Fecha = FechaInput  # el widget de fecha de la plataforma (ISO)


class AccionForm(forms.ModelForm):
    corresponsables = forms.ModelMultipleChoiceField(
        queryset=Entidad.objects.filter(departamento__isnull=True, municipio__isnull=True).order_by("nombre"),
        required=False, label=_("Entidades corresponsables"), widget=casillas_entidades())

    class Meta:
        model = Accion
        fields = ["codigo", "texto", "objetivo", "entidad", "fecha_inicio", "fecha_fin", "peso"]
        widgets = {"texto": forms.Textarea(attrs={"rows": 3, "maxlength": TEXTO_MEDIO}),
                   "fecha_inicio": Fecha(), "fecha_fin": Fecha()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nacionales = Entidad.objects.filter(departamento__isnull=True, municipio__isnull=True).order_by("nombre")
        self.fields["entidad"].queryset = nacionales
        self.fields["texto"].max_length = TEXTO_MEDIO
        if self.instance.pk:
            self.fields["corresponsables"].initial = list(self.instance.corresponsables.values_list("pk", flat=True))


class IndicadorForm(forms.ModelForm):
    """La ficha técnica del indicador (app `indicadores`) y sus metas anuales 2022–2026."""

    class Meta:
        model = Indicador
        fields = ["nombre", "tipo", "descripcion", "formula", "unidad", "frecuencia", "linea_base",
                  "meta_cuatrienio", "tipo_acumulacion"]
        widgets = {"descripcion": forms.Textarea(attrs={"rows": 2}), "formula": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [(t.value, t.label) for t in
                                       (TipoIndicador.GESTION, TipoIndicador.PRODUCTO, TipoIndicador.RESULTADO)]
        self.fields["descripcion"].max_length = TEXTO_LARGO
        self.fields["formula"].max_length = TEXTO_MEDIO
        for anio in ANIOS:
            self.fields[f"meta_{anio}"] = forms.DecimalField(label=_("Meta %(a)s") % {"a": anio}, required=False,
                                                             max_digits=14, decimal_places=2)

    def metas(self) -> dict:
        return {anio: self.cleaned_data.get(f"meta_{anio}") for anio in ANIOS}

    def ficha(self) -> dict:
        return {c: self.cleaned_data[c] for c in self.Meta.fields}


class CostoForm(forms.Form):
    anio = forms.TypedChoiceField(label=_("Año"), choices=[(a, a) for a in ANIOS], coerce=int)
    fuente = forms.ChoiceField(label=_("Fuente"), choices=FuenteFinanciacion.choices)
    monto = forms.DecimalField(label=_("Costo (millones de pesos)"), min_value=0, max_digits=14, decimal_places=2)


class CorteForm(forms.Form):
    plazo_reporte = forms.DateField(label=_("Plazo de reporte"), widget=Fecha())
    dias_alerta = forms.IntegerField(label=_("Días de anticipación de la alerta"), min_value=0, max_value=90)


class ReporteForm(ConservaAdjuntosMixin, forms.Form):
    campos_adjuntos = ("evidencias",)
    clave_formulario = "pas.reporte"

    avance = forms.DecimalField(label=_("Avance físico de la acción al corte (%)"), min_value=0, max_value=100,
                                decimal_places=2, required=False,
                                help_text=_("De 0 a 100: cuánto de la acción está hecho a la fecha de corte."))
    comprometido = forms.DecimalField(label=_("Presupuesto comprometido en el semestre (millones de pesos)"),
                                      min_value=0, max_digits=14, decimal_places=2, initial=0)
    pagado = forms.DecimalField(label=_("Presupuesto pagado en el semestre (millones de pesos)"), min_value=0,
                                max_digits=14, decimal_places=2, initial=0)
    nota = forms.CharField(label=_("Nota cualitativa"), required=False, max_length=TEXTO_LARGO,
                           widget=forms.Textarea(attrs={"rows": 4}))
    evidencias = CampoVariosArchivos(label=_("Evidencias"), required=False,
                                     help_text=_("Actas, informes, listas de asistencia (PDF, DOCX, XLSX, JPG, PNG)."))

    def __init__(self, *args, indicadores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicadores = list(indicadores)
        for ind in self.indicadores:
            self.fields[f"valor_{ind.pk}"] = forms.DecimalField(
                label=_("%(n)s (%(u)s)") % {"n": ind.nombre, "u": ind.unidad}, required=False, max_digits=14,
                decimal_places=2, help_text=ind.explicacion_acumulacion)

    def valores(self) -> dict:
        return {ind.pk: self.cleaned_data.get(f"valor_{ind.pk}") for ind in self.indicadores}

    def clean(self):
        datos = super().clean()
        if (datos.get("pagado") or 0) > (datos.get("comprometido") or 0):
            self.add_error("pagado", _("Lo pagado no puede superar lo comprometido."))
        return datos


class ComentarioForm(forms.Form):
    comentario = forms.CharField(label=_("Comentarios para la entidad"), required=False, max_length=TEXTO_MEDIO,
                                 widget=forms.Textarea(attrs={"rows": 3}))
