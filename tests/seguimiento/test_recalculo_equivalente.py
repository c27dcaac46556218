"""El recálculo diario más rápido da las mismas cifras que el de antes (sin base de datos): el avance por entidad
cuando el último avance cubre a todas, los hitos vencidos sin la búsqueda cuadrática de los hijos y las fotos por
entidad que toman las cifras de la línea cuando llevan sus mismos avances."""

import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from seguimiento import calculo, por_entidad, services
from seguimiento.por_entidad import HitoLigero

HOY = date(2026, 6, 15)
UMBRALES = calculo.Umbrales()


def _avance_por_entidad_de_antes(avances, entidades):
    return {e: next((calculo.D(p) for p, cubre in avances if not cubre or e in cubre), calculo.CERO)
            for e in entidades}


def _estado_de_linea_de_antes(linea, hitos, hoy, umbrales):
    valores = services.estado_de_linea(linea, hitos, hoy, umbrales)
    valores["hitos_vencidos"] = sum(1 for h in hitos if h.fecha_planeada < hoy and h.avance < 100
                                    and not any(o.padre_id == h.pk for o in hitos))
    return valores


def _linea_al_azar(rng: random.Random, pk: int):
    inicio = HOY - timedelta(days=rng.randint(30, 300))
    plan = SimpleNamespace(pk=7, agenda_id=3, entidad_id=11)
    linea = SimpleNamespace(pk=pk, plan=plan, fecha_inicio=inicio, fecha_fin=inicio + timedelta(days=365),
                            responsable_id=5, oferta_id=9, dependencia_id=None, objetivo_agenda_id=None,
                            peso=Decimal(rng.choice([1, 2, 3])))
    hitos, validados, reportes = [], {}, {}
    entidades = rng.sample(range(100, 140), rng.randint(1, 6))
    siguiente = pk * 100
    for k in range(rng.randint(0, 5)):
        siguiente += 1
        padre = HitoLigero(siguiente, None, Decimal(rng.choice([1, 2, 3])),
                           inicio + timedelta(days=rng.randint(10, 360)), Decimal(0))
        hitos.append(padre)
        hijos = []
        if k == 0 and rng.random() < 0.6:
            for j in range(2):
                siguiente += 1
                hijos.append(HitoLigero(siguiente, padre.pk, Decimal(j + 1), inicio + timedelta(days=rng.randint(10, 200)),
                                        Decimal(0)))
        hitos += hijos
        for hoja in hijos or [padre]:
            lista = []
            for _ in range(rng.randint(0, 4)):
                cubre = frozenset(rng.sample(entidades, rng.randint(1, len(entidades)))) if rng.random() < 0.3 \
                    else frozenset()
                lista.append((Decimal(rng.choice([10, 35, 50, "57.50", 80, 100])), cubre))
            validados[hoja.pk] = lista
            hoja.avance = next((calculo.D(p) for p, cubre in lista if not cubre), Decimal(0))
        if hijos:
            padre.avance = calculo.redondear(calculo.ponderar((h.avance, h.peso) for h in hijos), 2)
    reportes[linea.pk] = [(HOY - timedelta(days=rng.randint(1, 90)), frozenset(rng.sample(entidades, 1))
                           if rng.random() < 0.3 else frozenset()) for _ in range(rng.randint(0, 3))]
    territorios = [(e, None, "") for e in entidades]
    return linea, hitos, territorios, validados, reportes


def _columnas(filas):
    return [tuple(getattr(f, c) for c in ["linea_id", "entidad_id", *por_entidad._CAMPOS]) for f in filas]


def test_avance_por_entidad_igual_al_de_antes():
    rng = random.Random(4091)
    for _ in range(2000):
        entidades = rng.sample(range(50), rng.randint(0, 6))
        avances = [(Decimal(rng.randint(0, 100)), frozenset(rng.sample(range(50), rng.randint(0, 3)))
                    if rng.random() < 0.5 else frozenset()) for _ in range(rng.randint(0, 4))]
        nuevo, antes = calculo.avance_por_entidad(avances, entidades), _avance_por_entidad_de_antes(avances, entidades)
        assert nuevo == antes and [str(v) for v in nuevo.values()] == [str(v) for v in antes.values()]


def test_fotos_y_linea_iguales_a_las_de_antes(monkeypatch):
    rng = random.Random(2026)
    for pk in range(1, 400):
        linea, hitos, territorios, validados, reportes = _linea_al_azar(rng, pk)
        valores = services.estado_de_linea(linea, hitos, HOY, UMBRALES)
        assert valores == _estado_de_linea_de_antes(linea, hitos, HOY, UMBRALES)
        nuevas = por_entidad.filas_de_linea(linea, hitos, territorios, validados, reportes, HOY, UMBRALES,
                                            services.estado_de_linea, None, valores)
        with monkeypatch.context() as m:
            m.setattr(calculo, "avance_por_entidad", _avance_por_entidad_de_antes)
            antes = por_entidad.filas_de_linea(linea, hitos, territorios, validados, reportes, HOY, UMBRALES,
                                               _estado_de_linea_de_antes, None)
        assert [tuple(map(str, f)) for f in _columnas(nuevas)] == [tuple(map(str, f)) for f in _columnas(antes)]
        assert (por_entidad.consolidar_linea(valores, nuevas, UMBRALES)
                == por_entidad.consolidar_linea(valores, antes, UMBRALES))
