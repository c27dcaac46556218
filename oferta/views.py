"""Páginas de la oferta: portal público, detalle, gestión del oferente, revisión DNP, importación,
datos abiertos y solapamientos. Delgadas: leen con `selectors` y escriben con `services`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from att import busqueda, permisos
from att import selectors as selectors_att
from att import services as services_att
from att.exportacion import con_cupo, responder
from att.forms import aplicar_error_servicio

from . import exportacion, selectors, services
from .forms import ArchivarForm, ComentarioForm, HitosPlantillaFormSet, OfertaForm
from .models import EstadoOferta, ImportacionOferta, Oferta


def _consulta_sin(request, *claves) -> str:
    """La consulta de la petición sin esas claves (sin copiar el QueryDict: se arma una por página y
    por orden, y cada copia era una copia profunda)."""
    return urlencode([(k, v) for k, valores in request.GET.lists() if k not in claves for v in valores])


def _consulta_con(request, **valores) -> str:
    """La consulta sin página ni «ver todas», con esos valores en lugar de los que tenía (en su sitio)."""
    pares, puestos = [], set()
    for k, actuales in request.GET.lists():
        if k in ("page", "ver"):
            continue
        if k in valores:
            if k not in puestos:
                pares.append((k, valores[k]))
                puestos.add(k)
            continue
        pares.extend((k, v) for v in actuales)
    pares.extend((k, v) for k, v in valores.items() if k not in puestos)
    return urlencode(pares)


@require_GET
def portal(request):
    """Portafolio público: búsqueda sin tildes, facetas con conteos, filtros, orden y paginación."""
    filtros = selectors.FiltrosPortal.desde(request.GET)
    ver = request.GET.get("ver", "")
    resultados = selectors.portal_resultados(filtros, request.GET.get("page"), ver=ver)
    sugerencia = selectors.sugerencia_portal(filtros) if not resultados.pagina.paginator.count else ""
    consulta_sugerencia = ""
    if sugerencia:
        datos = request.GET.copy()
        for clave in ("page", "orden", "ver"):
            datos.pop(clave, None)
        datos["q"] = sugerencia
        consulta_sugerencia = datos.urlencode()
    ordenes = [(valor, etiqueta, _consulta_con(request, orden=valor))
               for valor, etiqueta in selectors.ORDENES.items() if valor != "relevancia" or filtros.q]
    return render(request, "oferta/portal.html", {
        "sugerencia": sugerencia,
        "consulta_sugerencia": consulta_sugerencia,
        "consulta_volver": _consulta_sin(request, "ver"),
        "filtros": filtros,
        "pagina": resultados.pagina,
        "facetas": resultados.facetas,
        "ordenes": ordenes,
        "consulta_ver": _consulta_sin(request, "page", "ver"),
        "consulta_exportar": _consulta_sin(request, "page", "orden"),
        "hoy": timezone.localdate(),
        "puede_crear": request.user.has_perm("oferta.crear"),
    })


def detalle(request, pk: int):
    oferta = selectors.oferta_detalle(pk)
    if oferta is None or not request.user.has_perm("oferta.ver", oferta):
        raise Http404(_("No existe la oferta o no está publicada."))
    usuario = request.user
    publicada = oferta.esta_publicada()
    volver = busqueda.consulta_de_vuelta(request.GET.get("volver", ""), selectors.PARAMETROS_PORTAL)
    ve_historia = usuario.is_authenticated and (permisos.lee_todo(usuario) or usuario.has_perm("oferta.gestionar", oferta))
    if ve_historia:
        selectors.con_historia(oferta)
    return render(request, "oferta/detalle.html", {
        "oferta": oferta,
        "volver": volver,
        "puede_editar": usuario.has_perm("oferta.editar", oferta),
        "puede_enviar": usuario.has_perm("oferta.enviar", oferta),
        "puede_revisar": usuario.has_perm("oferta.revisar", oferta),
        "puede_archivar": usuario.has_perm("oferta.archivar", oferta),
        "ve_historia": ve_historia,
        # Lo que exige la página «Registrar una necesidad» a la que lleva el botón (`demanda.registrar`).
        "puede_solicitar": publicada and usuario.has_perm("demanda.registrar"),
        "parecidas": selectors.parecidas(oferta) if usuario.has_perm("oferta.ver_solapamientos")
        and oferta.estado in (EstadoOferta.EN_REVISION, EstadoOferta.PUBLICADA) else [],
        "form_revision": ComentarioForm(),
        "form_archivar": ArchivarForm(),
        "hoy": timezone.localdate(),
        "plantilla_hitos": list(oferta.plantilla_hitos.order_by("orden", "pk")),
        "gestiona": usuario.has_perm("oferta.gestionar", oferta),
    })


BORRADOR = "oferta.oferta"  # clave del borrador del formulario (att.views_borradores)


def _formulario(request, *, oferta: Oferta | None):
    objeto_id = oferta.pk if oferta else 0
    borrador = selectors_att.contexto_borrador(request.user, BORRADOR, objeto_id, restaurar=request.method != "POST")
    inicial = dict(borrador["borrador"].datos) if borrador["borrador"] else None
    form = OfertaForm(request.POST or None, instance=oferta, usuario=request.user, initial=inicial)
    if request.method == "POST" and form.is_valid():
        datos = dict(form.cleaned_data)
        try:
            if oferta is None:
                oferta = services.oferta_crear(por=request.user, entidad=datos.pop("entidad"), datos=datos)
                messages.success(request, _("Borrador guardado. Cuando esté completo, envíelo a revisión."))
            else:
                oferta = services.oferta_actualizar(por=request.user, oferta=oferta, datos=datos)
                messages.success(request, _("Cambios guardados."))
            services_att.borrador_descartar(por=request.user, formulario=BORRADOR, objeto_id=objeto_id)
            return redirect("oferta:detalle", pk=oferta.pk)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
    return render(request, "oferta/formulario.html", {"form": form, "oferta": oferta, "borrador_form": borrador})


@login_required
def nueva(request):
    if not request.user.has_perm("oferta.crear"):
        raise PermissionDenied(_("Solo un oferente puede registrar ofertas."))
    return _formulario(request, oferta=None)


@login_required
def editar(request, pk: int):
    oferta = get_object_or_404(Oferta.objects.select_related("entidad"), pk=pk)
    if not request.user.has_perm("oferta.editar", oferta):
        raise PermissionDenied(_("No puede editar esta oferta (solo borradores o devueltas de su entidad)."))
    return _formulario(request, oferta=oferta)


@login_required
def plantilla_hitos(request, pk: int):
    """Los hitos estándar del producto («parametrizar hitos del producto»): las líneas nuevas que lo
    entregan empiezan con una copia; las ya empezadas no cambian."""
    oferta = get_object_or_404(Oferta.objects.select_related("entidad"), pk=pk)
    if not request.user.has_perm("oferta.gestionar", oferta):
        raise PermissionDenied(_("Solo un oferente de la entidad define los hitos del producto."))
    inicial = [{"nombre": h.nombre, "peso": h.peso, "desfase_dias": h.desfase_dias}
               for h in oferta.plantilla_hitos.order_by("orden", "pk")]
    formset = HitosPlantillaFormSet(request.POST or None, initial=inicial, prefix="hitos")
    if request.method == "POST" and formset.is_valid():
        filas = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.plantilla_hitos_guardar(oferta=oferta, filas=filas, por=request.user)
        except ValidationError as e:
            formset._non_form_errors = formset.error_class(e.messages)
        else:
            messages.success(request, _("Hitos del producto guardados: las líneas nuevas empiezan con ellos."))
            return redirect("oferta:detalle", pk=oferta.pk)
    return render(request, "oferta/plantilla_hitos.html", {"oferta": oferta, "formset": formset})


def _accion(request, pk, funcion, exito, **extra):
    oferta = get_object_or_404(Oferta, pk=pk)
    try:
        funcion(oferta=oferta, por=request.user, **extra)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, exito)
    return redirect("oferta:detalle", pk=pk)


@login_required
@require_POST
def enviar(request, pk: int):
    return _accion(request, pk, services.oferta_enviar, _("Oferta enviada a revisión del DNP."))


@login_required
@require_POST
def revisar(request, pk: int):
    form = ComentarioForm(request.POST)
    form.is_valid()
    comentario = form.cleaned_data.get("comentario", "")
    if request.POST.get("decision") == "publicar":
        return _accion(request, pk, services.oferta_publicar, _("Oferta publicada en el portal."),
                       comentario=comentario)
    return _accion(request, pk, services.oferta_devolver, _("Oferta devuelta a la entidad con sus comentarios."),
                   comentario=comentario)


@login_required
@require_POST
def archivar(request, pk: int):
    return _accion(request, pk, services.oferta_archivar, _("Oferta archivada: ya no aparece en el portal."),
                   motivo=request.POST.get("motivo", ""))


@login_required
def mias(request):
    """Las ofertas de mis entidades (oferente), en todos los estados."""
    qs = selectors.ofertas_de_usuario(request.user)
    estado = request.GET.get("estado", "")
    if estado in EstadoOferta.values:
        qs = qs.filter(estado=estado)
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "oferta/mias.html", {
        "pagina": pagina, "estado": estado, "estados": EstadoOferta.choices,
        "puede_crear": request.user.has_perm("oferta.crear"),
    })


@login_required
def revision(request):
    """Cola de revisión del DNP/DER."""
    if not permisos.lee_todo(request.user):
        raise PermissionDenied(_("Solo el DNP y el auditor ven la cola de revisión."))
    pagina = Paginator(selectors.ofertas_en_revision(), 50).get_page(request.GET.get("page"))
    return render(request, "oferta/revision.html", {"pagina": pagina})


@login_required
def solapamientos(request):
    """Ofertas casi iguales de entidades distintas: oferta duplicada por coordinar (CONPES §4.1)."""
    if not request.user.has_perm("oferta.ver_solapamientos"):
        raise PermissionDenied(_("Solo el DNP y el auditor ven los solapamientos."))
    try:
        umbral = min(0.95, max(0.3, float(request.GET.get("umbral", "0.55").replace(",", "."))))
    except ValueError:
        umbral = 0.55
    return render(request, "oferta/solapamientos.html", {
        "pares": selectors.solapamientos(umbral=umbral), "umbral": umbral,
    })


@require_GET
@con_cupo
def exportar(request):
    """Datos abiertos: las ofertas publicadas (con los filtros del portal) en CSV o XLSX. Sin filtros, la
    instantánea ya generada (`FileResponse`, casi sin CPU); si no hay o está vieja, se pide regenerarla y
    esta vez va en flujo. Con filtros: CSV en flujo; XLSX de más de `ATT_EXPORTACION_UMBRAL_FILAS` filas,
    en Celery con un enlace."""
    from django.http import FileResponse

    formato = request.GET.get("formato", "csv")
    if formato not in ("csv", "xlsx"):
        raise Http404(_("Formato no disponible."))
    filtros = selectors.FiltrosPortal.desde(request.GET)
    completos = not filtros.q and not filtros.valores
    nombre = f"ofertas-att-{timezone.localdate():%Y%m%d}.{formato}"
    if completos:
        guardada = exportacion.instantanea(formato)
        if guardada is None:
            from att.salida import encolar

            encolar("oferta.generar_datos_abiertos", clave="oferta-datos-abiertos")
            guardada = exportacion.instantanea(formato)  # sin broker, la tarea ya corrió en este proceso
        if guardada is not None:
            from django.core.files.storage import default_storage

            return FileResponse(default_storage.open(guardada, "rb"), as_attachment=True, filename=nombre)
    return responder(request, exportacion.tabla_datos_abiertos(filtros), formato, tipo="oferta.datos_abiertos")


@login_required
def importar(request):
    """Importación de ofertas por la tubería común (`att.importacion`, tipo «ofertas»)."""
    from att.views_importacion import pagina_importar

    if not request.user.has_perm("oferta.importar"):
        raise PermissionDenied(_("Solo un oferente puede importar ofertas."))
    return pagina_importar(request, tipo="ofertas", titulo=_("Importar ofertas"), volver="/oferta/mias/",
                           ayuda=_("Cada fila crea un borrador de su entidad. Catálogos por código o por nombre, "
                                   "varios separados por «;»; departamentos y municipios por código DIVIPOLA o "
                                   "por nombre."))


@login_required
def importacion(request, pk: int):
    """Historial de solo lectura de las importaciones anteriores a la tubería común
    (`ImportacionOferta`): se ven, no se confirman."""
    importacion = get_object_or_404(ImportacionOferta, pk=pk, por=request.user)
    if request.method == "POST":
        messages.error(request, _("Esta importación es del sistema anterior y queda solo como historial: "
                                  "suba el archivo otra vez para importarlo."))
        return redirect("oferta:importacion", pk=pk)
    return render(request, "oferta/importacion.html", {"importacion": importacion, "historial": True})


@require_GET
def plantilla(request):
    """Plantilla CSV (la XLSX con listas desplegables está en /nucleo/importaciones/plantilla/ofertas.xlsx)."""
    from att.exportacion import respuesta_csv
    from oferta.importacion import ImportadorOfertas

    columnas = list(ImportadorOfertas.columnas)
    return respuesta_csv("plantilla-ofertas.csv", columnas, [[ImportadorOfertas.ejemplo.get(c, "") for c in columnas]])
