from att import permisos


def plataforma(request):
    usuario = getattr(request, "user", None)
    return {
        "entidad_usuario": permisos.entidad_principal(usuario) if usuario and usuario.is_authenticated else None,
        "es_equipo_dnp": permisos.es_equipo_dnp(usuario) if usuario else False,
        "lee_todo": permisos.lee_todo(usuario) if usuario else False,
    }
