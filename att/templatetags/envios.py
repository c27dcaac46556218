"""`{% token_envio %}`: el campo oculto que hace idempotente un formulario (ver `att.idempotencia`).

Cada formulario dibujado lleva un token nuevo; si el mismo formulario se envía dos veces (doble clic,
recarga, «atrás» y reenviar), el segundo envío recibe la respuesta del primero. Está en los
`builtins` de las plantillas: no hace falta `{% load %}`.
"""

import uuid

from django import template
from django.utils.html import format_html

from att.idempotencia import CAMPO_FORMULARIO

register = template.Library()


@register.simple_tag
def token_envio() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', CAMPO_FORMULARIO, uuid.uuid4().hex)
