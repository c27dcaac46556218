from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class IngresoForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Correo electrónico"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("El correo o la contraseña no son correctos. Revise e intente de nuevo."),
        "inactive": _("Esta cuenta está inactiva. Escriba al administrador de la plataforma."),
    }


class ArchivoImportacionForm(forms.Form):
    """El archivo de cualquier importación (`att.importacion`). Las apps agregan campos con valores
    para todo el archivo (p. ej. el origen de la necesidad) y los devuelven en `opciones()`."""

    archivo = forms.FileField(
        label=_("Archivo CSV o XLSX"),
        help_text=_("Máximo 20 MB. La primera fila lleva los nombres de las columnas. CSV con coma, punto y coma o "
                    "tabulación, en UTF-8 o en la codificación de Excel en español."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        error_messages={"empty": _("El archivo está vacío: la primera fila debe llevar los nombres de las columnas.")},
    )

    def clean_archivo(self):
        archivo = self.cleaned_data["archivo"]
        if not archivo.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("El archivo debe ser CSV o XLSX."))
        if archivo.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("El archivo pesa más de 20 MB: divídalo en partes."))
        return archivo

    def opciones(self) -> dict:
        return {}


ImportarAtributosForm = ArchivoImportacionForm


class CodigoMFAForm(forms.Form):
    """El código de la aplicación de autenticación (o uno de respaldo, al verificar)."""

    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off",
            "spellcheck": "false", "class": "campo-codigo",
        }),
    )

    def __init__(self, *args, ayuda: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Django liga la ayuda y los errores al campo (aria-describedby con `_helptext` y `_error`).
        self.fields["codigo"].help_text = ayuda


class PreferenciasAlertasForm(forms.Form):
    """Un campo por tipo de alerta (`CategoriaAlerta`): al momento, resumen diario o ninguno."""

    def __init__(self, *args, iniciales: dict[str, str], **kwargs):
        from att.models import CategoriaAlerta, FrecuenciaAlerta

        super().__init__(*args, **kwargs)
        for valor, etiqueta in CategoriaAlerta.choices:
            self.fields[valor] = forms.ChoiceField(
                label=etiqueta, choices=FrecuenciaAlerta.choices, initial=iniciales.get(valor),
                widget=forms.RadioSelect,
            )
