"""Formularios de cuentas (att/views_cuentas.py); la lógica está en `att/cuentas.py`."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from att import selectors
from att.cuentas import ROLES_SOLICITABLES
from att.models import (
    Entidad,
    EstadoSolicitudDatos,
    Rol,
    SolicitudDatosPersonales,
    TipoEntidad,
    TipoSolicitudDatos,
    Usuario,
)

MAX_CANDIDATOS = 8


class CampoEntidadTexto(forms.CharField):
    """Una entidad escrita por su nombre, sigla o código DIVIPOLA (5 dígitos: la alcaldía; 2: la
    gobernación), sin tildes. Si el texto coincide con varias, el error las nombra y el formulario
    las ofrece para elegir (`candidatos`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)
        self.candidatos: list[Entidad] = []

    def resolver(self, texto: str) -> Entidad:
        texto = texto.strip()
        activas = Entidad.objects.filter(activa=True)
        if texto.isdigit():
            if len(texto) == 5:
                entidad = activas.filter(tipo=TipoEntidad.ALCALDIA, municipio_id=texto).first()
            elif len(texto) == 2:
                entidad = activas.filter(tipo=TipoEntidad.GOBERNACION, departamento_id=texto).first()
            else:
                entidad = None
            if entidad is None:
                raise forms.ValidationError(_("Ninguna entidad tiene el código %(c)s (DIVIPOLA: 5 dígitos para un "
                                              "municipio, 2 para un departamento).") % {"c": texto}, code="invalid")
            return entidad
        exacta = list(activas.filter(Q(nombre__unaccent__iexact=texto) | Q(sigla__unaccent__iexact=texto))[:2])
        if len(exacta) == 1:
            return exacta[0]
        encontradas = list(selectors.entidades_buscar(texto=texto)[: MAX_CANDIDATOS + 1])
        if len(encontradas) == 1:
            return encontradas[0]
        if not encontradas:
            raise forms.ValidationError(_("Ninguna entidad coincide con «%(t)s». Escriba parte del nombre, la sigla "
                                          "o el código DIVIPOLA.") % {"t": texto}, code="invalid")
        self.candidatos = encontradas[:MAX_CANDIDATOS]
        if len(encontradas) > MAX_CANDIDATOS:
            raise forms.ValidationError(_("Muchas entidades coinciden con «%(t)s»: escriba más del nombre o el "
                                          "código DIVIPOLA.") % {"t": texto}, code="ambigua")
        raise forms.ValidationError(_("Varias entidades coinciden con «%(t)s»: elija una de la lista.")
                                    % {"t": texto}, code="ambigua")


class SolicitudCuentaForm(forms.Form):
    nombre = forms.CharField(label=_("Nombre completo"), max_length=200,
                             widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Correo electrónico institucional"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("A este correo le llega la decisión y el enlace para fijar su contraseña."))
    entidad = CampoEntidadTexto(
        label=_("Entidad"),
        help_text=_("Escriba el nombre, la sigla o el código DIVIPOLA (p. ej., «Medellín» o «05001»)."))
    rol = forms.ChoiceField(label=_("Rol que solicita"), widget=forms.RadioSelect,
                            choices=[(r.value, r.label) for r in ROLES_SOLICITABLES])
    cargo = forms.CharField(label=_("Cargo"), max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    justificacion = forms.CharField(
        label=_("Justificación"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Para qué usará la plataforma y quién en la entidad puede confirmar su vinculación."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entidad_elegida: Entidad | None = None

    def clean_entidad(self):
        texto = self.cleaned_data["entidad"]
        elegida = (self.data.get("entidad_id") or "").strip()
        if elegida.isdigit():
            entidad = Entidad.objects.filter(pk=int(elegida), activa=True).first()
            if entidad is not None:
                self.entidad_elegida = entidad
                return entidad
        entidad = self.fields["entidad"].resolver(texto)
        self.entidad_elegida = entidad
        return entidad

    @property
    def candidatos(self):
        return self.fields["entidad"].candidatos


class ResolverSolicitudForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo del rechazo"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Solo si la rechaza: se le envía a la persona por correo."))


class InvitacionForm(forms.Form):
    entidad = forms.ModelChoiceField(label=_("Entidad"), queryset=Entidad.objects.none(), empty_label=None)
    email = forms.EmailField(label=_("Correo electrónico de la persona"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    rol = forms.ChoiceField(label=_("Rol"), widget=forms.RadioSelect,
                            choices=[(r.value, r.label) for r in ROLES_SOLICITABLES])

    def __init__(self, *args, entidades, dnp: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = entidades.order_by("nombre")
        if dnp:
            self.fields["rol"].choices = [(r.value, r.label) for r in Rol if r != Rol.INTEGRADOR]


class AceptarInvitacionForm(forms.Form):
    """Nombre y contraseña de quien llega por invitación (los validadores de contraseña del sitio)."""

    nombre = forms.CharField(label=_("Nombre completo"), max_length=200,
                             widget=forms.TextInput(attrs={"autocomplete": "name"}))
    clave1 = forms.CharField(label=_("Contraseña"), strip=False,
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                             help_text=password_validation.password_validators_help_text_html())
    clave2 = forms.CharField(label=_("Repita la contraseña"), strip=False,
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        datos = super().clean()
        c1, c2 = datos.get("clave1"), datos.get("clave2")
        if c1 and c2 and c1 != c2:
            self.add_error("clave2", _("Las dos contraseñas no coinciden."))
        elif c1:
            try:
                password_validation.validate_password(c1, Usuario(email=self.email, nombre=datos.get("nombre", "")))
            except forms.ValidationError as e:
                self.add_error("clave1", e)
        return datos


class TerminarMembresiaForm(forms.Form):
    hasta = forms.DateField(label=_("Último día en la entidad"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                     format="%Y-%m-%d"))


class SolicitudDatosForm(forms.ModelForm):
    class Meta:
        model = SolicitudDatosPersonales
        fields = ["tipo", "detalle"]
        widgets = {"tipo": forms.RadioSelect, "detalle": forms.Textarea(attrs={"rows": 3})}
        labels = {"tipo": _("¿Qué pide?"), "detalle": _("Detalle")}
        help_texts = {"detalle": _("Qué dato corregir y su valor correcto, o por qué pide la supresión.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = TipoSolicitudDatos.choices


class ResponderDatosForm(forms.Form):
    estado = forms.ChoiceField(label=_("Decisión"), widget=forms.RadioSelect, choices=[
        (EstadoSolicitudDatos.ATENDIDA.value, _("Atendida (en una supresión, anonimiza la cuenta)")),
        (EstadoSolicitudDatos.RECHAZADA.value, EstadoSolicitudDatos.RECHAZADA.label)])
    respuesta = forms.CharField(label=_("Respuesta a la persona"), max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 4}))


class RecuperarClaveForm(PasswordResetForm):
    """El correo de la cuenta; el envío va por la bandeja de salida (`att.cuentas.clave_pedir_recuperacion`)."""

    email = forms.EmailField(label=_("Correo electrónico"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, **kwargs):
        from att.cuentas import clave_pedir_recuperacion

        return clave_pedir_recuperacion(email=self.cleaned_data["email"])

