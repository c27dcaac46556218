from django import forms
from django.utils.translation import gettext_lazy as _

from att.forms import ConservaAdjuntosMixin
from att.models import Tema, TipoEntidad
from att.validadores import TEXTO_LARGO, TEXTO_MEDIO, validar_adjunto
from att.widgets import casillas_temas
from conocimiento.models import (
    Discusion,
    EstadoRecurso,
    Material,
    PreguntaFrecuente,
    Recurso,
    TipoMaterial,
    TipoRecurso,
)
from conocimiento.services import EXTENSIONES_MATERIAL, MAX_BYTES_MATERIAL


class RecursoForm(forms.ModelForm):
    tipo = forms.ChoiceField(label=_("¿Qué quiere compartir?"), choices=TipoRecurso.choices,
                             widget=forms.RadioSelect, initial=TipoRecurso.BUENA_PRACTICA)
    temas = forms.ModelMultipleChoiceField(
        label=_("Temas"), queryset=Tema.objects.filter(activo=True), required=False,
        widget=casillas_temas(),
        help_text=_("Marque todos los que apliquen."),
    )

    class Meta:
        model = Recurso
        fields = ["tipo", "titulo", "resumen", "contenido", "temas", "entidad", "experiencia", "periodo",
                  "resultados", "como_replicarla", "recomendacion"]
        widgets = {
            "resumen": forms.Textarea(attrs={"rows": 3}),
            "contenido": forms.Textarea(attrs={"rows": 8}),
            "resultados": forms.Textarea(attrs={"rows": 3}),
            "como_replicarla": forms.Textarea(attrs={"rows": 3}),
            "recomendacion": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "experiencia": _("Solo para buenas prácticas: la experiencia significativa de la que salió."),
            "periodo": _("Solo para experiencias significativas."),
            "como_replicarla": _("Solo para buenas prácticas: pasos para que otra entidad la aplique."),
            "recomendacion": _("Solo para lecciones aprendidas."),
        }

    def __init__(self, *args, entidades=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = (entidades if entidades is not None else self.fields["entidad"].queryset).filter(
            tipo__in=TipoEntidad.territoriales()).order_by("nombre")
        self.fields["experiencia"].queryset = Recurso.objects.filter(
            tipo=TipoRecurso.EXPERIENCIA, estado=EstadoRecurso.PUBLICADO).order_by("titulo")
        if self.instance.pk:
            self.fields["tipo"].initial = self.instance.tipo


class MaterialForm(ConservaAdjuntosMixin, forms.Form):
    campos_adjunto_unico = ("archivo",)
    clave_formulario = "conocimiento.material"
    tipo = forms.ChoiceField(label=_("Tipo de material"), choices=TipoMaterial.choices)
    titulo = forms.CharField(label=_("Título"), max_length=255)
    archivo = forms.FileField(
        label=_("Documento"), required=False,
        help_text=_("PDF u ofimática, hasta 20 MB. Solo para documentos."),
    )
    url = forms.URLField(label=_("Enlace al video o pódcast"), required=False, assume_scheme="https",
                         max_length=Material._meta.get_field("url").max_length)

    def clean_archivo(self):
        archivo = self.cleaned_data.get("archivo")
        if archivo:
            validar_adjunto(archivo, extensiones=EXTENSIONES_MATERIAL, max_bytes=MAX_BYTES_MATERIAL)
        return archivo

    def clean(self):
        datos = super().clean()
        if datos.get("tipo") == TipoMaterial.DOCUMENTO and not datos.get("archivo") and "archivo" not in self.errors:
            self.add_error("archivo", _("Adjunte el documento."))
        if datos.get("tipo") in (TipoMaterial.VIDEO, TipoMaterial.PODCAST) and not datos.get("url"):
            self.add_error("url", _("Escriba el enlace al video o al pódcast."))
        return datos


class RevisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"), widget=forms.RadioSelect,
        choices=[("publicar", _("Publicar en el repositorio")), ("devolver", _("Devolver con comentarios"))],
    )
    comentario = forms.CharField(label=_("Comentarios para quien propuso"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXTO_MEDIO)


class DiscusionForm(forms.ModelForm):
    class Meta:
        model = Discusion
        fields = ["titulo", "cuerpo"]
        widgets = {"cuerpo": forms.Textarea(attrs={"rows": 5})}


class RespuestaForm(forms.Form):
    cuerpo = forms.CharField(label=_("Su respuesta"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXTO_LARGO)


class PreguntaForm(forms.ModelForm):
    class Meta:
        model = PreguntaFrecuente
        fields = ["pregunta", "respuesta", "orden", "publicada"]
        widgets = {"respuesta": forms.Textarea(attrs={"rows": 4})}
