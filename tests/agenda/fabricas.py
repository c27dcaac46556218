"""Fábricas propias de la agenda: ofertas creadas directamente con el ORM (la app oferta escribe sus
servicios en paralelo), agenda, planes y líneas."""

import datetime
import itertools

from agenda.models import (
    AgendaNacional,
    EstadoAgenda,
    EstadoPlan,
    LineaPlan,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
)
from att.models import Canal, EtapaCiclo, Rol
from oferta.models import Oferta
from tests import factories

_n = itertools.count(1)


def oferta(entidad, *, estado="publicada", nombre=None) -> Oferta:
    return Oferta.objects.create(
        entidad=entidad, nombre=nombre or f"Oferta de prueba {next(_n)}", necesidad="Necesidad",
        descripcion="Descripción", canal=Canal.objects.get(codigo="virtual"), contacto_nombre="Contacto",
        contacto_email="contacto@prueba.gov.co", vigencia_desde=datetime.date(2023, 1, 1), estado=estado,
    )


def agenda(estado=EstadoAgenda.VIGENTE) -> AgendaNacional:
    a = AgendaNacional.objects.create(nombre=f"Agenda Nacional de ATT 2023–2026 ({next(_n)})", anio_inicio=2023,
                                      anio_fin=2026, estado=estado)
    ObjetivoAgenda.objects.create(agenda=a, tipo_descriptor="funcional", enunciado="Fortalecer la planeación",
                                  indicador="ET asistidas", meta=100)
    return a


def plan(entidad, *, agenda_=None, vigencia=2025, estado=EstadoPlan.BORRADOR) -> PlanDeTrabajo:
    return PlanDeTrabajo.objects.create(agenda=agenda_ or agenda(), entidad=entidad, vigencia=vigencia, estado=estado)


def etapa(codigo="planeacion") -> EtapaCiclo:
    return EtapaCiclo.objects.get(codigo=codigo)


def linea(plan_, *, territorios, oferta_=None, responsable=None, **extra) -> LineaPlan:
    datos = {
        "plan": plan_, "oferta": oferta_ or oferta(plan_.entidad), "objetivo": "Acompañar la formulación",
        "etapa": extra.pop("etapa", None) or etapa(), "fecha_inicio": datetime.date(plan_.vigencia, 3, 1),
        "fecha_fin": datetime.date(plan_.vigencia, 6, 30),
        "responsable": responsable or factories.UsuarioFactory(), "inversion": 1000000,
    }
    datos.update(extra)
    ln = LineaPlan.objects.create(**datos)
    ln.territorios.set(territorios)
    return ln


def oferente_de(entidad):
    return factories.persona(entidad, Rol.OFERENTE)


def concertado(et, oferentes, *, vigencia=2025) -> PlanConcertado:
    pc = PlanConcertado.objects.create(entidad_territorial=et, vigencia=vigencia, nombre=f"Plan con {et}")
    pc.oferentes.set(oferentes)
    return pc
