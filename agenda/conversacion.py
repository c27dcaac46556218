"""La conversación de un plan concertado (`att.conversaciones`): la entidad territorial, sus oferentes y
el DNP. La ven quienes ven el plan."""

from django.urls import reverse
from django.utils.translation import gettext as _

from agenda import rules, selectors
from agenda.models import EstadoConcertado, PlanConcertado
from att import conversaciones, permisos
from att.models import CategoriaAlerta, Rol


def obtener(usuario, pk):
    plan = selectors.concertados_visibles(usuario).filter(pk=pk).first()
    return plan if plan is not None and rules.ver_concertado(usuario, plan) else None


def puede_escribir(usuario, plan) -> bool:
    return (plan.estado != EstadoConcertado.CERRADO and not permisos.solo_lectura(usuario)
            and rules.ver_concertado(usuario, plan))


def entidades(plan) -> set[int]:
    return {plan.entidad_territorial_id, *rules._oferentes_ids(plan)}


def participantes(plan):
    return [
        *([plan.creado_por] if plan.creado_por_id else []),
        *conversaciones.miembros([plan.entidad_territorial_id], rules.ROLES_ET),
        *conversaciones.miembros(rules._oferentes_ids(plan), {Rol.OFERENTE}),
        *conversaciones.admins_dnp(),
    ]


def registrar() -> None:
    conversaciones.registrar(
        PlanConcertado, nombre="concertado", obtener=obtener, puede_ver=rules.ver_concertado,
        puede_escribir=puede_escribir, participantes=participantes, entidades=entidades, categoria=CategoriaAlerta.CONVERSACION,
        url=lambda p: reverse("agenda:concertado", args=[p.pk]),
        titulo=lambda p: _("el plan concertado «%(t)s»") % {"t": p.nombre[:80]},
    )
