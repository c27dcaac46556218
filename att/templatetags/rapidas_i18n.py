"""`{% load i18n %}` de la plataforma: la de Django con `translate`/`trans` que recuerdan (ver `rapidas`)."""

from att.templatetags.rapidas import i18n as register  # noqa: F401
