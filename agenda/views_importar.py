"""Importar líneas a un plan (ensayo con errores por fila, luego confirmación) y exportarlas."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from agenda.forms import ImportarLineasForm
from agenda.models import LineaPlan
from agenda.rules import ESTADOS_EDITABLES
from agenda.views import _plan_visible
from att.exportacion import SEPARADOR_LISTA, con_cupo, por_trozos, respuesta_csv, respuesta_xlsx
from att.models import TipoEntidad
from att.views_importacion import pagina_importar

COLUMNAS_EXPORTACION = [
    "id", "oferta", "oferta_nombre", "objetivo", "territorios", "territorios_nombres", "etapa", "etapa_nombre",
    "secuencia", "fecha_inicio", "fecha_fin", "responsable", "inversion", "fuente_financiacion", "indicador", "meta",
    "unidad_meta",
]


def _codigo(entidad) -> str:
    return (entidad.departamento_id if entidad.tipo == TipoEntidad.GOBERNACION else entidad.municipio_id) or ""


@login_required
@con_cupo
def exportar_lineas(request, pk):
    """Las líneas del plan con sus tipos (números, fechas) y las etiquetas junto a los códigos. Es también
    la plantilla: editada y vuelta a importar, actualiza cada línea por su id."""
    plan = _plan_visible(request, pk)
    lineas = (LineaPlan.objects.filter(plan=plan).select_related("oferta", "etapa", "responsable")
              .prefetch_related("territorios").order_by("secuencia", "pk"))
    filas = ([
        linea.pk, linea.oferta_id, linea.oferta.nombre, linea.objetivo,
        SEPARADOR_LISTA.join(_codigo(t) for t in linea.territorios.all()),
        SEPARADOR_LISTA.join(t.nombre for t in linea.territorios.all()),
        linea.etapa.codigo, linea.etapa.nombre, linea.secuencia, linea.fecha_inicio, linea.fecha_fin,
        linea.responsable.email if linea.responsable_id else "", linea.inversion, linea.fuente_financiacion,
        linea.indicador, linea.meta, linea.unidad_meta,
    ] for linea in por_trozos(lineas))
    if request.GET.get("formato", "csv") == "xlsx":
        from att.models import EtapaCiclo

        listas = {"etapa": [(e.codigo, e.nombre) for e in EtapaCiclo.objects.filter(activo=True).order_by("orden", "nombre")]}
        return respuesta_xlsx(f"plan-{plan.pk}-lineas.xlsx",
                              [(_("Líneas del plan")[:31], [], COLUMNAS_EXPORTACION, filas, listas)])
    return respuesta_csv(f"plan-{plan.pk}-lineas.csv", COLUMNAS_EXPORTACION, filas)


@login_required
def importar_lineas(request, pk):
    """Subir el archivo (ensayo) en la tubería común (`att.importacion`); el resultado, el avance y la
    confirmación están en la página de la importación, que solo vale para este plan."""
    plan = _plan_visible(request, pk)
    if plan.estado not in ESTADOS_EDITABLES or not request.user.has_perm("agenda.editar_plan", plan):
        raise PermissionDenied(_("Solo se importan líneas a un plan propio en borrador o devuelto."))
    return pagina_importar(
        request, tipo="lineas", titulo=_("Importar líneas al plan «%(p)s»") % {"p": plan}, ambito=plan.pk,
        form_class=ImportarLineasForm, volver=reverse("agenda:plan", args=[plan.pk]),
        plantilla_url=reverse("agenda:exportar_lineas", args=[plan.pk]) + "?formato=xlsx",
        ayuda=_("Con la columna id se actualiza la línea existente del plan; sin ella se crea una nueva. Territorios: "
                "códigos DIVIPOLA (2 dígitos la gobernación, 5 la alcaldía) o nombres de municipio, separados por «;»."))
