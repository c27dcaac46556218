from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import (
    AgendaNacional,
    DecisionRevision,
    EstadoAgenda,
    EstadoCompromiso,
    LineaPlan,
    MesaDeTrabajo,
    NivelGobernanza,
    ObjetivoAgenda,
    TipoAgendaTerritorial,
    TipoEvidencia,
    TipoInstancia,
)
from agenda.services import demandas_atendibles_por
from att.forms import ArchivoImportacionForm, ConservaAdjuntosMixin, FechaInput
from att.models import Entidad, EtapaCiclo, TipoEntidad, Usuario
from att.selectors import dependencias_elegibles
from att.validadores import TEXTO_CORTO, TEXTO_MEDIO, validar_adjunto
from att.widgets import casillas_entidades, lista_entidades, selector_municipio
from demanda.models import Demanda, EstadoDemanda
from indicadores.models import Indicador
from oferta.models import Oferta


class LineaForm(forms.ModelForm):
    responsable_email = forms.EmailField(
        label=_("Correo de la persona responsable"),
        help_text=_("Debe tener una cuenta en la plataforma."),
    )

    class Meta:
        model = LineaPlan
        fields = [
            "oferta", "dependencia", "objetivo", "objetivo_agenda", "etapa", "secuencia", "fecha_inicio", "fecha_fin",
            "inversion", "fuente_financiacion", "indicador", "indicadores_vinculados", "meta", "unidad_meta", "peso",
            "territorios", "demandas",
        ]
        widgets = {
            "fecha_inicio": FechaInput(), "fecha_fin": FechaInput(),
            "objetivo": forms.Textarea(attrs={"rows": 3}),
            "territorios": lista_entidades(attrs={"size": 8}),
            "demandas": forms.SelectMultiple(attrs={"size": 5}),
            "indicadores_vinculados": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["oferta"].queryset = (
            Oferta.objects.publicadas()
            .filter(Q(entidad_id=plan.entidad_id) | Q(cooferentes__pk=plan.entidad_id)).distinct().order_by("nombre").only("pk", "nombre")
        )
        self.fields["objetivo_agenda"].queryset = ObjetivoAgenda.objects.filter(agenda_id=plan.agenda_id)
        self.fields["dependencia"].queryset = dependencias_elegibles([plan.entidad_id], self.instance.dependencia_id)
        self.fields["etapa"].queryset = EtapaCiclo.objects.filter(activo=True).order_by("orden")
        # Las fichas de la entidad del plan (ni los nombres de las de otra entidad llegan a la página).
        # Más las ya vinculadas (inactivas, de otra entidad por la API o la migración): guardar no las
        # quita en silencio.
        ofrecidas = Q(entidad_id=plan.entidad_id, activo=True)
        if self.instance.pk:
            ofrecidas |= Q(pk__in=self.instance.indicadores_vinculados.values("pk"))
        self.fields["indicadores_vinculados"].queryset = Indicador.objects.filter(ofrecidas).order_by("nombre")
        self.fields["territorios"].queryset = (
            Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True).order_by("nombre")
            .only("pk", "nombre", "sigla")
        )
        self.fields["territorios"].help_text = _("Gobernaciones y alcaldías que recibirán la asistencia.")
        # Demandas que esta entidad puede atender: vinculadas a sus ofertas o remitidas a ella.
        self.fields["demandas"].queryset = (
            Demanda.objects.filter(
                demandas_atendibles_por(plan.entidad_id),
                estado__in=[EstadoDemanda.VINCULADA, EstadoDemanda.REMITIDA, EstadoDemanda.EN_ATENCION],
            ).select_related("entidad").order_by("entidad__nombre", "titulo")
        )
        self.fields["demandas"].label_from_instance = lambda d: f"{d.entidad.nombre}: {d.titulo}"
        self.fields["demandas"].help_text = _(
            "Necesidades de las entidades territoriales que esta línea atiende: pasan a «en atención» "
            "cuando el DNP aprueba el plan.")
        if self.instance.pk and not self.is_bound:
            self.initial["responsable_email"] = self.instance.responsable.email

    def clean_responsable_email(self):
        email = self.cleaned_data["responsable_email"].strip().lower()
        usuario = Usuario.objects.filter(email__iexact=email, is_active=True).first()
        if usuario is None:
            raise forms.ValidationError(_("No hay una persona activa con ese correo en la plataforma."))
        self.cleaned_data["responsable"] = usuario
        return email

    def datos(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "responsable_email"}




class EnviarForm(forms.Form):
    nota = forms.CharField(label=_("Nota para el DNP (qué cambió)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXTO_CORTO)


class RevisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decisión"), choices=DecisionRevision.choices, widget=forms.RadioSelect)
    comentario = forms.CharField(
        label=_("Comentarios"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXTO_MEDIO,
        help_text=_("Obligatorio si devuelve el plan: diga qué debe ajustarse."),
    )

    def clean(self):
        datos = super().clean()
        if datos.get("decision") == DecisionRevision.DEVOLVER and not (datos.get("comentario") or "").strip():
            self.add_error("comentario", _("Escriba qué debe ajustarse para devolver el plan."))
        return datos


class NuevoPlanForm(forms.Form):
    agenda = forms.ModelChoiceField(label=_("Agenda nacional"), queryset=AgendaNacional.objects.filter(
        estado__in=[EstadoAgenda.CONCERTADA, EstadoAgenda.VIGENTE]))
    entidad = forms.ModelChoiceField(label=_("Entidad"), queryset=Entidad.objects.none())
    vigencia = forms.IntegerField(label=_("Vigencia (año)"), min_value=2022, max_value=2040)

    def __init__(self, *args, entidades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = entidades


class MesaForm(ConservaAdjuntosMixin, forms.ModelForm):
    campos_adjunto_unico = ("acta", "asistencia", "foto")
    clave_formulario = "agenda.mesa"
    acta = forms.FileField(label=_("Acta"), required=False)
    asistencia = forms.FileField(label=_("Lista de asistencia"), required=False)
    foto = forms.FileField(label=_("Fotografía"), required=False)

    class Meta:
        model = MesaDeTrabajo
        fields = ["fecha", "lugar", "enlace", "participantes", "temas"]
        widgets = {
            "fecha": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "participantes": forms.Textarea(attrs={"rows": 4}),
            "temas": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        datos = super().clean()
        if not datos.get("lugar") and not datos.get("enlace") and "enlace" not in self.errors:
            self.add_error("lugar", _("Indique el lugar de la mesa o el enlace de la sesión virtual."))
        return datos

    CAMPOS_EVIDENCIA = {"acta": TipoEvidencia.ACTA, "asistencia": TipoEvidencia.ASISTENCIA, "foto": TipoEvidencia.FOTO}

    def evidencias(self):
        return [(tipo, self.cleaned_data[campo]) for campo, tipo in self.CAMPOS_EVIDENCIA.items()
                if self.cleaned_data.get(campo)]


class CompromisoForm(forms.Form):
    mesa = forms.ModelChoiceField(label=_("Mesa donde se acordó"), queryset=MesaDeTrabajo.objects.none())
    descripcion = forms.CharField(label=_("Compromiso"), widget=forms.Textarea(attrs={"rows": 2}),
                                  max_length=TEXTO_MEDIO)
    responsable_email = forms.EmailField(label=_("Correo del responsable"))
    fecha_limite = forms.DateField(label=_("Fecha límite"), widget=FechaInput())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mesa"].queryset = MesaDeTrabajo.objects.filter(plan=plan).order_by("-fecha")
        self.fields["mesa"].label_from_instance = (
            lambda m: f"{timezone.localtime(m.fecha):%d/%m/%Y %H:%M} · {m.lugar or m.enlace}")

    def clean_responsable_email(self):
        email = self.cleaned_data["responsable_email"].strip()
        usuario = Usuario.objects.filter(email__iexact=email, is_active=True).first()
        if usuario is None:
            raise forms.ValidationError(_("No hay una persona activa con ese correo en la plataforma."))
        self.cleaned_data["responsable"] = usuario
        return email


class RevisarCompromisoForm(forms.Form):
    estado = forms.ChoiceField(label=_("Nuevo estado"), choices=EstadoCompromiso.choices)
    comentario = forms.CharField(label=_("Comentario"), required=False, max_length=TEXTO_MEDIO)


class ImportarLineasForm(ArchivoImportacionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archivo"].help_text = _("Use la exportación del plan como plantilla (una línea por fila).")

    def clean_archivo(self):
        archivo = self.cleaned_data["archivo"]
        validar_adjunto(archivo, extensiones=["csv", "xlsx"])
        return super().clean_archivo()


class ConcertadoForm(forms.Form):
    entidad_territorial = forms.ModelChoiceField(
        label=_("Entidad territorial"),
        queryset=Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True).order_by("nombre"),
        widget=selector_municipio(),
    )
    oferentes = forms.ModelMultipleChoiceField(
        label=_("Entidades oferentes"), queryset=Entidad.objects.exclude(tipo__in=TipoEntidad.territoriales())
        .filter(activa=True).order_by("nombre"), widget=casillas_entidades(),
        help_text=_("Con dos o más oferentes es un plan articulado."),
    )
    vigencia = forms.IntegerField(label=_("Vigencia (año)"), min_value=2022, max_value=2040)
    nombre = forms.CharField(label=_("Nombre del plan"), max_length=255)
    objetivo = forms.CharField(label=_("Objetivo del acuerdo"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=TEXTO_MEDIO)


class EstadoAgendaForm(forms.Form):
    a_estado = forms.ChoiceField(label=_("Nuevo estado"), choices=EstadoAgenda.choices)
    motivo = forms.CharField(label=_("Motivo"), required=False, max_length=TEXTO_MEDIO)


# --- Agenda nacional y objetivos (página del DNP) --------------------------------------------------------
class AgendaForm(forms.ModelForm):
    class Meta:
        model = AgendaNacional
        fields = ["nombre", "anio_inicio", "anio_fin", "descripcion", "alineacion_pnd", "alineacion_ods",
                  "alineacion_mipg"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in
                   ("descripcion", "alineacion_pnd", "alineacion_ods", "alineacion_mipg")}
        help_texts = {"anio_fin": _("La agenda cubre cuatro años seguidos: el de inicio más tres.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anio_fin"].required = False

    def _post_clean(self):
        """Sin validación del modelo aquí: la regla de los cuatro años la hace cumplir el servicio."""


class ObjetivoForm(forms.ModelForm):
    class Meta:
        model = ObjetivoAgenda
        fields = ["tipo_descriptor", "orden", "enunciado", "indicador", "indicador_vinculado", "linea_base", "meta",
                  "unidad"]
        widgets = {"enunciado": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicador"].required = False
        self.fields["indicador_vinculado"].queryset = (
            Indicador.objects.filter(Q(agenda=agenda) | Q(agenda__isnull=True), activo=True).order_by("nombre"))

    def _post_clean(self):
        """La validación completa la hace el servicio (objetivo de la agenda, ficha de otra agenda)."""


# --- Gobernanza -------------------------------------------------------------------------------------------
def _territoriales():
    return Entidad.objects.filter(tipo__in=TipoEntidad.territoriales()).order_by("nombre")


class InstanciaForm(forms.Form):
    nombre = forms.CharField(label=_("Nombre"), max_length=255)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoInstancia.choices)
    nivel = forms.ChoiceField(label=_("Nivel de decisión"), choices=NivelGobernanza.choices)
    agenda = forms.ModelChoiceField(label=_("Agenda nacional"), queryset=AgendaNacional.objects.all(), required=False)
    descripcion = forms.CharField(label=_("Propósito y reglamento"), required=False, max_length=TEXTO_MEDIO,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    miembros = forms.ModelMultipleChoiceField(
        label=_("Entidades miembro"), queryset=Entidad.objects.filter(activa=True).order_by("nombre"),
        required=False, widget=lista_entidades(attrs={"size": 8}),
        help_text=_("Filtre por nombre; mantenga presionada Ctrl (o Cmd) para elegir varias."))
    activa = forms.BooleanField(label=_("Activa"), required=False, initial=True)


class SesionForm(forms.Form):
    fecha = forms.DateTimeField(label=_("Fecha y hora"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    lugar = forms.CharField(label=_("Lugar o enlace"), max_length=255, required=False)
    orden_del_dia = forms.CharField(label=_("Orden del día"), max_length=TEXTO_MEDIO,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    acta = forms.CharField(label=_("Acta"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    asistentes = forms.ModelMultipleChoiceField(
        label=_("Entidades asistentes"), queryset=Entidad.objects.none(), required=False,
        help_text=_("Entidades miembro de la instancia que asistieron."))

    def __init__(self, *args, instancia, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asistentes"].queryset = Entidad.objects.filter(
            instancias_gobernanza__instancia=instancia).order_by("nombre")


class DecisionForm(forms.Form):
    descripcion = forms.CharField(label=_("Decisión"), max_length=TEXTO_MEDIO, widget=forms.Textarea(attrs={"rows": 2}))
    responsable_email = forms.EmailField(label=_("Correo del responsable"), required=False,
                                         help_text=_("Con responsable y fecha límite la decisión se vuelve un compromiso."))
    fecha_limite = forms.DateField(label=_("Fecha límite"), required=False, widget=FechaInput())
    entidad_responsable = forms.ModelChoiceField(label=_("Entidad responsable"), required=False,
                                                 queryset=Entidad.objects.filter(activa=True).order_by("nombre"))

    def clean_responsable_email(self):
        email = (self.cleaned_data.get("responsable_email") or "").strip()
        self.cleaned_data["responsable"] = None
        if email:
            usuario = Usuario.objects.filter(email__iexact=email, is_active=True).first()
            if usuario is None:
                raise forms.ValidationError(_("No hay una persona activa con ese correo en la plataforma."))
            self.cleaned_data["responsable"] = usuario
        return email


class ResultadoForm(forms.Form):
    titulo = forms.CharField(label=_("Resultado presentado"), max_length=255)
    ruta = forms.CharField(label=_("Enlace (ruta de la plataforma)"), max_length=500,
                           help_text=_("Por ejemplo el informe del corte del PAS o /seguimiento/tablero/."))


# --- Agendas territoriales -------------------------------------------------------------------------------
class AgendaTerritorialForm(forms.Form):
    nombre = forms.CharField(label=_("Nombre del acuerdo"), max_length=255)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoAgendaTerritorial.choices)
    entidades = forms.ModelMultipleChoiceField(label=_("Entidades territoriales que la suscriben"),
                                               queryset=Entidad.objects.none(),
                                               widget=lista_entidades(attrs={"size": 8}))
    region = forms.CharField(label=_("Región o subregión"), max_length=120, required=False)
    fecha_suscripcion = forms.DateField(label=_("Fecha de suscripción"), required=False, widget=FechaInput())
    vigente_hasta = forms.DateField(label=_("Vigente hasta"), required=False, widget=FechaInput())
    descripcion = forms.CharField(label=_("Apuestas de desarrollo"), max_length=TEXTO_MEDIO, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    enlace = forms.URLField(label=_("Enlace al documento"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidades"].queryset = _territoriales()


class VincularLineasForm(forms.Form):
    lineas = forms.CharField(label=_("Números de las líneas de plan que le sirven"), max_length=500, required=False,
                             help_text=_("Separados por comas, p. ej. 12, 15."))
    ofertas = forms.CharField(label=_("Números de las ofertas que le sirven"), max_length=500, required=False,
                              help_text=_("Separados por comas."))

    def _ids(self, campo):
        valor = self.cleaned_data.get(campo) or ""
        try:
            return [int(x) for x in valor.replace(";", ",").split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Escriba solo números separados por comas.")) from None

    def clean_lineas(self):
        self.cleaned_data["lineas"] = self.data.get("lineas", "")
        ids = self._ids("lineas")
        return list(LineaPlan.objects.filter(pk__in=ids).select_related("plan__entidad")) if ids else []

    def clean_ofertas(self):
        self.cleaned_data["ofertas"] = self.data.get("ofertas", "")
        ids = self._ids("ofertas")
        return list(Oferta.objects.filter(pk__in=ids).select_related("entidad")) if ids else []

    def clean(self):
        datos = super().clean()
        if not datos.get("lineas") and not datos.get("ofertas") and not self.errors:
            raise forms.ValidationError(_("Indique al menos una línea o una oferta que exista."))
        return datos
