"""Siembra los valores iniciales de los catálogos (CONPES 4091 §5.3.1 y §5.3.4; encuesta 2021, `000`
§1.1; metodología `004`, actividad 6; modelo de llegada a territorio `001` §2.2.3).

Los datos y la función viven aquí, congelados (antes estaban en `att/datos/catalogos.py` y esta
migración los importaba; una migración no importa código de la aplicación). Los administradores los
editan después en el sitio de administración; esta migración solo crea lo que falta (por código),
nunca sobrescribe lo editado. Las pruebas siembran con esta misma función (tests/conftest.py).
"""

from django.db import migrations


DESCRIPTORES = [
    # (codigo, nombre, tipo, descripcion)
    ("gestion-publica", "Gestión pública territorial", "funcional",
     "Planeación, presupuesto, finanzas, proyectos, contratación y demás procesos de gestión."),
    ("competencias-sectoriales", "Competencias sectoriales", "sectorial",
     "Sectores en los que las entidades territoriales tienen competencias."),
    ("enfoque-poblacional", "Enfoque poblacional y diferencial", "poblacional",
     "Diversidad cultural y socioeconómica: víctimas, grupos étnicos, mujeres, jóvenes, migrantes."),
]

# (codigo, nombre, descriptor) — los 26 sectores de la encuesta nacional 2021 y los temas de gestión.
TEMAS = [
    ("fortalecimiento-institucional", "Fortalecimiento institucional", "gestion-publica"),
    ("planeacion", "Planeación", "gestion-publica"),
    ("hacienda-finanzas", "Hacienda y finanzas territoriales", "gestion-publica"),
    ("ordenamiento-territorial", "Ordenamiento territorial", "gestion-publica"),
    ("proyectos", "Formulación y gestión de proyectos", "gestion-publica"),
    ("contratacion", "Contratación pública", "gestion-publica"),
    ("cooperacion", "Cooperación", "gestion-publica"),
    ("gobierno-territorial", "Gobierno territorial", "gestion-publica"),
    ("informacion-estadistica", "Información estadística", "gestion-publica"),
    ("organismos-control", "Organismos de control", "gestion-publica"),
    ("participacion-ciudadana", "Participación ciudadana", "gestion-publica"),
    ("educacion", "Educación", "competencias-sectoriales"),
    ("salud", "Salud", "competencias-sectoriales"),
    ("agua-saneamiento", "Agua potable y saneamiento básico", "competencias-sectoriales"),
    ("deporte-recreacion", "Deporte y recreación", "competencias-sectoriales"),
    ("cultura", "Cultura", "competencias-sectoriales"),
    ("servicios-publicos", "Servicios públicos diferentes a acueducto", "competencias-sectoriales"),
    ("vivienda", "Vivienda, ciudad y territorio", "competencias-sectoriales"),
    ("agricultura", "Agricultura y desarrollo rural", "competencias-sectoriales"),
    ("transporte", "Transporte", "competencias-sectoriales"),
    ("ambiente", "Ambiente y desarrollo sostenible", "competencias-sectoriales"),
    ("centros-reclusion", "Centros de reclusión", "competencias-sectoriales"),
    ("gestion-riesgo", "Prevención y atención de desastres", "competencias-sectoriales"),
    ("promocion-desarrollo", "Promoción del desarrollo", "competencias-sectoriales"),
    ("equipamientos", "Equipamientos", "competencias-sectoriales"),
    ("desarrollo-comunitario", "Desarrollo comunitario", "competencias-sectoriales"),
    ("justicia-seguridad", "Justicia y seguridad", "competencias-sectoriales"),
    ("tic", "Tecnologías de la información", "competencias-sectoriales"),
    ("comercio-turismo", "Comercio, industria y turismo", "competencias-sectoriales"),
    ("trabajo", "Trabajo", "competencias-sectoriales"),
    ("ciencia-tecnologia", "Ciencia, tecnología e innovación", "competencias-sectoriales"),
    ("minas-energia", "Minas y energía", "competencias-sectoriales"),
    ("grupos-vulnerables", "Atención a grupos vulnerables", "enfoque-poblacional"),
    ("victimas", "Víctimas del conflicto", "enfoque-poblacional"),
    ("grupos-etnicos", "Grupos étnicos", "enfoque-poblacional"),
    ("mujeres-genero", "Mujeres y equidad de género", "enfoque-poblacional"),
    ("juventud", "Juventud", "enfoque-poblacional"),
    ("migrantes", "Población migrante", "enfoque-poblacional"),
    ("otros", "Otros", None),
]

# Subtemas de planeación (codigo, nombre, padre).
SUBTEMAS = [
    ("plan-indicativo", "Plan indicativo", "planeacion"),
    ("armonizacion-presupuestal", "Armonización presupuestal", "planeacion"),
    ("seguimiento-pdt", "Sistema de seguimiento al plan de desarrollo territorial", "planeacion"),
    ("marco-fiscal", "Marco fiscal de mediano plazo", "hacienda-finanzas"),
    ("poai", "Plan operativo anual de inversiones (POAI)", "planeacion"),
    ("plan-accion", "Plan de acción", "planeacion"),
    ("rendicion-cuentas", "Rendición de cuentas", "planeacion"),
    ("sgr", "Sistema General de Regalías", "proyectos"),
]

NIVELES_CAPACIDAD = [
    ("humana", "Humana", "Conocimientos y habilidades de las personas."),
    ("institucional", "Institucional", "Procesos, procedimientos y estructura de la entidad."),
    ("gerencial", "Gerencial", "Liderazgo y dirección de la entidad."),
]

TIPOS_CAPACIDAD = [
    ("institucional", "Institucional", "Gestión pública transversal a todos los sectores."),
    ("sectorial", "Sectorial", "Competencias propias de un sector."),
    ("poblacional", "Poblacional", "Atención diferencial a grupos de población."),
]

CAPACIDADES = [
    ("planeacion", "Planeación"),
    ("gestion", "Gestión"),
    ("ejecucion", "Ejecución"),
    ("organizacional", "Organizacional"),
    ("tecnica", "Técnica"),
]

ETAPAS_CICLO = [
    ("planeacion", "Planeación"),
    ("programacion", "Programación"),
    ("ejecucion", "Ejecución"),
    ("seguimiento-evaluacion", "Seguimiento y evaluación"),
    ("rendicion-cuentas", "Rendición de cuentas"),
]

MODALIDADES = [
    ("capacitacion", "Capacitación"),
    ("asesoria", "Asesoría"),
    ("asistencia-sitio", "Asistencia técnica en sitio"),
    ("asistencia-remota", "Asistencia técnica remota"),
    ("intercambio", "Intercambio de experiencias"),
]

CANALES = [
    ("presencial", "Presencial"),
    ("virtual", "Virtual"),
    ("mixto", "Mixto"),
]


def sembrar_catalogos(apps) -> None:
    """Crea los valores que falten; se usa desde la migración de datos y es idempotente."""

    def modelo(nombre):
        return apps.get_model("att", nombre)

    Descriptor = modelo("DescriptorTematico")
    descriptores = {}
    for orden, (codigo, nombre, tipo, descripcion) in enumerate(DESCRIPTORES):
        descriptores[codigo], _ = Descriptor.objects.get_or_create(
            codigo=codigo, defaults={"nombre": nombre, "tipo": tipo, "descripcion": descripcion, "orden": orden}
        )
    Tema = modelo("Tema")
    temas = {}
    for orden, (codigo, nombre, descriptor) in enumerate(TEMAS):
        temas[codigo], _ = Tema.objects.get_or_create(
            codigo=codigo,
            defaults={"nombre": nombre, "orden": orden, "descriptor": descriptores.get(descriptor)},
        )
    for orden, (codigo, nombre, padre) in enumerate(SUBTEMAS, start=100):
        Tema.objects.get_or_create(
            codigo=codigo,
            defaults={"nombre": nombre, "orden": orden, "padre": temas[padre],
                      "descriptor": temas[padre].descriptor},
        )
    for nombre_modelo, filas in [
        ("NivelCapacidad", NIVELES_CAPACIDAD),
        ("TipoCapacidad", TIPOS_CAPACIDAD),
    ]:
        for orden, (codigo, nombre, descripcion) in enumerate(filas):
            modelo(nombre_modelo).objects.get_or_create(
                codigo=codigo, defaults={"nombre": nombre, "descripcion": descripcion, "orden": orden}
            )
    for nombre_modelo, filas in [
        ("Capacidad", CAPACIDADES),
        ("EtapaCiclo", ETAPAS_CICLO),
        ("Modalidad", MODALIDADES),
        ("Canal", CANALES),
    ]:
        for orden, (codigo, nombre) in enumerate(filas):
            modelo(nombre_modelo).objects.get_or_create(
                codigo=codigo, defaults={"nombre": nombre, "orden": orden}
            )


def sembrar(apps, schema_editor):
    sembrar_catalogos(apps)


class Migration(migrations.Migration):
    dependencies = [("att", "0002_extensiones_busqueda")]

    operations = [migrations.RunPython(sembrar, migrations.RunPython.noop)]
