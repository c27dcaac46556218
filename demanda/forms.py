from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from att import permisos
from att.forms import (
    ArchivoImportacionForm,
    ConservaAdjuntosMixin,
    EntidadTerritorialField,
    FechaInput,
)
from att.models import Canal, Capacidad, Entidad, EtapaCiclo, Modalidad, Rol, Tema
from att.validadores import TEXTO_CORTO, TEXTO_LARGO
from att.widgets import casillas_temas, selector_municipio
from demanda import selectors
from demanda.models import FuenteNecesidad
from demanda.services import errores_de_adjuntos


class VariosArchivosInput(forms.FileInput):
    allow_multiple_selected = True


class VariosArchivosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", VariosArchivosInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.ods,.csv,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(VariosArchivosField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def validar_archivos(archivos):
    """En el formulario, los mismos errores que daría el servicio, junto al campo."""
    errores = errores_de_adjuntos(archivos)
    if errores:
        raise ValidationError(errores)
    return archivos


class DemandaForm(ConservaAdjuntosMixin, forms.Form):
    campos_adjuntos = ("adjuntos",)
    clave_formulario = "demanda.demanda"

    entidad = EntidadTerritorialField(
        label=_("Entidad que necesita la asistencia"), queryset=Entidad.objects.none(),
        empty_label=_("Seleccione la entidad"), widget=selector_municipio(),
        help_text=_("El equipo departamental puede registrar por los municipios de su departamento: escriba "
                    "el nombre en «Buscar municipio» (sin tildes también sirve)."),
    )
    titulo = forms.CharField(
        label=_("Título de la necesidad"), max_length=255, min_length=10,
        help_text=_("En una frase: qué necesita la entidad. Mínimo 10 caracteres."),
    )
    descripcion = forms.CharField(
        label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 5}), max_length=TEXTO_LARGO,
        help_text=_("Qué problema tiene la entidad, qué ha intentado y qué resultado espera."),
    )
    temas = forms.ModelMultipleChoiceField(
        label=_("Temas"), queryset=Tema.objects.filter(activo=True).order_by(F("padre_id").asc(nulls_first=True), "orden", "nombre"),
        widget=casillas_temas(),
        help_text=_("Marque todos los que apliquen. Escriba en «Filtrar temas» para encontrar uno."),
    )
    capacidad = forms.ModelChoiceField(
        label=_("Capacidad a fortalecer"), queryset=Capacidad.objects.filter(activo=True), required=False,
        empty_label=_("Sin indicar"),
    )
    etapa = forms.ModelChoiceField(
        label=_("Etapa del ciclo de gestión"), queryset=EtapaCiclo.objects.filter(activo=True), required=False,
        empty_label=_("Sin indicar"),
    )
    fecha_deseada = forms.DateField(
        label=_("Fecha deseada"), required=False, widget=FechaInput(),
        help_text=_("Cuándo la necesita, a más tardar (día/mes/año)."),
    )
    modalidad = forms.ModelChoiceField(
        label=_("Modalidad preferida"), queryset=Modalidad.objects.filter(activo=True), required=False,
        empty_label=_("Sin preferencia"),
    )
    canal = forms.ModelChoiceField(
        label=_("Canal preferido"), queryset=Canal.objects.filter(activo=True), required=False,
        empty_label=_("Sin preferencia"),
    )
    fuente = forms.ChoiceField(
        label=_("Origen de la necesidad"), choices=[("", _("Seleccione el origen"))] + FuenteNecesidad.choices,
    )
    adjuntos = VariosArchivosField(
        label=_("Adjuntos"), required=False,
        help_text=_("Opcional. PDF, DOCX, XLSX, ODT, ODS, CSV, JPG o PNG; máximo 10 MB cada uno."),
    )
    oferta = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, usuario=None, editar=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = selectors.entidades_para_registrar(usuario)
        if not permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL):
            # La ayuda para registrar por los municipios es solo de los equipos departamentales.
            self.fields["entidad"].help_text = ""
        if editar:
            del self.fields["entidad"]
            del self.fields["oferta"]
        elif self.fields["entidad"].queryset.count() == 1 and not self.is_bound:
            self.fields["entidad"].initial = self.fields["entidad"].queryset.first()

    def clean_fecha_deseada(self):
        fecha = self.cleaned_data.get("fecha_deseada")
        if fecha and fecha < timezone.localdate():
            raise ValidationError(_("La fecha deseada no puede ser anterior a hoy."))
        return fecha

    def clean_adjuntos(self):
        return validar_archivos(self.cleaned_data.get("adjuntos") or [])


class AdjuntoForm(forms.Form):
    archivo = forms.FileField(label=_("Archivo"), help_text=_("PDF, DOCX, XLSX, ODT, ODS, CSV, JPG o PNG; máximo 10 MB."))

    def clean_archivo(self):
        archivo = self.cleaned_data["archivo"]
        validar_archivos([archivo])
        return archivo


class MotivoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=TEXTO_CORTO)


class NoPertinenteForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo de no pertinencia"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=TEXTO_CORTO)


class RemitirForm(forms.Form):
    entidad_competente = forms.ModelChoiceField(
        label=_("Entidad competente"), queryset=Entidad.objects.filter(activa=True).exclude(tipo="alcaldia"),
        empty_label=_("Seleccione la entidad"),
    )
    motivo = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=TEXTO_CORTO)


class CerrarForm(forms.Form):
    calificacion = forms.TypedChoiceField(
        label=_("Calificación de la asistencia recibida"), coerce=int,
        choices=[(i, f"{i}") for i in range(5, 0, -1)], widget=forms.RadioSelect,
        help_text=_("5 = excelente, 1 = muy deficiente."),
    )
    comentario = forms.CharField(label=_("Comentario"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                 max_length=TEXTO_CORTO)


class ImportarForm(ArchivoImportacionForm):
    """El archivo y, para las filas que no los traen, el origen de la necesidad y el canal."""

    fuente = forms.ChoiceField(
        label=_("Origen de la necesidad para las filas que no lo indiquen"), required=False,
        choices=[("", _("Sin valor por defecto: cada fila lo indica"))] + FuenteNecesidad.choices,
        help_text=_("Por ejemplo, «Diálogos regionales vinculantes» para lo recogido en un diálogo o taller."),
    )
    canal = forms.ModelChoiceField(
        label=_("Canal para las filas que no lo indiquen"), queryset=Canal.objects.filter(activo=True), required=False,
        empty_label=_("Sin canal por defecto"),
    )

    def opciones(self) -> dict:
        datos = self.cleaned_data
        return {"fuente": datos.get("fuente") or "", "canal": datos["canal"].codigo if datos.get("canal") else ""}
