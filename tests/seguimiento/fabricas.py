"""Fábricas pequeñas de la agenda y la oferta para probar el seguimiento (con el ORM directo)."""

from datetime import date
from decimal import Decimal

from agenda.models import AgendaNacional, EstadoPlan, LineaPlan, PlanDeTrabajo
from att.models import Canal, EtapaCiclo, Tema
from indicadores.models import Indicador
from oferta.models import Oferta
from seguimiento.models import Hito
from tests import factories


def oferta(entidad, **extra) -> Oferta:
    datos = {
        "entidad": entidad, "nombre": "Oferta de prueba", "necesidad": "Necesidad", "descripcion": "Descripción",
        "canal": Canal.objects.order_by("pk").first(), "contacto_nombre": "Contacto", "contacto_email": "c@prueba.gov.co",
        "vigencia_desde": date(2026, 1, 1),
    }
    datos.update(extra)
    return Oferta.objects.create(**datos)


def agenda() -> AgendaNacional:
    a, _ = AgendaNacional.objects.get_or_create(
        nombre="Agenda ATT 2026–2029", defaults={"anio_inicio": 2026, "anio_fin": 2029}
    )
    return a


def plan(entidad, vigencia=2026) -> PlanDeTrabajo:
    p, _ = PlanDeTrabajo.objects.get_or_create(agenda=agenda(), entidad=entidad, vigencia=vigencia)
    return p


def linea(entidad, *, responsable=None, peso=1, inicio=date(2026, 1, 1), fin=date(2026, 12, 31),
          territorios=(), temas=(), aprobado=False) -> LineaPlan:
    """Línea de un plan en borrador; con `aprobado=True`, el plan queda aprobado (la línea llega a sus
    territorios y la entidad territorial puede calificar al oferente)."""
    responsable = responsable or factories.UsuarioFactory()
    l = LineaPlan.objects.create(
        plan=plan(entidad), oferta=oferta(entidad), objetivo="Fortalecer capacidades",
        etapa=EtapaCiclo.objects.order_by("pk").first(), fecha_inicio=inicio, fecha_fin=fin,
        responsable=responsable, peso=Decimal(str(peso)),
    )
    if territorios:
        l.territorios.set(territorios)
    l.temas.set(temas or [Tema.objects.order_by("pk").first()])
    if aprobado:
        PlanDeTrabajo.objects.filter(pk=l.plan_id).update(estado=EstadoPlan.APROBADO)
        l.plan.estado = EstadoPlan.APROBADO
    return l


def hito(linea, *, peso=1, fecha=date(2026, 6, 30), nombre="Hito", padre=None, avance=0) -> Hito:
    return Hito.objects.create(linea=linea, padre=padre, nombre=nombre, peso=Decimal(str(peso)),
                               fecha_planeada=fecha, avance=Decimal(str(avance)))


def indicador(entidad, *, tipo_acumulacion="acumulado", linea_base=0, meta=100, **extra) -> Indicador:
    datos = {
        "nombre": "Entidades asesoradas", "descripcion": "Número de entidades asesoradas", "formula": "Σ entidades",
        "variables": "entidades", "tipo": "producto", "unidad": "entidades", "frecuencia": "mensual",
        "linea_base": Decimal(str(linea_base)), "meta_cuatrienio": Decimal(str(meta)),
        "tipo_acumulacion": tipo_acumulacion, "unidad_responsable": "Subdirección", "entidad": entidad,
    }
    datos.update(extra)
    return Indicador.objects.create(**datos)
