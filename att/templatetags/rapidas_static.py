"""`{% load static %}` de la plataforma: la de Django con `static` que recuerda las rutas literales (ver `rapidas`)."""

from att.templatetags.rapidas import static as register  # noqa: F401
