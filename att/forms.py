from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VariosArchivos(forms.ClearableFileInput):
    """Un campo de archivo que acepta varios a la vez (evidencias de un avance o de un reporte del PAS)."""

    allow_multiple_selected = True


class CampoVariosArchivos(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", VariosArchivos())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(CampoVariosArchivos, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []

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


class EntidadTerritorialField(forms.ModelChoiceField):
    """Elección de una entidad territorial que acepta, además del valor de la lista, lo que la persona
    escribe: el código DIVIPOLA o el nombre del municipio como se escribe (sin tildes, en mayúsculas,
    nombres cortos como «Cúcuta» o «Tolú»; con «, departamento» para los homónimos), resuelto por el
    nomenclátor de `att.lugares` (que no adivina: un nombre ambiguo es un error con los candidatos).
    Solo se aceptan entidades del `queryset` (las que la persona puede elegir). Un valor numérico es
    el id de la lista, como en todo `ModelChoiceField`."""

    def to_python(self, value):
        from att.lugares import LugarNoResuelto, Nomenclator
        from att.models import TipoEntidad

        texto = str(value or "").strip()
        if texto in self.empty_values or texto.isdigit():  # el valor de la lista (id): como siempre
            return super().to_python(value)
        nombre, _coma, departamento = texto.partition(",")
        try:
            codigo = Nomenclator.cargar().municipio(nombre.strip(), departamento.strip())
        except LugarNoResuelto as e:
            mensaje = e.mensaje
            if e.candidatos:
                mensaje += " " + _("Candidatos: %(c)s.") % {"c": "; ".join(e.candidatos)}
            raise forms.ValidationError(mensaje, code="invalid_choice") from None
        entidad = self.queryset.filter(tipo=TipoEntidad.ALCALDIA, municipio_id=codigo).first()
        if entidad is None:
            raise forms.ValidationError(_("No puede elegir el municipio %(c)s.") % {"c": codigo}, code="invalid_choice")
        return entidad


def aplicar_error_servicio(form: forms.BaseForm, exc: ValidationError) -> None:
    """Pone en el formulario el `ValidationError` de un servicio: cada error junto a su campo si el
    formulario lo tiene y los demás en el resumen de arriba, para que la persona sepa qué corregir."""
    if hasattr(exc, "error_dict"):
        for campo, errores in exc.error_dict.items():
            form.add_error(campo if campo in form.fields else None, errores)
    else:
        form.add_error(None, exc.messages)


class MensajeForm(forms.Form):
    """Un mensaje de una conversación (`att.conversaciones`): texto y, si hace falta, archivos."""

    texto = forms.CharField(
        label=_("Su mensaje"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lo leen la entidad territorial, los oferentes y el DNP que pueden ver esta página."),
    )
    adjuntos = CampoVariosArchivos(
        label=_("Adjuntos"), required=False,
        widget=VariosArchivos(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.ods,.csv,.jpg,.jpeg,.png"}),
        help_text=_("Opcional. PDF, DOCX, XLSX, ODT, ODS, CSV, JPG o PNG; máximo 10 MB cada uno."),
    )

    def __init__(self, *args, **kwargs):
        from att.models import Mensaje

        super().__init__(*args, **kwargs)
        self.fields["texto"].max_length = Mensaje._meta.get_field("texto").max_length
        self.fields["texto"].widget.attrs["maxlength"] = self.fields["texto"].max_length
