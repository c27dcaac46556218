"""El contrato OpenAPI de la API, hecho para que un cliente generado (openapi-python-client) lo use.

- Cada cuerpo de petición se publica en un solo tipo: JSON, o multipart solo si la operación sube
  archivos. La API navegable sigue aceptando formularios (los analizadores no cambian), pero el
  esquema no los anuncia: con JSON, formulario y multipart a la vez el cliente generado no distinguía
  la unión (y enviaba multipart con cada campo dos veces).
- Cada operación documenta sus respuestas de error (400, 401, 403, 404, 429; 409 y 422 de la
  idempotencia en las escrituras) con su forma, para que
  un cliente tipado lea un error de validación como tal y no como nada.
- En las respuestas, cada campo de un modelo es requerido (siempre presente; nulo si no se puede ver).
- Los filtros de varios valores se publican como arreglo `style: form, explode: true` (clave
  repetida), que el servidor acepta igual que la lista con comas (`att/api/filtros.py`).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_serializer
from rest_framework import serializers

from att.api.filtros import OpcionesMultiplesFilter, ValoresMultiplesFilter

JSON = "application/json"
MULTIPART = "multipart/form-data"

_ERROR = {
    "type": "object",
    "description": "Error con un mensaje en español.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_ERROR_VALIDACION = {
    "type": "object",
    "description": "Errores de validación: cada campo con sus mensajes (`{\"campo\": [\"mensaje\"]}`); los "
                   "que no son de un campo van en `non_field_errors`, y un rechazo general en `detail`.",
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
COMPONENTES_ERROR = {"Error": _ERROR, "ErrorValidacion": _ERROR_VALIDACION}

AYUDA_VARIOS = "Varios valores: repita la clave (`tema=a&tema=b`) o sepárelos con comas (`tema=a,b`)."

DESCRIPCIONES = {
    "400": _("Datos inválidos: errores por campo."),
    "401": _("Falta el token o no es válido (`Authorization: Token <clave>`)."),
    "403": _("El token no tiene permiso para esta operación."),
    "404": _("No existe o no es visible para quien consulta (o el cursor de la página no es válido)."),
    "409": _("Choca con otra escritura: el envío anterior con la misma `Idempotency-Key` aún se procesa, o "
             "lo pedido choca con lo que otro acaba de guardar."),
    "422": _("La `Idempotency-Key` ya se usó con otra petición: use una clave nueva para cada operación."),
    "429": _("Demasiadas peticiones: espere antes de reintentar."),
}


def _sube_archivo(campo) -> bool:
    if isinstance(campo, serializers.FileField):
        return True
    return isinstance(campo, serializers.ListField) and isinstance(campo.child, serializers.FileField)


class EsquemaATT(AutoSchema):
    def get_override_parameters(self):
        """`?fields=` en la lista y el detalle de las vistas por lotes (att/api/lotes.py)."""
        from att.api.lotes import PARAMETRO_ESQUEMA_CAMPOS, ListaPorLotes

        parametros = super().get_override_parameters()
        if self.method == "GET" and isinstance(self.view, ListaPorLotes) and getattr(
                self.view, "action", None) in ("list", "retrieve"):
            parametros = [*parametros, PARAMETRO_ESQUEMA_CAMPOS]
        return parametros

    def map_parsers(self):
        tipos = super().map_parsers()
        if MULTIPART in tipos and self._sube_archivos():
            return [MULTIPART]
        return [JSON] if JSON in tipos else tipos

    def _sube_archivos(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        if not is_serializer(serializer) or not hasattr(serializer, "fields"):
            return False
        return any(_sube_archivo(c) and not c.read_only for c in serializer.fields.values())

    def _map_basic_serializer(self, serializer, direction):
        """En las respuestas, todo campo de un ModelSerializer es requerido: DRF lo emite siempre (lo
        que un lector no puede ver va en `null`, no se omite), así el cliente tipado no lo trata como
        opcional. drf-spectacular solo marcaba los de solo lectura y los obligatorios al escribir."""
        esquema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(force_instance(serializer), serializers.ModelSerializer):
            esquema["required"] = sorted(
                nombre for nombre, campo in esquema.get("properties", {}).items() if not campo.get("writeOnly"))
        return esquema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operacion = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operacion is None:
            return None
        parametros = operacion.get("parameters", [])
        codigos = []
        if "requestBody" in operacion or any(p.get("in") == "query" for p in parametros):
            codigos.append("400")
        codigos += ["401", "403"]
        # Un id en la ruta puede no existir; un cursor inválido en una lista paginada también es 404.
        if any(p.get("in") == "path" for p in parametros) or any(p.get("name") == "cursor" for p in parametros):
            codigos.append("404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            # La idempotencia (att/idempotencia.py): la misma `Idempotency-Key` aún en proceso o con otro cuerpo.
            codigos += ["409", "422"]
        codigos.append("429")
        respuestas = operacion["responses"]
        for codigo in codigos:
            if codigo in respuestas:
                continue
            nombre = "ErrorValidacion" if codigo == "400" else "Error"
            componente = ResolvedComponent(name=nombre, type=ResolvedComponent.SCHEMA, object=nombre,
                                           schema=COMPONENTES_ERROR[nombre])
            registry.register_on_missing(componente)
            respuestas[codigo] = {"description": str(DESCRIPCIONES[codigo]),
                                  "content": {JSON: {"schema": componente.ref}}}
        operacion["responses"] = dict(sorted(respuestas.items()))
        return operacion


class FiltrosATT(DjangoFilterExtension):
    """Los filtros de varios valores se publican con la clave repetida (`explode: true`)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parametros = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, (ValoresMultiplesFilter, OpcionesMultiplesFilter)):
            for parametro in parametros:
                parametro["style"] = "form"
                parametro["explode"] = True
                descripcion = str(parametro.get("description") or "")
                if AYUDA_VARIOS not in descripcion:
                    parametro["description"] = f"{descripcion}\n\n{AYUDA_VARIOS}" if descripcion else AYUDA_VARIOS
        return parametros
