import importlib

from django.core.management.base import BaseCommand

from att import referencia


class Command(BaseCommand):
    help = ("Carga el territorio DIVIPOLA (33 departamentos, 1.121 municipios), una alcaldía por municipio, "
            "una gobernación por departamento y las entidades nacionales de referencia y la referencia de las apps (acciones del PAS). Idempotente.")

    def handle(self, *args, **opciones):
        cifras = referencia.cargar_territorio()
        nacionales = referencia.cargar_entidades_nacionales()
        referencia.cargar_periodos_gobierno()
        self.stdout.write(self.style.SUCCESS(
            "Territorio: {departamentos} departamentos, {municipios} municipios, {gobernaciones} gobernaciones, "
            "{alcaldias} alcaldías. ".format(**cifras) + f"Entidades nacionales de referencia: {nacionales}."
        ))
        # Referencia propia de las apps de arriba (p. ej. las acciones del PAS, que necesitan las entidades):
        # se descubre por nombre, como `generar_demo`, para no importar apps de arriba desde `att`.
        for app in ("pas",):
            try:
                modulo = importlib.import_module(f"{app}.referencia")
            except ModuleNotFoundError:
                continue
            self.stdout.write(f"{app}: {modulo.cargar()}")
