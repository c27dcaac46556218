"""Traducciones recordadas por catálogo.

Las cadenas de la plataforma se escriben en español y el idioma del sitio es es-co, así que casi ninguna
tiene entrada en un catálogo: cada `gettext` sin traducción recorría la cadena de respaldos que Django
arma para es-co (el catálogo es_CO de cada app y, detrás, el `es` de cada una: ocho catálogos, unos
14 µs por cadena, contra 2,5 µs de una que sí está). Una página pide entre 30 y 60 (plantillas,
formularios, menús): medio milisegundo de CPU por petición.

Un catálogo ya cargado no cambia: Django arma objetos nuevos cuando cambian `LANGUAGES` o
`LOCALE_PATHS` (la señal `setting_changed` vacía su caché de traducciones). Por eso el resultado de
cada cadena se guarda en el propio objeto de traducción (`DjangoTranslation`), hasta `MAXIMO` cadenas
por idioma: las cadenas salen del código, no de lo que escribe la gente, y son unos pocos miles.
"""

from gettext import GNUTranslations

from django.utils.translation import trans_real

MAXIMO = 20_000
_ATRIBUTO = "_att_recordadas"


def _gettext_recordado(self, message):
    recordadas = self.__dict__.get(_ATRIBUTO)
    if recordadas is None:
        recordadas = self.__dict__.setdefault(_ATRIBUTO, {})
    resultado = recordadas.get(message)
    if resultado is None:
        resultado = GNUTranslations.gettext(self, message)
        if len(recordadas) < MAXIMO:
            recordadas[message] = resultado
    return resultado


def instalar() -> None:
    """Pone la búsqueda recordada en `DjangoTranslation` (la hereda de `GNUTranslations`; los catálogos
    de respaldo siguen siendo `GNUTranslations` sin cambios). Se llama una vez desde `AttConfig.ready`."""
    if "gettext" not in trans_real.DjangoTranslation.__dict__:
        trans_real.DjangoTranslation.gettext = _gettext_recordado


# Los ajustes que cambian el texto traducido o el formato de una fecha ya pintada.
AJUSTES_DE_IDIOMA = frozenset({
    "LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS", "USE_I18N", "FORMAT_MODULE_PATH", "DATE_FORMAT",
    "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT",
})


def vaciar_al_cambiar_idioma(*memorias) -> None:
    """Conecta a `setting_changed` el vaciado de memorias (`functools.lru_cache`) cuyo resultado es un texto
    traducido o una fecha formateada: cambiar esos ajustes (las pruebas con `override_settings`) no las deja
    sirviendo el texto de antes."""
    from django.core.signals import setting_changed

    def vaciar(*, setting, **kwargs):
        if setting in AJUSTES_DE_IDIOMA:
            for memoria in memorias:
                memoria.cache_clear()

    setting_changed.connect(vaciar, weak=False)
