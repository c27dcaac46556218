"""Páginas delgadas: leen con `selectors`, escriben con `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from att import busqueda, cabeceras, perfil, permisos
from att.forms import aplicar_error_servicio
from att.models import Entidad, NivelCapacidad, TipoCapacidad, TipoEntidad
from conocimiento import selectors, services
from conocimiento.certificados import certificado_asistencia, codigo_legible, normalizar_codigo
from conocimiento.forms import (
    DiscusionForm,
    MaterialForm,
    PreguntaForm,
    RecursoForm,
    RespuestaForm,
    RevisionForm,
)
from conocimiento.models import (
    Discusion,
    EspacioComunidad,
    EstadoInscripcion,
    Evento,
    Inscripcion,
    Material,
    MiembroEspacio,
    PreguntaFrecuente,
    Recurso,
    Respuesta,
    TipoRecurso,
)
from conocimiento.rules import entidades_atribuibles
from oferta.selectors import ofertas_visibles


def _aplicar(request, servicio, exito="", **argumentos):
    """Acción de un botón: llama al servicio y deja el mensaje de éxito o, si una regla no se cumple,
    el motivo en español. Devuelve lo que devuelve el servicio (None si no se pudo)."""
    try:
        resultado = servicio(por=request.user, **argumentos)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return None
    if exito:
        messages.success(request, exito)
    return resultado


def _solo_digitos(valor: str) -> str:
    """Filtros por llave numérica: lo que no sea un número se ignora (en vez de fallar)."""
    return valor if valor.isdigit() else ""


# --- Inicio y repositorio --------------------------------------------------------------------
@require_GET
def inicio(request):
    return render(request, "conocimiento/inicio.html", {
        "recientes": selectors.buscar_recursos(con_facetas=False).recursos[:6],
        "eventos": selectors.eventos()[:3],
    })


FACETAS_VISIBLES = 8  # el resto queda plegado: en el teléfono los resultados no quedan al fondo


def _grupos_de_facetas(facetas: dict) -> list[dict]:
    """Cada faceta como grupo de casillas (varios valores: O dentro de la faceta, Y entre facetas)."""
    titulos = {"tipo": _("Tipo"), "tema": _("Tema"), "departamento": _("Departamento")}
    grupos = []
    for clave, titulo in titulos.items():
        valores = [{**x, "clave": clave} for x in facetas.get(clave, [])]
        resto = valores[FACETAS_VISIBLES:]
        grupos.append({"clave": clave, "titulo": titulo, "visibles": valores[:FACETAS_VISIBLES], "resto": resto,
                       "abierto": any(x["activo"] for x in resto)})
    return grupos


PARAMETROS_REPOSITORIO = ("q", "tipo", "tema", "departamento", "page")


def _filtros_repositorio(g) -> dict:
    """Varios valores por faceta (`?tipo=a&tipo=b`), limpios: lo que no sirve se ignora."""
    return {
        "tipo": [v for v in g.getlist("tipo")[:10] if v in TipoRecurso.values],
        "tema": [v for v in (_solo_digitos(x[:10]) for x in g.getlist("tema")[:30]) if v],
        "departamento": [v for v in g.getlist("departamento")[:40] if len(v) == 2 and v.isdigit()],
    }


PAGINAS_GUARDADAS = 5  # páginas de la lista sin consulta que se guardan ya pintadas para los anónimos


@require_GET
# max-age=0: quien publica un recurso y lo busca enseguida como anónimo lo encuentra (el navegador vuelve a
# pedir la página; el servidor la da ya pintada de la caché, que el recurso nuevo invalidó).
@cabeceras.publica_para_anonimos(0)
def repositorio(request):
    """El repositorio. Sin consulta de texto, a un anónimo se le da la página ya pintada (las primeras
    `PAGINAS_GUARDADAS` de cada combinación de facetas), comprimida y guardada con el área «conocimiento» de
    `att.cifras`: cambia solo cuando cambia un recurso o un tema. Con consulta, o con sesión, se pinta."""
    g = request.GET
    q = g.get("q", "")[:200]
    filtros = _filtros_repositorio(g)
    pagina_pedida = g.get("page", "1")
    # Solo con parámetros que ya están limpios en `filtros` (la página lleva enlaces con ellos).
    limpios = all(k in filtros and len(g.getlist(k)) == len(filtros[k]) or k == "page" for k in g)
    if (not q.strip() and limpios and cabeceras.igual_para_todo_anonimo(request) and pagina_pedida.isdigit()
            and 1 <= int(pagina_pedida) <= PAGINAS_GUARDADAS and sum(map(len, filtros.values())) <= 3):
        from att import cifras

        parte = f"{pagina_pedida}|{'|'.join(','.join(v) for v in filtros.values())}"
        [comprimida] = cifras.leer_varias([cifras.Cifra(
            "conocimiento:repositorio-anonimo-gz", ("conocimiento",),
            lambda: cabeceras.comprimir_pagina(_pagina_repositorio(request, q, filtros)), parte=parte)])
        return cabeceras.respuesta_comprimida(request, comprimida)
    return HttpResponse(_pagina_repositorio(request, q, filtros))


def _pagina_repositorio(request, q: str, filtros: dict) -> str:
    g = request.GET
    resultado = selectors.buscar_recursos(usuario=request.user, q=q, **filtros)
    paginador = Paginator(resultado.recursos, 20)
    if resultado.total is not None:  # ya contado con las facetas (sin consulta, de la caché): sin otro COUNT
        paginador.count = resultado.total
    pagina = paginador.get_page(g.get("page"))
    sugerencia, consulta_sugerencia = "", ""
    if q.strip() and not pagina.paginator.count:
        sugerencia = selectors.sugerencia_repositorio(q, **filtros)
        if sugerencia:
            datos = g.copy()
            datos.pop("page", None)
            datos["q"] = sugerencia
            consulta_sugerencia = datos.urlencode()
    return render_to_string("conocimiento/repositorio.html", {
        "pagina": pagina, "grupos": _grupos_de_facetas(resultado.facetas), "q": q,
        "total": pagina.paginator.count, "filtros": filtros, "hay_filtros": any(filtros.values()),
        "sugerencia": sugerencia, "consulta_sugerencia": consulta_sugerencia,
        "consulta_volver": busqueda.consulta_de_vuelta(g.urlencode(), PARAMETROS_REPOSITORIO),
        "puede_revisar": permisos.es_equipo_dnp(request.user),
    }, request)


def _recurso_visible(request, pk) -> Recurso:
    try:
        return selectors.recurso_detalle(request.user, pk)
    except Recurso.DoesNotExist:
        raise Http404(_("Este recurso no existe o aún no está publicado."))


def _pagina_recurso(request, pk, *, form_material=None, form_revision=None, status=200):
    """La ficha del recurso; con un formulario devuelto con errores y lo que la persona escribió."""
    obj = _recurso_visible(request, pk)
    return render(request, "conocimiento/recurso.html", {
        "recurso": obj,
        "volver": busqueda.consulta_de_vuelta(request.GET.get("volver", ""), PARAMETROS_REPOSITORIO), "puede_editar": request.user.has_perm("conocimiento.editar_recurso", obj),
        "puede_revisar": request.user.has_perm("conocimiento.revisar_recurso", obj),
        "form_material": form_material or MaterialForm(), "form_revision": form_revision or RevisionForm(),
    }, status=status)


@require_GET
def recurso(request, pk):
    return _pagina_recurso(request, pk)


@require_GET
def material(request, pk):
    """Descarga de un documento: solo si quien pide puede ver el recurso (los archivos no son públicos)."""
    obj = get_object_or_404(Material.objects.select_related("recurso"), pk=pk)
    if not request.user.has_perm("conocimiento.ver_recurso", obj.recurso) or not obj.archivo:
        raise Http404(_("Este documento no existe o aún no está publicado."))
    nombre = obj.archivo.name.rsplit("/", 1)[-1]
    return FileResponse(obj.archivo.open("rb"), as_attachment=True, filename=nombre)


@login_required
def proponer(request):
    if not request.user.has_perm("conocimiento.proponer_recurso"):
        raise PermissionDenied(_("Solo los miembros de la red pueden proponer al repositorio."))
    entidades = entidades_atribuibles(request.user)
    form = RecursoForm(request.POST or None, entidades=entidades)
    if request.method == "POST" and form.is_valid():
        datos = dict(form.cleaned_data)
        temas, tipo = datos.pop("temas"), datos.pop("tipo")
        try:
            obj = services.recurso_proponer(por=request.user, tipo=tipo, temas=temas, **datos)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Gracias: su propuesta quedó en revisión del DNP."))
            return redirect("conocimiento:recurso", obj.pk)
    return render(request, "conocimiento/proponer.html", {"form": form})


@login_required
def editar(request, pk):
    obj = get_object_or_404(Recurso, pk=pk)
    if not request.user.has_perm("conocimiento.editar_recurso", obj):
        raise PermissionDenied(_("Solo quien propuso el recurso (mientras no esté publicado) y el equipo del DNP pueden editarlo."))
    entidades = entidades_atribuibles(request.user)
    form = RecursoForm(request.POST or None, instance=obj, entidades=entidades)
    form.fields["tipo"].disabled = True
    if request.method == "POST" and form.is_valid():
        datos = {k: v for k, v in form.cleaned_data.items() if k not in ("tipo", "temas")}
        try:
            services.recurso_editar(recurso=obj, por=request.user, temas=form.cleaned_data["temas"], **datos)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("conocimiento:recurso", obj.pk)
    return render(request, "conocimiento/proponer.html", {"form": form, "recurso": obj})


@login_required
@require_POST
def agregar_material(request, pk):
    obj = get_object_or_404(Recurso, pk=pk)
    if not request.user.has_perm("conocimiento.editar_recurso", obj):
        raise PermissionDenied(_("Solo quien propuso el recurso (mientras no esté publicado) y el equipo del DNP pueden agregarle materiales."))
    form = MaterialForm(request.POST, request.FILES, adjuntos_de=request.user)
    if form.is_valid():
        try:
            services.material_agregar(recurso=obj, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            form.marcar_adjuntos_usados()
            messages.success(request, _("Material agregado."))
            return redirect("conocimiento:recurso", obj.pk)
    return _pagina_recurso(request, pk, form_material=form, status=400)


@login_required
def revision(request):
    if not request.user.has_perm("conocimiento.revisar_recurso"):
        raise PermissionDenied(_("Solo el equipo del DNP revisa el repositorio."))
    return render(request, "conocimiento/revision.html", {"pendientes": selectors.pendientes_revision()[:200]})


@login_required
@require_POST
def revisar(request, pk):
    obj = get_object_or_404(Recurso, pk=pk)
    if not request.user.has_perm("conocimiento.revisar_recurso", obj):
        raise PermissionDenied(_("Solo el equipo del DNP revisa y publica el repositorio."))
    form = RevisionForm(request.POST)
    if form.is_valid():
        try:
            services.recurso_revisar(recurso=obj, por=request.user,
                                     publicar=form.cleaned_data["decision"] == "publicar",
                                     comentario=form.cleaned_data["comentario"])
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Revisión registrada."))
            return redirect("conocimiento:recurso", pk)
    return _pagina_recurso(request, pk, form_revision=form, status=400)


@login_required
def mis_propuestas(request):
    return render(request, "conocimiento/mis_propuestas.html", {"recursos": selectors.mis_propuestas(request.user)[:200]})


# --- Comunidad -------------------------------------------------------------------------------
@login_required
def comunidad(request):
    return render(request, "conocimiento/comunidad.html", {
        "espacios": selectors.espacios(request.user),
        "reportes": selectors.reportes_abiertos(request.user)[:20],
    })


@login_required
def espacio(request, slug):
    obj = get_object_or_404(EspacioComunidad, slug=slug, activo=True)
    miembro = MiembroEspacio.objects.filter(espacio=obj, usuario=request.user).first()
    form = DiscusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.discusion_abrir(espacio=obj, por=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, getattr(e, "messages", [str(e)]))
        else:
            return redirect("conocimiento:discusion", d.pk)
    pagina = Paginator(selectors.discusiones_de(obj, request.user), 25).get_page(request.GET.get("page"))
    return render(request, "conocimiento/espacio.html", {
        "espacio": obj, "miembro": miembro, "form": form, "pagina": pagina,
        "participa": request.user.has_perm("conocimiento.participar"),
        "moderador": request.user.has_perm("conocimiento.moderar", obj),
    })


@login_required
@require_POST
def unirse(request, slug):
    obj = get_object_or_404(EspacioComunidad, slug=slug, activo=True)
    accion = request.POST.get("accion", "unirse")
    if accion == "salir":
        services.espacio_salir(espacio=obj, por=request.user)
        messages.success(request, _("Salió del espacio."))
    else:
        services.espacio_unirse(espacio=obj, por=request.user, sigue=request.POST.get("sigue", "1") == "1")
        messages.success(request, _("Listo: es miembro del espacio."))
    return redirect("conocimiento:espacio", slug)


@login_required
def discusion(request, pk):
    try:
        d, respuestas, moderador = selectors.discusion_detalle(request.user, pk)
    except Discusion.DoesNotExist:
        raise Http404(_("La discusión no existe o fue ocultada por moderación."))
    form = RespuestaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            r = services.respuesta_publicar(discusion=d, por=request.user, cuerpo=form.cleaned_data["cuerpo"])
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, getattr(e, "messages", [str(e)]))
        else:
            messages.success(request, _("Respuesta publicada."))
            return redirect(f"{request.path}#r{r.pk}")
    return render(request, "conocimiento/discusion.html", {
        "discusion": d, "respuestas": respuestas, "moderador": moderador, "form": form,
        "participa": request.user.has_perm("conocimiento.participar"),
        "es_miembro": MiembroEspacio.objects.filter(espacio=d.espacio, usuario=request.user).exists(),
        "sigue": d.seguidores.filter(pk=request.user.pk).exists(),
    })


ACCIONES_MODERACION = {
    "ocultar": {"ocultar": True}, "mostrar": {"ocultar": False}, "cerrar": {"cerrar": True}, "reabrir": {"cerrar": False},
}


@login_required
@require_POST
def moderar(request, pk):
    """Ocultar/mostrar la discusión o una respuesta (`respuesta`), cerrar/reabrir la discusión."""
    d = get_object_or_404(selectors.discusiones_visibles(request.user), pk=pk)
    objeto = d
    if request.POST.get("respuesta"):
        objeto = get_object_or_404(Respuesta.objects.select_related("discusion__espacio"),
                                   pk=request.POST["respuesta"], discusion=d)
    argumentos = ACCIONES_MODERACION.get(request.POST.get("accion"), {})
    _aplicar(request, services.moderar, _("Moderación aplicada."), objeto=objeto,
             motivo=request.POST.get("motivo", ""), **argumentos)
    return redirect("conocimiento:discusion", pk)


@login_required
@require_POST
def reportar(request, pk):
    d = get_object_or_404(selectors.discusiones_visibles(request.user), pk=pk, oculta=False)
    respuesta = None
    if request.POST.get("respuesta"):
        respuesta = get_object_or_404(Respuesta, pk=request.POST["respuesta"], discusion=d)
    _aplicar(request, services.reportar_abuso, _("Gracias: los moderadores revisarán el mensaje."),
             discusion=d, respuesta=respuesta, motivo=request.POST.get("motivo", ""))
    return redirect("conocimiento:discusion", pk)


@login_required
@require_POST
def seguir(request, pk):
    d = get_object_or_404(selectors.discusiones_visibles(request.user), pk=pk)
    services.discusion_seguir(discusion=d, por=request.user, seguir=request.POST.get("seguir") == "1")
    return redirect("conocimiento:discusion", pk)


# --- Formación -------------------------------------------------------------------------------
@require_GET
def formacion(request):
    nivel, tipo = request.GET.get("nivel", ""), request.GET.get("tipo", "")
    return render(request, "conocimiento/formacion.html", {
        "pagina": Paginator(selectors.cursos(nivel=_solo_digitos(nivel), tipo=_solo_digitos(tipo)), 24)
        .get_page(request.GET.get("page")),
        "niveles": NivelCapacidad.objects.filter(activo=True), "tipos": TipoCapacidad.objects.filter(activo=True),
        "nivel": nivel, "tipo": tipo,
        "mias": selectors.mis_inscripciones(request.user) if request.user.is_authenticated else [],
    })


@require_GET
def curso(request, pk):
    obj = get_object_or_404(
        selectors.cursos_visibles(request.user).select_related("nivel", "tipo_capacidad", "entidad", "tema"), pk=pk)
    return render(request, "conocimiento/curso.html", {"curso": obj, "sesiones": selectors.sesiones_con_cupos(obj)})


@login_required
def sesion(request, pk):
    obj = get_object_or_404(selectors.sesiones_visibles(request.user).select_related("curso__entidad"), pk=pk)
    gestiona = request.user.has_perm("conocimiento.gestionar_curso", obj.curso)
    mia = Inscripcion.objects.filter(sesion=obj, usuario=request.user).first()
    if request.method == "POST" and request.POST.get("accion") == "asistencia":
        _aplicar(request, services.registrar_asistencia, _("Asistencia registrada."),
                 sesion=obj, asistentes_ids=request.POST.getlist("asistio"))
        return redirect("conocimiento:sesion", pk)
    inscritos = obj.inscripciones.select_related("usuario", "entidad").exclude(
        estado=EstadoInscripcion.CANCELADA) if gestiona else None
    ocupados = obj.inscripciones.filter(estado=EstadoInscripcion.INSCRITA).count()
    return render(request, "conocimiento/sesion.html", {
        "sesion": obj, "mia": mia, "gestiona": gestiona, "inscritos": inscritos, "ocupados": ocupados,
        "libres": max(obj.cupos - ocupados, 0), "posicion": selectors.posicion_en_espera(mia) if mia else None,
        "empezo": obj.inicio <= timezone.now(),
    })


@login_required
@require_POST
def inscribirse(request, pk):
    obj = get_object_or_404(selectors.sesiones_visibles(request.user), pk=pk)
    ins = _aplicar(request, services.inscribir, sesion=obj)
    if ins is not None and ins.estado == EstadoInscripcion.INSCRITA:
        messages.success(request, _("Quedó inscrito en la sesión."))
    elif ins is not None:
        messages.info(request, _("La sesión está llena: quedó en la lista de espera. Le avisaremos si se libera un cupo."))
    return redirect("conocimiento:sesion", pk)


@login_required
@require_POST
def cancelar(request, pk):
    ins = get_object_or_404(Inscripcion, pk=pk)
    _aplicar(request, services.cancelar_inscripcion, _("Inscripción cancelada."), inscripcion=ins)
    return redirect("conocimiento:sesion", ins.sesion_id)


@login_required
@require_GET
def certificado(request, pk):
    ins = get_object_or_404(Inscripcion.objects.select_related("sesion__curso__entidad", "usuario", "entidad"), pk=pk)
    if ins.usuario_id != request.user.pk and not request.user.has_perm("conocimiento.gestionar_curso", ins.sesion.curso):
        raise PermissionDenied(_("Este certificado es de otra persona."))
    if not ins.asistio or ins.estado != EstadoInscripcion.INSCRITA:
        raise Http404(_("El certificado se expide cuando la asistencia queda registrada."))
    respuesta = HttpResponse(certificado_asistencia(ins), content_type="application/pdf")
    respuesta["Content-Disposition"] = f'attachment; filename="certificado-asistencia-{ins.pk}.pdf"'
    return respuesta


@require_GET
def verificar_certificado(request):
    """Página pública: cualquiera (un empleador, una entidad) comprueba un certificado por su código."""
    escrito = request.GET.get("codigo", "").strip()[:40]
    codigo = normalizar_codigo(escrito)
    certificado = selectors.certificado_por_codigo(codigo)
    contexto = {"codigo": escrito, "certificado": certificado}
    if certificado:
        contexto["codigo_legible"] = codigo_legible(certificado.codigo_certificado)
        contexto["fecha"] = timezone.localtime(certificado.sesion.inicio)
    return render(request, "conocimiento/verificar_certificado.html", contexto,
                  status=404 if escrito and not certificado else 200)


# --- Eventos ---------------------------------------------------------------------------------
@require_GET
def eventos(request):
    return render(request, "conocimiento/eventos.html", {"eventos": selectors.eventos()[:100]})


def evento(request, pk):
    obj = get_object_or_404(Evento, pk=pk)
    registrado = request.user.is_authenticated and obj.registros.filter(usuario=request.user).exists()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _aplicar(request, services.evento_registrarse, _("Quedó registrado en el evento."), evento=obj)
        return redirect("conocimiento:evento", pk)
    return render(request, "conocimiento/evento.html", {
        "evento": obj, "registrado": registrado, "n_registros": obj.registros.count(),
        "terminado": obj.fin < timezone.now(),
        "practicas": obj.practicas.filter(estado="publicado").select_related("entidad"),
    })


# --- Preguntas frecuentes por oferta ---------------------------------------------------------
def preguntas(request, oferta_pk):
    oferta = get_object_or_404(ofertas_visibles(request.user).select_related("entidad"), pk=oferta_pk)
    gestiona = request.user.is_authenticated and request.user.has_perm("conocimiento.gestionar_preguntas", oferta)
    instancia = None
    if gestiona and request.GET.get("editar"):
        instancia = get_object_or_404(PreguntaFrecuente, pk=request.GET["editar"], oferta=oferta)
    form = PreguntaForm(request.POST or None, instance=instancia) if gestiona else None
    if request.method == "POST":
        if not gestiona:
            raise PermissionDenied(_("Solo la entidad oferente mantiene las preguntas frecuentes de su oferta."))
        if request.POST.get("eliminar"):
            p = get_object_or_404(PreguntaFrecuente, pk=request.POST["eliminar"], oferta=oferta)
            services.pregunta_eliminar(instancia=p, por=request.user)
            messages.success(request, _("Pregunta eliminada."))
            return redirect("conocimiento:preguntas", oferta.pk)
        if form.is_valid():
            try:
                services.pregunta_guardar(oferta=oferta, por=request.user, instancia=instancia, **form.cleaned_data)
            except ValidationError as e:
                aplicar_error_servicio(form, e)
            else:
                messages.success(request, _("Pregunta guardada."))
                return redirect("conocimiento:preguntas", oferta.pk)
    return render(request, "conocimiento/preguntas.html", {
        "oferta": oferta, "preguntas": selectors.preguntas_de_oferta(oferta, request.user), "gestiona": gestiona,
        "form": form, "instancia": instancia,
    })


# --- Memoria de la entidad territorial -------------------------------------------------------
@login_required
def memorias(request):
    entidades = selectors.entidades_con_memoria(request.user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        entidades = entidades.filter(nombre__icontains=q)
    pagina = Paginator(entidades.order_by("nombre"), 50).get_page(request.GET.get("page"))
    return render(request, "conocimiento/memorias.html", {"pagina": pagina, "q": q})


@require_GET
def memoria(request, entidad_pk):
    """La memoria es ahora parte del perfil de la entidad territorial (`/territorio/<DIVIPOLA>/#memoria`)."""
    entidad = get_object_or_404(Entidad.objects.filter(tipo__in=TipoEntidad.territoriales()), pk=entidad_pk)
    return redirect(perfil.url_perfil(entidad, "memoria"), permanent=False)


