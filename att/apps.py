from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AttConfig(AppConfig):
    name = "att"
    verbose_name = _("Núcleo ATT: territorio, entidades, personas y catálogos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import traduccion

        traduccion.instalar()
        from att import (
            autenticacion,  # noqa: F401  (marca la hora de ingreso en la sesión)
            bitacora,  # noqa: F401  (conecta las señales del registro de seguridad)
            perfil,  # noqa: F401  (chequeo de sistema de las secciones del perfil)
        )
        _registrar_fuente_de_cambios()
        from att import cifras
        from att.models import Departamento, Entidad, Municipio

        # Cifras de la portada (att/cifras.py): el territorio y las entidades (conteos, el mapa).
        cifras.registrar_area("territorio", Departamento, Municipio, Entidad)
        from att import demo, importacion, importadores, registros

        registros.registrar_demo("att", demo.generar, orden=0)
        from att import escritorio_nucleo

        escritorio_nucleo.registrar()
        from att.api import autenticacion as autenticacion_api
        from att.api import lotes

        # Las filas de tokens que guarda cada proceso dejan de servir al cambiar cualquiera de estas tablas.
        lotes.vigilar(autenticacion_api.VIGILADOS)
        importacion.registrar_importador("atributos", importadores.ImportadorAtributos)


def _registrar_fuente_de_cambios():
    """Fuente de cambios de la API (att/cambios.py): el territorio es público; las entidades activas y
    los catálogos activos también (la API lista solo esos); lo inactivo, solo para quien lee todo."""
    from att import cambios
    from att.models import (
        Canal,
        Capacidad,
        Departamento,
        DescriptorTematico,
        Entidad,
        EtapaCiclo,
        Modalidad,
        Municipio,
        Tema,
    )

    for modelo in (Departamento, Municipio):
        cambios.registrar(modelo, publico=True)
    cambios.registrar(Entidad, publico=lambda e: e.activa)
    for modelo in (DescriptorTematico, Tema, Capacidad, EtapaCiclo, Modalidad, Canal):
        cambios.registrar(modelo, publico=lambda c: c.activo)


class AdminATTConfig(admin_apps.AdminConfig):
    """El admin de Django con nuestro sitio: exige la verificación en dos pasos (att/admin_sitio.py).
    Se nombra en INSTALLED_APPS; `default = False` deja a AttConfig como la de la app `att`."""

    default = False
    default_site = "att.admin_sitio.SitioAdminATT"
