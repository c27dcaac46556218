"""Formatos propios (settings.FORMAT_MODULE_PATH): lo que no está aquí sale de los formatos de Django."""
