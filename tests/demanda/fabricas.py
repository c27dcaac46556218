"""Datos de prueba propios de la demanda: ofertas creadas directamente con el ORM."""

import datetime
import itertools

from django.utils import timezone

from att.models import Canal, Capacidad, EtapaCiclo, Modalidad, Tema
from demanda.models import Demanda, EstadoDemanda, EventoDemanda, FuenteNecesidad
from oferta.models import EstadoOferta, Oferta
from oferta.services import actualizar_busqueda

_n = itertools.count(1)


def oferta(entidad, *, temas=("planeacion",), capacidades=(), etapas=(), modalidades=(), canal="virtual",
           estado=EstadoOferta.PUBLICADA, departamentos=(), entidades=(), **extra) -> Oferta:
    n = next(_n)
    datos = {
        "entidad": entidad, "nombre": f"Oferta de prueba {n}", "necesidad": "Necesidad", "descripcion": "Descripción",
        "canal": Canal.objects.get(codigo=canal), "contacto_nombre": "Contacto", "contacto_email": "contacto@prueba.gov.co",
        "vigencia_desde": datetime.date(2026, 1, 1), "estado": estado,
        "publicada_en": timezone.now() if estado == EstadoOferta.PUBLICADA else None,
    }
    datos.update(extra)
    o = Oferta.objects.create(**datos)
    o.temas.set(Tema.objects.filter(codigo__in=temas))
    o.descriptores.set({t.descriptor for t in o.temas.all() if t.descriptor_id})
    o.capacidades.set(Capacidad.objects.filter(codigo__in=capacidades))
    o.etapas.set(EtapaCiclo.objects.filter(codigo__in=etapas))
    o.modalidades.set(Modalidad.objects.filter(codigo__in=modalidades))
    if departamentos:
        o.focaliza_departamentos.set(departamentos)
    if entidades:
        o.focaliza_entidades.set(entidades)
    actualizar_busqueda([o.pk])  # como los servicios: vector de búsqueda y copia de las facetas
    o.refresh_from_db()
    return o


def demanda(entidad, por, *, temas=("planeacion",), estado=EstadoDemanda.REGISTRADA, capacidad=None, etapa=None,
            modalidad=None, canal=None, **extra) -> Demanda:
    n = next(_n)
    d = Demanda.objects.create(
        entidad=entidad, registrada_por=por, titulo=extra.pop("titulo", f"Demanda {n}"),
        # Sin palabras de las ofertas de prueba («Necesidad», «Descripción»): el cruce por texto no las trae.
        descripcion=extra.pop("descripcion", "Texto libre de la entidad."), fuente=FuenteNecesidad.DIAGNOSTICO, estado=estado,
        capacidad=Capacidad.objects.get(codigo=capacidad) if capacidad else None,
        etapa=EtapaCiclo.objects.get(codigo=etapa) if etapa else None,
        modalidad=Modalidad.objects.get(codigo=modalidad) if modalidad else None,
        canal=Canal.objects.get(codigo=canal) if canal else None, **extra,
    )
    d.temas.set(Tema.objects.filter(codigo__in=temas))
    d.descriptores.set({t.descriptor for t in d.temas.all() if t.descriptor_id})
    EventoDemanda.objects.create(demanda=d, a_estado=estado, por=por, motivo="Prueba")
    return d


def datos_formulario(entidad, **extra) -> dict:
    """Lo que una persona escribe en el formulario de demanda (válido), con `extra` encima."""
    from att.models import Tema

    datos = {
        "entidad": entidad.pk, "titulo": "Apoyo para formular el plan indicativo",
        "descripcion": "La secretaría de planeación necesita acompañamiento.",
        "temas": [Tema.objects.get(codigo="planeacion").pk], "fuente": "metas_pdt", "fecha_deseada": "2099-03-15",
    }
    datos.update(extra)
    return datos


def cuerpo_api(entidad, **extra) -> dict:
    """El cuerpo JSON de una demanda válida para POST /api/v1/demandas/, con `extra` encima."""
    datos = {"entidad": entidad.pk, "titulo": "Apoyo con el marco fiscal", "descripcion": "Detalle",
             "temas": ["hacienda-finanzas"], "fuente": "indicadores", "etapa": "planeacion", "canal": "virtual"}
    datos.update(extra)
    return datos
