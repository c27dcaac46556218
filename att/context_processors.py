from att import permisos, selectors


def plataforma(request):
    usuario = getattr(request, "user", None)
    autenticado = bool(usuario and usuario.is_authenticated)
    return {
        # El nombre de la entidad del encabezado sale de las membresías que ya se leen para los permisos.
        "entidad_usuario_nombre": permisos.nombre_entidad_principal(usuario) if autenticado else "",
        "alertas_sin_leer": selectors.alertas_sin_leer(usuario) if autenticado else 0,
        "es_equipo_dnp": permisos.es_equipo_dnp(usuario) if autenticado else False,
        "lee_todo": permisos.lee_todo(usuario) if autenticado else False,
    }
