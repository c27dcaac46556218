from att.formatos.es.formats import DATE_INPUT_FORMATS  # noqa: F401
