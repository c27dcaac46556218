"""Los parsers de DRF sin el carácter NUL en ningún texto.

DRF lee el cuerpo por su cuenta (no pasa por request.POST, que limpia `att.limites.SinNulMiddleware`),
y `"\\u0000"` dentro de un JSON llegaba como NUL a un SlugRelatedField o a un filtro: PostgreSQL
respondía 500. Aquí se quita como en los formularios. (En un módulo aparte: att/limites.py lo importa
settings y no puede cargar DRF tan temprano.)
"""

from rest_framework import parsers

from att.limites import _limpiar, _sin_nul


class JSONSinNul(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _sin_nul(super().parse(stream, media_type, parser_context))


class FormularioSinNul(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        datos = super().parse(stream, media_type, parser_context)
        return _limpiar(datos) or datos


class MultiparteSinNul(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        resultado = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(_limpiar(resultado.data) or resultado.data, resultado.files)
