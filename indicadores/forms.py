from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from att.validadores import TEXTO_CORTO


class MedicionForm(forms.Form):
    periodo = forms.CharField(label=_("Periodo (AAAA-MM)"), max_length=7,
                              widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}))
    valor = forms.DecimalField(label=_("Valor"), max_digits=14, decimal_places=2)
    observacion = forms.CharField(label=_("Observación"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  max_length=TEXTO_CORTO)

    def clean_periodo(self):
        valor = self.cleaned_data["periodo"]
        try:
            anio, mes = valor.split("-")
            return date(int(anio), int(mes), 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("Escriba el periodo como AAAA-MM, por ejemplo 2026-10.")) from None
