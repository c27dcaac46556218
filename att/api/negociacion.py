"""La negociación de contenido de DRF, recordada por proceso.

DRF elige el renderizador (JSON o la API navegable) de nuevo en cada petición: lee el `Accept`, lo
separa por precedencia y lo compara con cada renderizador (~0,05 ms, el 2 % de una página de la API).
La elección solo depende de las clases de renderizador de la vista, del formato pedido (sufijo o
`?format=`) y del `Accept`, así que se recuerda por esa clave; lo que DRF rechaza (404 por formato,
406) no se recuerda y se rechaza igual cada vez. La memoria tiene tope: el `Accept` lo escribe el
cliente."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

from att.memoria import MemoriaAcotada

_ELEGIDOS = MemoriaAcotada(512)


class NegociacionRecordada(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        formato = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        clave = (tuple(type(r) for r in renderers), formato, request.META.get("HTTP_ACCEPT", ""))
        elegido = _ELEGIDOS.get(clave)
        if elegido is None:
            renderizador, tipo = super().select_renderer(request, renderers, format_suffix)
            posicion = next(i for i, r in enumerate(renderers) if r is renderizador)
            elegido = _ELEGIDOS.guardar(clave, (posicion, tipo))
        return renderers[elegido[0]], elegido[1]
