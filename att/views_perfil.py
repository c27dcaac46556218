"""Perfil de una entidad territorial en `/territorio/<DIVIPOLA>/` (cinco dígitos: alcaldía; dos: gobernación).

Al estilo del perfil de unidad organizativa de DHIS2: arriba la identidad y los atributos de focalización
(de `att`); abajo las secciones que cada app registra en `att.perfil` desde su `ready()`.

Quién ve qué (`att.permisos.puede_ver_perfil_privado`):
- la entidad, su equipo departamental, el DNP y el auditor ven todas las secciones;
- cualquier otra persona (un funcionario de otro municipio, un oferente) y el visitante anónimo reciben
  200 con la parte pública (identidad y secciones `publica=True`), y 404 en las direcciones privadas:
  `/territorio/<código>/seccion/<clave>/` de una sección no pública y el informe de empalme.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from att import empalme, exportacion, perfil, periodos, permisos, selectors
from att.models import Entidad, TipoEntidad

CODIGO = re.compile(r"^(\d{2}|\d{5})$")


def entidad_por_codigo(codigo: str) -> Entidad:
    """La alcaldía (cinco dígitos) o la gobernación (dos) de ese código DIVIPOLA; si no, 404."""
    if not CODIGO.match(codigo or ""):
        raise Http404(_("El código DIVIPOLA tiene cinco dígitos (alcaldía) o dos (gobernación)."))
    filtro = ({"tipo": TipoEntidad.ALCALDIA, "municipio_id": codigo} if len(codigo) == 5
              else {"tipo": TipoEntidad.GOBERNACION, "departamento_id": codigo})
    return get_object_or_404(Entidad.objects.select_related("departamento", "municipio__departamento"), **filtro)


url_perfil = perfil.url_perfil


@require_GET
def territorio(request, codigo):
    entidad = entidad_por_codigo(codigo)
    privado = permisos.puede_ver_perfil_privado(request.user, entidad)
    return render(request, "att/perfil/territorio.html", {
        "entidad": entidad, "codigo": codigo, "privado": privado,
        "identidad": selectors.identidad_territorial(entidad),
        "secciones": perfil.visibles(entidad, request.user, privado=privado),
        "empalme": selectors.informe_empalme(entidad) if privado else None,
        "puede_pedir_empalme": privado and not permisos.solo_lectura(request.user),
    })


@require_GET
def territorio_seccion(request, codigo, clave):
    """Una sola sección (enlace directo, impresión). La de una sección privada es 404 para quien no la ve."""
    entidad = entidad_por_codigo(codigo)
    seccion = next((s for s in perfil.secciones() if s.clave == clave), None)
    if seccion is None:
        raise Http404(_("Esa sección del perfil no existe."))
    privado = permisos.puede_ver_perfil_privado(request.user, entidad)
    if not (privado or seccion.publica):
        raise Http404(_("Esa sección del perfil no existe."))
    contexto = {}
    if seccion.filtra_periodo:
        # «Ver todo»: hasta LIMITE_SECCION filas por tabla, filtradas por `?periodo=` (como la API).
        lista_periodos, periodo = periodos.del_pedido(request)
        datos = seccion.datos(entidad, request.user, periodo=periodo, limite=perfil.LIMITE_SECCION)
        contexto = {"periodos": lista_periodos, "periodo": periodo}
    else:
        datos = seccion.datos(entidad, request.user)
    if datos is None:
        raise Http404(_("Esa sección del perfil no existe."))
    return render(request, "att/perfil/seccion.html", {
        "entidad": entidad, "codigo": codigo, "s": perfil.Visible(seccion, datos), **contexto,
    })


def _entidad_empalme(request, codigo) -> Entidad:
    entidad = entidad_por_codigo(codigo)
    if not permisos.puede_ver_perfil_privado(request.user, entidad):
        raise Http404(_("Esa página no existe."))
    return entidad


@require_POST
def pedir_empalme(request, codigo):
    from django.contrib import messages

    from att import services

    entidad = _entidad_empalme(request, codigo)
    informe = services.pedir_informe_empalme(entidad=entidad, por=request.user)
    if informe.en_curso:
        messages.success(request, _("El informe de empalme se está generando. Vuelva en unos minutos para descargarlo."))
    return redirect(url_perfil(entidad, "empalme"))


@require_GET
def descargar_empalme(request, codigo, formato):
    entidad = _entidad_empalme(request, codigo)
    informe = selectors.informe_empalme(entidad)
    no_listo = _("El informe de empalme aún no está listo.")
    if informe is None:
        raise Http404(no_listo)
    return exportacion.respuesta_archivo_generado(informe, formato, empalme.nombre_archivo(entidad, informe.version, formato),
                                                  no_listo=no_listo)
