"""Contar llamadas reales (sin reemplazarlas) en una prueba."""


def contar_llamadas(monkeypatch, objeto, nombre: str) -> list:
    """Envuelve `objeto.nombre` (función o método) para anotar cada llamada; sigue llamando al original.
    Devuelve la lista donde queda un elemento por llamada (sus argumentos posicionales, sin `self`)."""
    original = getattr(objeto, nombre)
    llamadas = []

    def envoltura(*args, **kwargs):
        llamadas.append(args[1:] if isinstance(objeto, type) else args)
        return original(*args, **kwargs)

    monkeypatch.setattr(objeto, nombre, envoltura)
    return llamadas
