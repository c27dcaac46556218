from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from att.forms import ArchivoImportacionForm, CampoVariosArchivos, ConservaAdjuntosMixin, FechaInput
from att.models import Entidad, TipoEntidad
from att.validadores import TEXTO_CORTO, TEXTO_LARGO, TEXTO_MEDIO
from att.widgets import casillas_temas, lista_entidades
from seguimiento.models import Hito, ResultadoEvaluacion, TipoEvaluacion


class AvanceForm(ConservaAdjuntosMixin, forms.Form):
    campos_adjuntos = ("evidencias",)
    clave_formulario = "seguimiento.avance"

    hito = forms.ModelChoiceField(queryset=Hito.objects.none(), label=_("Hito o sub-hito"))
    porcentaje = forms.DecimalField(label=_("Avance acumulado del hito (%)"), min_value=0, max_value=100,
                                    decimal_places=2, help_text=_("De 0 a 100: cuánto del hito está hecho a la fecha de corte."))
    fecha_corte = forms.DateField(label=_("Fecha de corte"), initial=date.today,
                                  widget=FechaInput())
    narrativa = forms.CharField(label=_("Qué se hizo"), widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=TEXTO_LARGO)
    evidencias = CampoVariosArchivos(label=_("Evidencias"), required=False,
                                     help_text=_("Actas, listas de asistencia, fotos (PDF, DOCX, XLSX, JPG, PNG; máximo 10 MB cada uno)."))
    entidades = forms.ModelMultipleChoiceField(
        queryset=Entidad.objects.none(), required=False, label=_("Entidades territoriales a las que llegó"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Una, o varias si fue un evento masivo o un taller regional. Sin marcar: todas las de la línea."),
        error_messages={"invalid_choice": _("La línea no llega a esa entidad: elija solo entidades que la línea "
                                            "focaliza.")},
    )

    def __init__(self, *args, hitos=None, entidades=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hito"].queryset = hitos if hitos is not None else Hito.objects.none()
        if entidades is not None:
            self.fields["entidades"].queryset = entidades


class HitoForm(forms.Form):
    nombre = forms.CharField(label=_("Nombre"), max_length=255)
    peso = forms.DecimalField(label=_("Peso"), min_value=0.01, max_digits=6, decimal_places=2, initial=1,
                              help_text=_("Cuánto cuenta este hito frente a los demás de la línea (o de su hito padre)."))
    fecha_planeada = forms.DateField(label=_("Fecha planeada"), widget=FechaInput())
    padre = forms.ModelChoiceField(queryset=Hito.objects.none(), required=False, label=_("Hito padre (para un sub-hito)"))

    def __init__(self, *args, linea=None, **kwargs):
        super().__init__(*args, **kwargs)
        if linea is not None:
            self.fields["padre"].queryset = Hito.objects.filter(linea=linea, padre__isnull=True)


class RevisionForm(forms.Form):
    comentario = forms.CharField(label=_("Comentario"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 max_length=TEXTO_MEDIO,
                                 help_text=_("Obligatorio para devolver el avance."))


ESCALA = [(i, str(i)) for i in range(1, 6)]


class PercepcionForm(forms.Form):
    """Califica una asistencia que la entidad recibió: el oferente sale del registro elegido (no se escribe) y
    la fecha es la del servidor. Las opciones son solo lo recibido (`selectors.asistencias_recibidas`)."""

    entidad = forms.ModelChoiceField(queryset=Entidad.objects.none(), label=_("Entidad territorial"))
    asistencia = forms.ChoiceField(label=_("Asistencia recibida que califica"), choices=(),
                                   help_text=_("Solo aparecen las líneas que llegaron a la entidad, sus asesorías y "
                                               "los eventos a los que asistió en el último año."))
    calidad = forms.TypedChoiceField(choices=ESCALA, coerce=int, label=_("Calidad (1 = muy mala, 5 = excelente)"),
                                     widget=forms.RadioSelect)
    pertinencia = forms.TypedChoiceField(choices=ESCALA, coerce=int, label=_("Pertinencia"), widget=forms.RadioSelect)
    oportunidad = forms.TypedChoiceField(choices=ESCALA, coerce=int, label=_("Oportunidad"), widget=forms.RadioSelect)
    comentario = forms.CharField(label=_("Comentarios"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=TEXTO_CORTO)

    def __init__(self, *args, entidades=None, asistencias=(), **kwargs):
        super().__init__(*args, **kwargs)
        if entidades is not None:
            self.fields["entidad"].queryset = entidades
        self._asistencias = {a.clave: a for a in asistencias}
        self.fields["asistencia"].choices = [("", "—")] + [(a.clave, a.etiqueta) for a in asistencias]
        self.fields["asistencia"].error_messages["invalid_choice"] = _(
            "Esa asistencia no la recibió la entidad (ni línea que la alcanzó, ni asesoría suya, ni evento al que "
            "asistió): no se puede calificar.")

    def clean(self):
        datos = super().clean()
        elegida = self._asistencias.get(datos.pop("asistencia", None) or "")
        if elegida is not None:
            datos["linea"], datos["asesoria"], datos["evento"] = elegida.linea, elegida.asesoria, elegida.evento
        return datos


class ConsentimientoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo de la revocación (opcional)"), required=False, max_length=TEXTO_CORTO,
                             widget=forms.Textarea(attrs={"rows": 2}))


class EvaluacionForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Evaluación"), choices=TipoEvaluacion.choices, widget=forms.RadioSelect)
    resultado = forms.ChoiceField(label=_("Resultado"), choices=ResultadoEvaluacion.choices)
    hallazgos = forms.CharField(label=_("Hallazgos"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXTO_LARGO)
    recomendaciones = forms.CharField(label=_("Recomendaciones"), required=False, max_length=TEXTO_LARGO,
                                      widget=forms.Textarea(attrs={"rows": 3}))


class ImportarMDMForm(ArchivoImportacionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archivo"].help_text = _("Columnas: codigo_divipola (o municipio y departamento), anio, puntaje y, "
                                             "opcional, grupo (C, G1–G5). Primero se valida; luego usted confirma.")


class AsistenciaForm(ConservaAdjuntosMixin, forms.Form):
    campos_adjunto_unico = ("evidencia",)
    clave_formulario = "seguimiento.asistencia"
    """Asesoría (una entidad territorial) o evento masivo (varias)."""

    TIPOS = [("asesoria", _("Asesoría a una entidad territorial")), ("evento", _("Evento masivo con varias entidades"))]
    tipo = forms.ChoiceField(label=_("Tipo de registro"), choices=TIPOS, widget=forms.RadioSelect, initial="asesoria")
    nombre = forms.CharField(label=_("Nombre del evento"), max_length=255, required=False,
                             help_text=_("Solo para eventos masivos."))
    entidades = forms.ModelMultipleChoiceField(
        queryset=Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True),
        label=_("Entidades territoriales"), widget=lista_entidades(attrs={"size": 8}),
        help_text=_("Una para una asesoría; varias para un evento masivo."))
    fecha = forms.DateField(label=_("Fecha"), widget=FechaInput())
    modalidad = forms.ModelChoiceField(queryset=None, label=_("Modalidad"))
    canal = forms.ModelChoiceField(queryset=None, label=_("Canal"))
    temas = forms.ModelMultipleChoiceField(queryset=None, label=_("Temas"), required=False,
                                           widget=casillas_temas())
    participantes = forms.IntegerField(label=_("Participantes"), min_value=0, initial=0)
    descripcion = forms.CharField(label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=TEXTO_LARGO)
    evidencia = forms.FileField(label=_("Evidencia de asistencia"), required=False,
                                help_text=_("Lista de asistencia o acta (PDF, XLSX, imagen)."))
    demandas = forms.ModelMultipleChoiceField(queryset=None, label=_("Demandas que atiende"), required=False,
                                              help_text=_("Quedan marcadas como atendidas."))

    def __init__(self, *args, demandas=None, **kwargs):
        super().__init__(*args, **kwargs)
        from att.models import Canal, Modalidad, Tema
        from demanda.models import Demanda

        self.fields["modalidad"].queryset = Modalidad.objects.all()
        self.fields["canal"].queryset = Canal.objects.all()
        self.fields["temas"].queryset = Tema.objects.all()
        self.fields["demandas"].queryset = demandas if demandas is not None else Demanda.objects.none()

    def clean(self):
        datos = super().clean()
        entidades = datos.get("entidades") or []
        if datos.get("tipo") == "asesoria" and len(entidades) != 1:
            self.add_error("entidades", _("Una asesoría es con una sola entidad territorial."))
        if datos.get("tipo") == "evento" and not datos.get("nombre"):
            self.add_error("nombre", _("Escriba el nombre del evento."))
        return datos


class MapaFiltrosForm(forms.Form):
    """Filtros de los mapas (GET, funciona sin JavaScript). Los valores inválidos se ignoran."""

    capa = forms.ChoiceField(label=_("Capa"), required=False)
    nivel = forms.ChoiceField(label=_("Unidad"), required=False,
                              choices=[("municipio", _("Municipios")), ("departamento", _("Departamentos"))])
    tema = forms.ModelChoiceField(label=_("Tema"), required=False, queryset=None, empty_label=_("Todos"))
    estado = forms.ChoiceField(label=_("Estado de la demanda"), required=False)
    oferente = forms.ModelChoiceField(label=_("Entidad oferente"), required=False, queryset=None,
                                      empty_label=_("Todas"))
    desde = forms.DateField(label=_("Desde"), required=False, widget=FechaInput())
    hasta = forms.DateField(label=_("Hasta"), required=False, widget=FechaInput())
    orden = forms.ChoiceField(label=_("Ordenar la tabla por"), required=False,
                              choices=[("valor", _("Valor (mayor primero)")), ("nombre", _("Nombre"))])

    def __init__(self, *args, **kwargs):
        from att.models import Tema
        from demanda.models import EstadoDemanda
        from seguimiento.mapas import CAPAS

        super().__init__(*args, **kwargs)
        self.fields["capa"].choices = [(c.clave, c.nombre) for c in CAPAS.values()]
        self.fields["estado"].choices = [("", _("Todos")), *EstadoDemanda.choices]
        self.fields["tema"].queryset = Tema.objects.only("pk", "nombre").order_by("nombre")
        self.fields["oferente"].queryset = (
            Entidad.objects.filter(tipo__in=TipoEntidad.nacionales(), ofertas__isnull=False).distinct()
            .only("pk", "nombre", "sigla").order_by("nombre")
        )
