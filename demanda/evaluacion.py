"""Evaluación del cruce oferta-demanda sobre el conjunto etiquetado de `bench/evaluacion_matching/`.

El conjunto (ofertas de entidades nacionales con vecinas cercanas del mismo tema; demandas escritas
como las escriben los funcionarios municipales, cada una con las ofertas que de verdad la atienden)
se carga en la base dentro de una transacción que se deshace al final: no deja nada escrito.
Se parte en «ajuste» (donde se eligen pesos y umbral) y «prueba» (donde solo se mide).

Métricas por parte: precisión@1, aciertos en los 3 primeros y MRR sobre las demandas que alguna
oferta atiende; nDCG@5 (relevancia binaria); exactitud de la decisión de brecha sobre todas.
Solo cuentan las ofertas del conjunto (si la base tiene otras, se ignoran en la lista).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

CARPETA = Path(settings.BASE_DIR) / "bench" / "evaluacion_matching"


class _Deshacer(Exception):
    pass


@dataclass
class Resultado:
    demanda: dict
    orden: list[str]  # ids del conjunto, en el orden propuesto
    brecha: bool
    puntajes: list = field(default_factory=list)

    @property
    def esperadas(self) -> set[str]:
        return set(self.demanda["respuestas"])

    @property
    def rango(self) -> int | None:
        for i, o in enumerate(self.orden, start=1):
            if o in self.esperadas:
                return i
        return None


def leer_conjunto(carpeta: Path = CARPETA) -> tuple[dict, list[dict]]:
    ofertas = json.loads((carpeta / "ofertas.json").read_text(encoding="utf-8"))
    demandas = json.loads((carpeta / "demandas.json").read_text(encoding="utf-8"))["demandas"]
    return ofertas, demandas


def _fecha(texto: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(texto).replace(hour=12, tzinfo=datetime.UTC)


def cargar(ofertas: dict, demandas: list[dict]):
    """Crea entidades faltantes, ofertas publicadas (con su vector de búsqueda) y demandas registradas.
    Devuelve ({id: Oferta}, [(dict, Demanda)])."""
    from att.models import (
        Canal,
        Capacidad,
        Departamento,
        Entidad,
        EtapaCiclo,
        Modalidad,
        Tema,
        TipoEntidad,
        Usuario,
    )
    from demanda.models import Demanda, FuenteNecesidad
    from oferta.models import EstadoOferta, Oferta
    from oferta.services import actualizar_busqueda

    pre = ofertas["predeterminados"]
    temas = {t.codigo: t for t in Tema.objects.all()}
    catalogo = {
        "capacidades": {c.codigo: c for c in Capacidad.objects.all()},
        "etapas": {c.codigo: c for c in EtapaCiclo.objects.all()},
        "modalidades": {c.codigo: c for c in Modalidad.objects.all()},
    }
    canales = {c.codigo: c for c in Canal.objects.all()}
    por_sigla = {e.sigla: e for e in Entidad.objects.filter(tipo__in=TipoEntidad.nacionales() + [TipoEntidad.OTRA])}
    creadas = {}
    for f in ofertas["ofertas"]:
        o = Oferta.objects.create(
            entidad=por_sigla[f["entidad"]], nombre=f["nombre"], necesidad=f["necesidad"], descripcion=f["descripcion"],
            canal=canales[f.get("canal", pre["canal"])], contacto_nombre="Evaluación",
            contacto_email="evaluacion@att.gov.co", vigencia_desde=datetime.date(2026, 1, 1),
            estado=EstadoOferta.PUBLICADA, publicada_en=_fecha(f.get("publicada", pre["publicada"])),
            dirigida_a_alcaldias=f.get("dirigida_a_alcaldias", True),
            dirigida_a_gobernaciones=f.get("dirigida_a_gobernaciones", True),
        )
        o.temas.set([temas[t] for t in f["temas"]])
        o.descriptores.set({temas[t].descriptor_id for t in f["temas"] if temas[t].descriptor_id})
        for campo, valores in catalogo.items():
            getattr(o, campo).set([valores[c] for c in f.get(campo, pre[campo])])
        if f.get("departamentos"):
            o.focaliza_departamentos.set(Departamento.objects.filter(codigo__in=f["departamentos"]))
        creadas[f["id"]] = o
    actualizar_busqueda([o.pk for o in creadas.values()])
    persona = Usuario.objects.create_user("evaluacion.matching@att.gov.co", nombre="Evaluación del cruce")
    unicos = {
        "capacidad": {c.codigo: c for c in Capacidad.objects.all()}, "etapa": catalogo["etapas"],
        "modalidad": catalogo["modalidades"], "canal": canales,
    }
    filas = []
    for f in demandas:
        codigo = f["entidad"]
        entidad = (Entidad.objects.get(tipo=TipoEntidad.GOBERNACION, departamento_id=codigo[1:]) if codigo.startswith("g")
                   else Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id=codigo))
        d = Demanda.objects.create(
            entidad=entidad, registrada_por=persona, titulo=f["titulo"], descripcion=f["descripcion"],
            fuente=FuenteNecesidad.DIAGNOSTICO,
            **{campo: valores[f[campo]] for campo, valores in unicos.items() if f.get(campo)},
        )
        d.temas.set([temas[t] for t in f["temas"]])
        d.descriptores.set({temas[t].descriptor_id for t in f["temas"] if temas[t].descriptor_id})
        filas.append((f, d))
    return creadas, filas


def _es_brecha(candidatas) -> bool:
    from demanda import matching

    decidir = getattr(matching, "es_brecha", None)
    return decidir(candidatas) if decidir else not candidatas


def evaluar(demandas: list[dict] | None = None, ofertas: dict | None = None, *, antes_de_medir=None) -> list[Resultado]:
    """Carga el conjunto, ordena cada demanda con `demanda.matching.ofertas_candidatas` y lo deshace todo."""
    from demanda.matching import ofertas_candidatas

    if demandas is None or ofertas is None:
        ofertas, demandas = leer_conjunto()
    resultados = []
    try:
        with transaction.atomic():
            creadas, filas = cargar(ofertas, demandas)
            id_de = {o.pk: clave for clave, o in creadas.items()}
            if antes_de_medir:
                antes_de_medir(creadas, filas)
            for f, d in filas:
                candidatas = [o for o in ofertas_candidatas(d, limite=50) if o.pk in id_de]
                resultados.append(Resultado(
                    demanda=f, orden=[id_de[o.pk] for o in candidatas], brecha=_es_brecha(candidatas),
                    puntajes=[(id_de[o.pk], o.puntaje) for o in candidatas[:5]],
                ))
            raise _Deshacer
    except _Deshacer:
        pass
    return resultados


def metricas(resultados: list[Resultado]) -> dict:
    atendibles = [r for r in resultados if r.esperadas]
    sin_oferta = [r for r in resultados if not r.esperadas]

    def ndcg(r: Resultado) -> float:
        dcg = sum(1 / math.log2(i + 1) for i, o in enumerate(r.orden[:5], start=1) if o in r.esperadas)
        ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(r.esperadas), 5) + 1))
        return dcg / ideal

    n = len(atendibles) or 1
    return {
        "demandas": len(resultados),
        "atendibles": len(atendibles),
        "precision_1": sum(1 for r in atendibles if r.rango == 1) / n,
        "aciertos_3": sum(1 for r in atendibles if r.rango and r.rango <= 3) / n,
        "mrr": sum(1 / r.rango for r in atendibles if r.rango) / n,
        "ndcg_5": sum(ndcg(r) for r in atendibles) / n,
        "brecha_exactitud": sum(1 for r in resultados if r.brecha == (not r.esperadas)) / (len(resultados) or 1),
        "sin_oferta": len(sin_oferta),
        "sin_oferta_como_brecha": sum(1 for r in sin_oferta if r.brecha),
        "atendibles_como_brecha": sum(1 for r in atendibles if r.brecha),
    }


def errores(resultados: list[Resultado]) -> list[str]:
    lineas = []
    for r in resultados:
        d = r.demanda
        esperada = ", ".join(sorted(r.esperadas)) or "ninguna (brecha)"
        propuesta = ", ".join(f"{o}={p}" for o, p in r.puntajes[:3]) or "nada"
        if r.esperadas and r.rango != 1:
            lineas.append(f"{d['id']} [{d['caso']}] «{d['titulo']}»: esperada {esperada}; puesto {r.rango or '-'}; "
                          f"propone {propuesta}")
        if r.brecha != (not r.esperadas):
            lineas.append(f"{d['id']} [{d['caso']}] «{d['titulo']}»: brecha {'sí' if r.brecha else 'no'} "
                          f"(esperada {esperada}); propone {propuesta}")
    return lineas
