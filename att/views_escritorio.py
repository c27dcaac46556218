"""Mi escritorio (`/mi-escritorio/`): lo que espera a esta persona, por rol. Donde llega al ingresar.

Cada app aporta sus grupos por el registro `att.escritorio` (att no importa las apps); aquí solo se
pintan. El grupo de alertas sin leer lo aporta el propio núcleo (`att.escritorio_nucleo`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from att import escritorio, permisos


@login_required
def escritorio_view(request):
    grupos = escritorio.escritorio_de(request.user)
    return render(request, "att/escritorio.html", {
        "grupos": grupos,
        "total": sum(len(g.items) for g in grupos),
        "sin_rol": not permisos.vinculos(request.user) and not permisos.es_superusuario(request.user),
    })
