from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from att import cabeceras, cifras, registros, selectors
from att.forms import IngresoForm


def _cifras_de_portada() -> list[cifras.Cifra]:
    """Lo que calcula la portada, cada pieza con las áreas de cifras de que depende (`att.cifras`): las de
    `att` (territorio y entidades), las que registra cada app (`att.registros.registrar_resumen_inicio`,
    desde su `ready()`, así `att` no importa las apps que vienen después) y el mapa, si alguna app lo
    registró (el seguimiento, que lee la demanda y la oferta)."""
    piezas = [cifras.Cifra("inicio:conteos", ("territorio",), selectors.conteos_inicio)]
    piezas += [cifras.Cifra(f"inicio:{a.area}", a.depende_de, a.funcion) for a in registros.resumenes_inicio()]
    mapa = registros.mapa_inicio()
    if mapa is not None:
        piezas.append(cifras.Cifra("inicio:mapa", mapa.depende_de, mapa.funcion))
    return piezas


def _valores_portada(piezas: list[cifras.Cifra]) -> dict:
    valores = cifras.leer_varias(piezas)
    resumenes = [fila for pieza, valor in zip(piezas, valores) if pieza.nombre not in ("inicio:conteos", "inicio:mapa")
                 for fila in valor]
    por_nombre = {p.nombre: v for p, v in zip(piezas, valores)}
    return {"cifras": por_nombre["inicio:conteos"], "resumenes": resumenes, "mapa": por_nombre.get("inicio:mapa")}


def contexto_portada() -> dict:
    """Cifras vivas de la portada, de la caché por área: una edición de una oferta recalcula las cifras de
    la oferta (y el mapa, que la cuenta), no las de la demanda ni las del repositorio.

    El fragmento que las muestra (`att/inicio_cifras.html`) se guarda ya pintado, con las mismas áreas: en
    caliente, una ida a la caché y ninguna consulta; en frío, las consultas de cada pieza que cambió. Las
    cifras van también perezosas en el contexto (solo se piden si hay que volver a pintarlo)."""
    piezas = _cifras_de_portada()
    valores = SimpleLazyObject(lambda: _valores_portada(piezas))
    perezosas = {
        "cifras": SimpleLazyObject(lambda: valores["cifras"]),
        "resumenes": SimpleLazyObject(lambda: valores["resumenes"]),
        "mapa": SimpleLazyObject(lambda: valores["mapa"]),
    }
    areas = tuple(dict.fromkeys(a for p in piezas for a in p.areas))
    [cuerpo] = cifras.leer_varias([cifras.Cifra(
        "inicio:fragmento", areas, lambda: render_to_string("att/inicio_cifras.html", perezosas))])
    return {**perezosas, "cuerpo_cifras": mark_safe(cuerpo), "hay_mapa": registros.mapa_inicio() is not None}


@require_GET
@cabeceras.publica_para_anonimos(60)
def inicio(request):
    """Portada: qué es la plataforma, cifras vivas, el mapa de demanda y oferta, y las cinco áreas.

    A un anónimo (la mayoría de las visitas) se le da la página ya pintada y comprimida, guardada con las
    mismas áreas de cifras que sus piezas (`att.cifras`): una ida a la caché, sin consultas, plantillas ni
    gzip por visita. Quien tiene sesión
    ve su encabezado; solo el cuerpo de cifras y mapa viene ya pintado."""
    if request.GET or not cabeceras.igual_para_todo_anonimo(request):
        return render(request, "att/inicio.html", contexto_portada())
    areas = tuple(dict.fromkeys(a for p in _cifras_de_portada() for a in p.areas))
    [pagina] = cifras.leer_varias([cifras.Cifra(
        "inicio:pagina-anonima-gz", areas,
        lambda: cabeceras.comprimir_pagina(render_to_string("att/inicio.html", contexto_portada(), request)))])
    return cabeceras.respuesta_comprimida(request, pagina)


class Ingreso(auth_views.LoginView):
    template_name = "att/ingreso.html"
    authentication_form = IngresoForm
    redirect_authenticated_user = True
