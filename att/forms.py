from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from att.validadores import TEXTO_MEDIO


class FechaInput(forms.DateInput):
    """El único widget de fecha de la plataforma: `<input type="date">` con su valor en ISO (AAAA-MM-DD),
    el único formato que el navegador acepta en ese campo (con `30/11/2026` lo muestra vacío)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class CampoFecha(forms.DateField):
    widget = FechaInput


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
        label=_("Su mensaje"), max_length=TEXTO_MEDIO, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lo leen la entidad territorial, los oferentes y el DNP que pueden ver esta página."),
    )
    adjuntos = CampoVariosArchivos(
        label=_("Adjuntos"), required=False,
        widget=VariosArchivos(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.ods,.csv,.jpg,.jpeg,.png"}),
        help_text=_("Opcional. PDF, DOCX, XLSX, ODT, ODS, CSV, JPG o PNG; máximo 10 MB cada uno."),
    )



class ConservaAdjuntosMixin:
    """Un formulario con archivos que no los pierde cuando el envío tiene otro error.

    En un envío que falla (por un campo o por el servicio), los archivos nuevos que pasaron su campo
    (tipo y tamaño) se guardan como `AdjuntoPendiente` de quien los subió y el formulario los vuelve a
    mostrar («Adjuntos conservados», `includes/campo.html`) con una casilla marcada por archivo que
    lleva su token; el siguiente envío los adjunta junto con los que se elijan entonces. Desmarcar la
    casilla quita el adjunto. Un token ajeno o vencido es un error del campo.

    Uso: `campos_adjuntos` (campos de varios archivos: `CampoVariosArchivos` o parecidos), `clave_formulario`,
    el formulario se crea con `adjuntos_de=request.user`, y tras el servicio exitoso la vista llama
    `form.marcar_adjuntos_usados()`.

    `campos_adjunto_unico` (campos de un solo archivo, `forms.FileField`): igual, con un archivo. El conservado
    entra al campo antes de su validación (vale para un campo obligatorio y para su `clean_<campo>`); un
    archivo nuevo en el mismo campo lo reemplaza. El conservado se guarda solo si pasa `validar_adjunto`
    (los errores propios del campo los da su validación; nada inválido queda conservado).
    """

    campos_adjuntos: tuple[str, ...] = ()
    campos_adjunto_unico: tuple[str, ...] = ()
    clave_formulario: str = ""

    def __init__(self, *args, adjuntos_de=None, **kwargs):
        self.adjuntos_de = adjuntos_de
        self._recuperados: dict[str, list] = {}
        self._nuevos: dict[str, list] = {}
        self._conservados: dict[str, list] | None = None
        self._errores_token: dict[str, forms.ValidationError] = {}
        super().__init__(*args, **kwargs)

    def full_clean(self):
        """Antes de validar: el archivo conservado de cada campo de un solo archivo que no trae uno nuevo."""
        if self.is_bound and self.adjuntos_de is not None and self.campos_adjunto_unico:
            from django.core.files.uploadedfile import SimpleUploadedFile

            from att import services

            archivos = None
            for campo in self.campos_adjunto_unico:
                tokens = self._tokens(campo)[:1]
                if not tokens or (self.files and self.files.get(self.add_prefix(campo))):
                    continue  # sin conservado, o uno nuevo lo reemplaza
                try:
                    pendientes = services.adjuntos_recuperar(por=self.adjuntos_de, formulario=self._clave(),
                                                             tokens=tokens)
                except forms.ValidationError as e:
                    self._errores_token[campo] = e
                    continue
                self._recuperados[campo] = pendientes
                if archivos is None:
                    archivos = self.files.copy() if self.files else MultiValueDict()
                with pendientes[0].archivo.open("rb") as f:
                    archivos[self.add_prefix(campo)] = SimpleUploadedFile(
                        pendientes[0].nombre, f.read(), pendientes[0].tipo_contenido or "application/octet-stream")
            if archivos is not None:
                self.files = archivos
        super().full_clean()

    @staticmethod
    def nombre_token(campo: str) -> str:
        return f"{campo}__conservado"

    def _tokens(self, campo: str) -> list[str]:
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return []
        return [t for t in self.data.getlist(self.add_prefix(self.nombre_token(campo))) if t][:20]

    def _clave(self) -> str:
        return self.clave_formulario or f"{type(self).__module__}.{type(self).__name__}"

    def clean(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from att import services
        from att.validadores import validar_adjunto

        datos = super().clean()
        if self.adjuntos_de is None:
            return datos
        for campo in self.campos_adjunto_unico:
            if campo in self._errores_token:
                self.add_error(campo, self._errores_token[campo])
            archivo = datos.get(campo)
            self._nuevos[campo] = []
            if campo in self._recuperados or not isinstance(archivo, UploadedFile):
                continue
            try:
                validar_adjunto(archivo)
                self._nuevos[campo] = [archivo]
            except forms.ValidationError:
                pass  # su campo o su servicio dicen el error; no se conserva
            finally:
                archivo.seek(0)
        for campo in self.campos_adjuntos:
            self._nuevos[campo] = list(datos.get(campo) or []) if campo in datos else []
            # Tipo, tamaño y contenido como los validan los servicios: nada inválido queda conservado.
            errores = []
            for archivo in self._nuevos[campo]:
                try:
                    validar_adjunto(archivo)
                except forms.ValidationError as e:
                    errores.extend(e.messages)
                finally:
                    if hasattr(archivo, "seek"):
                        archivo.seek(0)
            if errores:
                self.add_error(campo, errores)
                self._nuevos[campo] = []
            tokens = self._tokens(campo)
            if not tokens:
                continue
            try:
                pendientes = services.adjuntos_recuperar(por=self.adjuntos_de, formulario=self._clave(), tokens=tokens)
            except forms.ValidationError as e:
                self.add_error(campo, e)
                continue
            self._recuperados[campo] = pendientes
            if campo in datos:
                conservados = []
                for p in pendientes:
                    with p.archivo.open("rb") as f:
                        conservados.append(SimpleUploadedFile(p.nombre, f.read(),
                                                              p.tipo_contenido or "application/octet-stream"))
                datos[campo] = [*self._nuevos[campo], *conservados]
        return datos

    def adjuntos_conservados(self, campo: str) -> list:
        """Los adjuntos que el próximo envío llevará en `campo` (solo si este envío falló)."""
        if self._conservados is None:
            self._conservados = {}
            if self.is_bound and self.adjuntos_de is not None and self.errors:
                from att import services

                for c in (*self.campos_adjuntos, *self.campos_adjunto_unico):
                    if c in self.campos_adjunto_unico and c in self.errors:
                        # El error es del archivo mismo (p. ej. lo rechazó el servicio): no se conserva.
                        self._conservados[c] = []
                        continue
                    nuevos = services.adjuntos_conservar(por=self.adjuntos_de, formulario=self._clave(),
                                                         archivos=self._nuevos.get(c, []))
                    self._conservados[c] = [*self._recuperados.get(c, []), *nuevos]
        return self._conservados.get(campo, [])

    def marcar_adjuntos_usados(self) -> None:
        from att import services

        services.adjuntos_marcar_usados(pendientes=[p for ps in self._recuperados.values() for p in ps])


class ArchivoImportacionForm(ConservaAdjuntosMixin, forms.Form):
    """El archivo de cualquier importación (`att.importacion`). Las apps agregan campos con valores
    para todo el archivo (p. ej. el origen de la necesidad) y los devuelven en `opciones()`. El archivo
    se conserva si falla otro campo (`ConservaAdjuntosMixin`)."""

    campos_adjunto_unico = ("archivo",)
    clave_formulario = "att.importacion"

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
