"""Fábricas de ofertas para las pruebas (sobre las del núcleo en tests/factories.py)."""

import datetime

from att.models import Canal, Capacidad, DescriptorTematico, EtapaCiclo, Modalidad, Tema
from oferta.models import EstadoOferta, Oferta
from oferta.services import actualizar_busqueda
from tests import factories


def _cat(modelo, codigo):
    return modelo.objects.get(codigo=codigo)


def datos_oferta(**extra) -> dict:
    """Datos completos y válidos para `oferta_crear` (los M2M como listas de objetos)."""
    datos = {
        "nombre": "Acompañamiento en la formulación del plan de desarrollo",
        "necesidad": "Las alcaldías formulan el plan sin metodología.",
        "descripcion": "Talleres y asesoría para la formulación del plan de desarrollo territorial.",
        "descriptores": [_cat(DescriptorTematico, "gestion-publica")],
        "temas": [_cat(Tema, "planeacion")],
        "capacidades": [_cat(Capacidad, "planeacion")],
        "etapas": [_cat(EtapaCiclo, "planeacion")],
        "modalidades": [_cat(Modalidad, "asesoria")],
        "canal": _cat(Canal, "virtual"),
        "contacto_nombre": "Ana Pérez",
        "contacto_email": "ana@entidad.gov.co",
        "vigencia_desde": datetime.date(2026, 1, 1),
    }
    datos.update(extra)
    return datos


def oferta(entidad=None, estado=EstadoOferta.PUBLICADA, temas=("planeacion",), modalidades=("asesoria",),
           departamentos=(), cooferentes=(), canal="virtual", buscar=True, **campos) -> Oferta:
    """Crea una oferta directamente (sin servicio) en el estado pedido."""
    entidad = entidad or factories.EntidadNacionalFactory()
    valores = {
        "nombre": "Oferta de prueba", "necesidad": "Necesidad de prueba", "descripcion": "Descripción de prueba",
        "contacto_nombre": "Contacto", "contacto_email": "contacto@prueba.gov.co",
        "vigencia_desde": datetime.date(2026, 1, 1), "canal": _cat(Canal, canal), "estado": estado,
    }
    if estado == EstadoOferta.PUBLICADA:
        valores["publicada_en"] = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    valores.update(campos)
    o = Oferta.objects.create(entidad=entidad, **valores)
    o.descriptores.set([_cat(DescriptorTematico, "gestion-publica")])
    o.temas.set([_cat(Tema, t) for t in temas])
    o.capacidades.set([_cat(Capacidad, "planeacion")])
    o.etapas.set([_cat(EtapaCiclo, "planeacion")])
    o.modalidades.set([_cat(Modalidad, m) for m in modalidades])
    if departamentos:
        o.focaliza_departamentos.set(departamentos)
    if cooferentes:
        o.cooferentes.set(cooferentes)
    if buscar:
        actualizar_busqueda([o.pk])
    return o
