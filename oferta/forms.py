import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from att import permisos
from att.forms import FechaInput
from att.models import CategoriaLey617, Entidad, GrupoMDM, Rol, TipoEntidad
from att.selectors import dependencias_elegibles
from att.validadores import TEXTO_LARGO, TEXTO_MEDIO
from att.widgets import CasillasBuscables, casillas_temas
from indicadores.models import Indicador
from indicadores.selectors import indicadores_visibles

from .models import FuenteFinanciacion, Oferta, PublicoObjetivo

CAMPOS_FORMULARIO = [
    "entidad", "dependencia", "cooferentes", "nombre", "necesidad", "descripcion",
    "descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades", "canal",
    "estructura", "continua",
    "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "focaliza_departamentos", "focaliza_categorias",
    "focaliza_grupos_mdm", "solo_pdet", "solo_zomac", "focaliza_entidades", "publico_objetivo",
    "bienes_entregados", "requisitos", "cronograma", "cupos", "alineacion_pnd",
    "contacto_nombre", "contacto_email", "contacto_telefono", "vigencia_desde", "vigencia_hasta",
    # Diseño del producto (001 Etapas 1–2; 004 actividad 1.B)
    "brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades", "cadena_productos",
    "cadena_resultados", "costo_por_et", "fuentes_financiacion", "indicadores",
]
CAMPOS_DISENO = ["brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades",
                 "cadena_productos", "cadena_resultados", "costo_por_et", "fuentes_financiacion", "indicadores"]
# Grupos de campos del formulario (cada uno es un <fieldset> con su leyenda).
GRUPOS = [
    (_("Quién ofrece"), ["entidad", "dependencia", "cooferentes"]),
    (_("Qué ofrece"), ["nombre", "necesidad", "descripcion"]),
    (_("Diseño del producto"), CAMPOS_DISENO),
    (_("Clasificación"), ["descriptores", "temas", "capacidades", "niveles_capacidad", "etapas"]),
    (_("Cómo se entrega"), ["modalidades", "canal", "estructura", "continua", "bienes_entregados",
                            "requisitos", "cronograma", "cupos"]),
    (_("A quién va dirigida"), ["dirigida_a_alcaldias", "dirigida_a_gobernaciones", "focaliza_departamentos",
                                "focaliza_categorias", "focaliza_grupos_mdm", "solo_pdet", "solo_zomac",
                                "focaliza_entidades", "publico_objetivo"]),
    (_("Alineación, contacto y vigencia"), ["alineacion_pnd", "contacto_nombre", "contacto_email",
                                            "contacto_telefono", "vigencia_desde", "vigencia_hasta"]),
]
CASILLAS = ["descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
            "focaliza_departamentos"]


def codigo_divipola(entidad) -> str:
    """Código con que la lista explícita nombra una entidad territorial: municipio o departamento."""
    return entidad.municipio_id if entidad.tipo == TipoEntidad.ALCALDIA else (entidad.departamento_id or "")


class EntidadesPorCodigoField(forms.CharField):
    """Lista explícita de entidades territoriales escrita como códigos DIVIPOLA (5 dígitos: alcaldía;
    2: gobernación). Un campo de texto y no una lista de 1.250 opciones: liviano en conexiones lentas."""

    widget = forms.Textarea(attrs={"rows": 2, "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *args, **kwargs):
        # Todas las alcaldías y gobernaciones caben (≈ 1.150 códigos de hasta 7 caracteres con separador).
        kwargs.setdefault("max_length", TEXTO_LARGO)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            entidades = value.all() if hasattr(value, "all") else value
            return ", ".join(codigo_divipola(e) for e in entidades if isinstance(e, Entidad))
        return value

    def clean(self, value):
        texto = super().clean(value) or ""
        codigos = list(dict.fromkeys(c for c in re.split(r"[\s,;]+", texto) if c))
        if not codigos:
            return []
        malos = [c for c in codigos if not (c.isdigit() and len(c) in (2, 5))]
        if malos:
            raise forms.ValidationError(
                _("Estos valores no son códigos DIVIPOLA (2 dígitos para una gobernación, 5 para una alcaldía): "
                  "%(codigos)s."), params={"codigos": ", ".join(malos)}, code="codigo_invalido")
        entidades = Entidad.objects.filter(
            Q(tipo=TipoEntidad.ALCALDIA, municipio_id__in=[c for c in codigos if len(c) == 5])
            | Q(tipo=TipoEntidad.GOBERNACION, departamento_id__in=[c for c in codigos if len(c) == 2]),
            activa=True,
        ).only("id", "nombre", "tipo", "municipio_id", "departamento_id")
        por_codigo = {codigo_divipola(e): e for e in entidades}
        faltan = [c for c in codigos if c not in por_codigo]
        if faltan:
            raise forms.ValidationError(
                _("No hay una alcaldía o gobernación activa con estos códigos: %(codigos)s."),
                params={"codigos": ", ".join(faltan)}, code="codigo_desconocido")
        return [por_codigo[c] for c in codigos]


class OfertaForm(forms.ModelForm):
    focaliza_categorias = forms.MultipleChoiceField(
        label=_("Categorías focalizadas (Ley 617)"), choices=CategoriaLey617.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Sin marcar: todas las categorías."),
    )
    focaliza_grupos_mdm = forms.MultipleChoiceField(
        label=_("Grupos MDM focalizados"), choices=GrupoMDM.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Sin marcar: todos los grupos."),
    )
    focaliza_entidades = EntidadesPorCodigoField(
        label=_("Lista explícita de entidades territoriales"), required=False,
        help_text=_("Códigos DIVIPOLA separados por comas o espacios: 5 dígitos para una alcaldía "
                    "(05001 = Medellín) y 2 para una gobernación (05 = Antioquia). Vacío: sin lista."),
    )
    publico_objetivo = forms.MultipleChoiceField(
        label=_("Público dentro de la entidad territorial"), choices=PublicoObjetivo.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fuentes_financiacion = forms.MultipleChoiceField(
        label=_("Fuentes de financiación"), choices=FuenteFinanciacion.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Oferta
        fields = CAMPOS_FORMULARIO
        widgets = {
            **{c: forms.CheckboxSelectMultiple for c in CASILLAS},
            "temas": casillas_temas(),
            "focaliza_departamentos": CasillasBuscables(etiqueta=_("Filtrar departamentos"),
                                                        conteo=_("{n} de {total} departamentos visibles")),
            "cooferentes": forms.SelectMultiple(attrs={"size": 6}),
            "necesidad": forms.Textarea(attrs={"rows": 3}),
            "descripcion": forms.Textarea(attrs={"rows": 5}),
            "bienes_entregados": forms.Textarea(attrs={"rows": 2}),
            "requisitos": forms.Textarea(attrs={"rows": 2}),
            "cronograma": forms.Textarea(attrs={"rows": 2}),
            "alineacion_pnd": forms.Textarea(attrs={"rows": 2}),
            **{c: forms.Textarea(attrs={"rows": 2}) for c in CAMPOS_DISENO[:6]},
            "indicadores": forms.SelectMultiple(attrs={"size": 6}),
            "vigencia_desde": FechaInput(),
            "vigencia_hasta": FechaInput(),
            "contacto_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contacto_telefono": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {
            "cooferentes": _("Para ofertas conjuntas. Mantenga presionada Ctrl (o Cmd) para elegir varias."),
            "focaliza_departamentos": _("Sin marcar: todo el país."),
            "indicadores": _("Fichas de indicador (Seguimiento › Indicadores) con que se mide el producto."),
            "cadena_insumos": _("Cadena de valor: insumos → actividades → productos → resultados."),
        }

    def __init__(self, *args, usuario=None, **kwargs):
        super().__init__(*args, **kwargs)
        entidades = permisos.entidades_de(usuario, [Rol.OFERENTE]).order_by("nombre")
        self.fields["entidad"].queryset = entidades
        self.fields["entidad"].empty_label = None
        # Dependencias activas de las entidades por las que actúa (la ya ligada, aunque inactiva).
        self.fields["dependencia"].queryset = dependencias_elegibles(
            entidades.values("pk"), self.instance.dependencia_id)
        self.fields["dependencia"].label_from_instance = lambda d: f"{d.entidad.sigla or d.entidad.nombre} · {d.nombre}"
        self.fields["cooferentes"].queryset = (
            Entidad.objects.filter(activa=True).exclude(tipo__in=TipoEntidad.territoriales()).order_by("nombre")
        )
        # Solo las fichas que la persona ve (las de sus entidades; el DNP, todas): ni los nombres de
        # los indicadores de otra entidad llegan a la página.
        # Más las ya vinculadas (inactivas, o vinculadas por el DNP): guardar no las quita en silencio.
        ofrecidas = Q(pk__in=indicadores_visibles(usuario).filter(activo=True).values("pk"))
        if self.instance.pk:
            ofrecidas |= Q(pk__in=self.instance.indicadores.values("pk"))
        self.fields["indicadores"].queryset = Indicador.objects.filter(ofrecidas).order_by("nombre")
        for nombre in CASILLAS + ["canal"]:
            campo = self.fields[nombre]
            modelo = campo.queryset.model
            if nombre != "focaliza_departamentos":
                campo.queryset = modelo.objects.filter(activo=True).order_by("orden", "nombre")
        # La ayuda y los errores quedan ligados al campo por aria-describedby (Django: `<id>_helptext`
        # y `<id>_error`, los ids que usa includes/campo.html).
        for campo in self.fields.values():
            if isinstance(campo.widget, (forms.TextInput, forms.Textarea, forms.EmailInput, forms.DateInput,
                                         forms.NumberInput, forms.Select)):
                campo.widget.attrs.setdefault("class", "entrada")

    def grupos(self):
        return [(titulo, [self[c] for c in campos if c in self.fields]) for titulo, campos in GRUPOS]


class ComentarioForm(forms.Form):
    comentario = forms.CharField(
        label=_("Comentarios para la entidad"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXTO_MEDIO,
        help_text=_("Obligatorios si devuelve la oferta: diga qué debe corregir."),
    )


class ArchivarForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo para archivar"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=TEXTO_MEDIO)


class HitoPlantillaForm(forms.Form):
    nombre = forms.CharField(label=_("Hito"), max_length=255)
    peso = forms.DecimalField(label=_("Peso"), max_digits=6, decimal_places=2, min_value=0.01, initial=1)
    desfase_dias = forms.IntegerField(label=_("Días desde el inicio de la línea"), min_value=0, max_value=3650,
                                      initial=0)


HitosPlantillaFormSet = forms.formset_factory(HitoPlantillaForm, extra=3, can_delete=True, max_num=40,
                                              validate_max=True)
