"""Referencia del PAS que depende de las entidades (las carga `manage.py cargar_referencia`, después
de las entidades nacionales): enlaza las entidades de la Tabla 2 y crea las once acciones de las
cuatro estrategias (003 §5.3) con su responsable, corresponsables y años de ejecución.

El detalle del Anexo A (indicadores, metas, pesos, costos por año) no está en las semillas: el
administrador DNP lo completa en las páginas del PAS (/pas/acciones/…). Idempotente: una acción que
ya existe no se toca (lo que el DNP escribió se conserva).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from att.models import Entidad
from pas.models import Accion, FinanciamientoEntidad, ObjetivoEspecifico

DNP = "Departamento Nacional de Planeación"
DAFP = "Departamento Administrativo de la Función Pública"
ESAP = "Escuela Superior de Administración Pública"
MHCP = "Ministerio de Hacienda y Crédito Público"
APC = "Agencia Presidencial de Cooperación Internacional de Colombia"

# (código, objetivo, responsable, corresponsables, año de inicio, año de fin, texto) — §5.3.1 a §5.3.4.
ACCIONES = [
    ("1.1", "OE1", DNP, [DAFP, MHCP, APC, ESAP], 2022, 2023,
     ("Identificar y caracterizar la demanda de ATT, y caracterizar y actualizar la oferta del Gobierno nacional, "
     "las gobernaciones y otros actores (inventario oferta–demanda por descriptores funcionales, sectoriales y "
     "poblacionales).")),
    ("1.2", "OE1", DNP, [ESAP, DAFP, MHCP], 2022, 2024,
     "Diseñar, elaborar e implementar el portafolio interactivo de la AT, con los módulos de oferta y de demanda."),
    ("1.3", "OE1", DAFP, [DNP, MHCP, APC, ESAP], 2022, 2023,
     ("Diseñar e implementar la estructura de gobernanza de la Política Nacional de ATT (tres niveles de decisión), "
     "en el marco del Comité Territorial del Consejo de Gestión y Desempeño.")),
    ("1.4", "OE1", DNP, [DAFP, MHCP, APC, ESAP], 2022, 2026,
     ("Definir y articular la Agenda Nacional de Asistencia Técnica Territorial (objetivos, indicadores y metas "
     "a cuatro años).")),
    ("1.5", "OE1", DNP, [DAFP, MHCP, APC, ESAP], 2023, 2026,
     "Formular, implementar y socializar cada vigencia el plan de trabajo concertado y articulado de ATT."),
    ("2.1", "OE2", DNP, [DAFP, ESAP, APC, MHCP], 2022, 2026,
     "Definir, implementar y transferir el marco conceptual y técnico del Modelo de Asistencia Técnica Territorial."),
    ("2.2", "OE2", DAFP, [DNP, MHCP], 2023, 2023,
     "Integrar el Modelo de ATT al Modelo Integrado de Planeación y Gestión (MIPG)."),
    ("3.1", "OE3", DNP, [DAFP, APC, MHCP], 2022, 2026,
     "Diseñar e implementar el Sistema de Captura de Información, Seguimiento y Evaluación Nacional a la ATT."),
    ("3.2", "OE3", DNP, [DAFP, APC, MHCP], 2023, 2026,
     ("Analizar los resultados y avances de la ATT (operación, calidad percibida y capacidades) en informes "
     "ejecutivos socializados en el Comité Territorial.")),
    ("4.1", "OE4", DNP, [ESAP, DAFP], 2022, 2026,
     "Diseñar y desarrollar un plan de formación para los actores que participan en el proceso de ATT."),
    ("4.2", "OE4", DNP, [ESAP, DAFP, MHCP], 2022, 2026,
     "Diseñar e implementar una red o comunidad de práctica con encuentros anuales de buenas prácticas."),
]


def _entidad(nombre: str) -> Entidad | None:
    return Entidad.objects.filter(nombre=nombre).order_by("pk").first()


@transaction.atomic
def cargar() -> dict[str, int]:
    enlazadas = 0
    for fila in FinanciamientoEntidad.objects.filter(entidad__isnull=True):
        entidad = _entidad(fila.nombre_entidad)
        if entidad is not None:
            fila.entidad = entidad
            fila.save(update_fields=["entidad"])
            enlazadas += 1
    objetivos = {o.codigo: o for o in ObjetivoEspecifico.objects.all()}
    creadas = 0
    for codigo, oe, responsable, apoyo, inicio, fin, texto in ACCIONES:
        entidad = _entidad(responsable)
        if entidad is None or oe not in objetivos or Accion.objects.filter(codigo=codigo).exists():
            continue
        accion = Accion.objects.create(
            codigo=codigo, texto=texto, objetivo=objetivos[oe], entidad=entidad,
            fecha_inicio=date(inicio, 7, 1) if inicio == 2022 else date(inicio, 1, 1), fecha_fin=date(fin, 12, 31))
        accion.corresponsables.set([e for e in (_entidad(n) for n in apoyo) if e is not None])
        creadas += 1
    return {"acciones": creadas, "entidades_enlazadas": enlazadas}
