from django.core.management.base import BaseCommand

from att import referencia, registros


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
        # cada app la anota en `att.registros` desde su `ready()`; `att` no las importa.
        for aporte in registros.referencias():
            self.stdout.write(f"{aporte.area}: {aporte.funcion()}")
