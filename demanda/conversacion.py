"""La conversación de una demanda (`att.conversaciones`): la entidad territorial, los oferentes que la
atienden o a quienes se remitió, y el DNP. La ven quienes ven la demanda."""

from django.urls import reverse
from django.utils.translation import gettext as _

from att import conversaciones, permisos
from att.models import CategoriaAlerta, Rol
from demanda import rules, selectors
from demanda.models import Demanda, EstadoDemanda

CERRADAS = (EstadoDemanda.CERRADA, EstadoDemanda.NO_PERTINENTE)


def obtener(usuario, pk):
    return selectors.demandas_visibles(usuario).select_related("entidad", "oferta").filter(pk=pk).first()


def puede_escribir(usuario, demanda) -> bool:
    return (demanda.estado not in CERRADAS and not permisos.solo_lectura(usuario)
            and rules.puede_ver(usuario, demanda))


def entidades(demanda) -> set[int]:
    return {e for e in (demanda.entidad_id, demanda.oferta.entidad_id if demanda.oferta_id else None,
                        demanda.entidad_competente_id) if e}


def participantes(demanda):
    oferentes = [demanda.oferta.entidad_id if demanda.oferta_id else None, demanda.entidad_competente_id]
    return [
        demanda.registrada_por,
        *conversaciones.miembros([demanda.entidad_id], rules.ROLES_ET),
        *conversaciones.miembros(oferentes, {Rol.OFERENTE}),
        *conversaciones.admins_dnp(),
    ]


def registrar() -> None:
    conversaciones.registrar(
        Demanda, nombre="demanda", obtener=obtener, puede_ver=rules.puede_ver, puede_escribir=puede_escribir,
        participantes=participantes, entidades=entidades, categoria=CategoriaAlerta.CONVERSACION,
        url=lambda d: reverse("demanda:detalle", args=[d.pk]),
        titulo=lambda d: _("la demanda «%(t)s»") % {"t": d.titulo[:80]},
    )
