"""Carga como datos la referencia del PAS del CONPES 4091 (documento 003):

- §5.2 y §5.3: los cuatro objetivos específicos (OE1–OE4) con la estrategia que los desarrolla.
- §5.4, Tabla 1: los nueve cortes semestrales, de diciembre de 2022 al informe de cierre con corte al
  31 de diciembre de 2026. La tabla da el mes; la fecha de corte es el último día del mes. El plazo
  de reporte no está en el documento: se pone el último día del mes siguiente y el DNP lo ajusta en
  la página del corte.
- §5.5, Tabla 2 (por entidad) y Tabla 3 (por objetivo y año), en millones de pesos: 6.015 en total.
  Las entidades de la Tabla 2 se enlazan con `att.Entidad` al cargar la referencia
  (`manage.py cargar_referencia`), que también crea las once acciones de §5.3.

Idempotente (update_or_create por llave natural); al revertir no borra nada (los reportes dependen de los cortes).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

OBJETIVOS = [
    ("OE1", "5.3.1",
     "Coordinar la planeación y caracterización de la oferta y la demanda de la prestación de la ATT con los "
     "actores que intervienen en el proceso para mejorar las sinergias de trabajo asociadas.",
     "Estrategia para coordinar la planeación y caracterización de la oferta y la demanda de la prestación de la ATT"),
    ("OE2", "5.3.2",
     "Articular las orientaciones técnicas, metodológicas y operativas que guían la prestación de la ATT "
     "diferencial, compartida, adaptable y eficiente para mejorar el proceso en términos de eficiencia.",
     "Estrategia para articular las orientaciones técnicas, metodológicas y operativas que guían la prestación de ATT"),
    ("OE3", "5.3.3",
     "Establecer mecanismos e instrumentos interoperables de captura, seguimiento y evaluación de la ATT para "
     "medir y mejorar la calidad en el proceso y sus resultados.",
     "Estrategia para establecer mecanismos e instrumentos interoperables de captura, seguimiento y evaluación"),
    ("OE4", "5.3.4",
     "Gestionar, difundir y retroalimentar el conocimiento alrededor de los procesos de ATT para instalar "
     "capacidades en los grupos de valor y mejorar la información disponible relacionada.",
     "Estrategia para gestionar, difundir y retroalimentar el conocimiento alrededor de los procesos de ATT"),
]

# Tabla 1. Cronograma de seguimiento: (número, nombre, fecha de corte, plazo de reporte, ¿cierre?).
CORTES = [
    (1, "Primer corte", date(2022, 12, 31), date(2023, 1, 31), False),
    (2, "Segundo corte", date(2023, 6, 30), date(2023, 7, 31), False),
    (3, "Tercer corte", date(2023, 12, 31), date(2024, 1, 31), False),
    (4, "Cuarto corte", date(2024, 6, 30), date(2024, 7, 31), False),
    (5, "Quinto corte", date(2024, 12, 31), date(2025, 1, 31), False),
    (6, "Sexto corte", date(2025, 6, 30), date(2025, 7, 31), False),
    (7, "Séptimo corte", date(2025, 12, 31), date(2026, 1, 31), False),
    (8, "Octavo corte", date(2026, 6, 30), date(2026, 7, 31), False),
    (9, "Informe de cierre", date(2026, 12, 31), date(2027, 1, 31), True),
]

# Tabla 2. Financiamiento estimativo indicativo de la política por entidad (millones de pesos).
TABLA_2 = [
    ("Departamento Nacional de Planeación", "869"),
    ("Departamento Administrativo de la Función Pública", "4637"),
    ("Escuela Superior de Administración Pública", "251"),
    ("Ministerio de Hacienda y Crédito Público", "166"),
    ("Agencia Presidencial de Cooperación Internacional de Colombia", "92"),
]

# Tabla 3. Financiamiento estimado 2022–2026 por objetivo específico (millones de pesos).
TABLA_3 = {
    "OE1": [537, 584, 460, 342, 343],
    "OE2": [89, 199, 113, 133, 134],
    "OE3": [145, 210, 298, 321, 431],
    "OE4": [318, 318, 318, 318, 404],
}
ANIOS = [2022, 2023, 2024, 2025, 2026]


def cargar(apps, schema_editor):
    Objetivo = apps.get_model("pas", "ObjetivoEspecifico")
    Corte = apps.get_model("pas", "CorteSemestral")
    PorEntidad = apps.get_model("pas", "FinanciamientoEntidad")
    PorObjetivo = apps.get_model("pas", "FinanciamientoObjetivo")
    for codigo, numeral, nombre, estrategia in OBJETIVOS:
        Objetivo.objects.update_or_create(codigo=codigo, defaults={
            "numeral": numeral, "nombre": nombre, "estrategia": estrategia})
    for numero, nombre, fecha, plazo, cierre in CORTES:
        Corte.objects.update_or_create(numero=numero, defaults={
            "nombre": nombre, "fecha_corte": fecha, "plazo_reporte": plazo, "es_cierre": cierre})
    for nombre, monto in TABLA_2:
        PorEntidad.objects.update_or_create(nombre_entidad=nombre, defaults={"monto": Decimal(monto)})
    for codigo, montos in TABLA_3.items():
        objetivo = Objetivo.objects.get(codigo=codigo)
        for anio, monto in zip(ANIOS, montos, strict=True):
            PorObjetivo.objects.update_or_create(objetivo=objetivo, anio=anio, defaults={"monto": Decimal(monto)})


class Migration(migrations.Migration):
    dependencies = [("pas", "0001_inicial")]

    operations = [migrations.RunPython(cargar, migrations.RunPython.noop)]
