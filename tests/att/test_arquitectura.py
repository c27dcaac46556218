"""Arquitectura: las flechas entre apps (import-linter, `.importlinter`) y migraciones congeladas.

- `lint-imports` corre aquí (y con él en `make test` y en `.ci/run`): una importación que sube de
  capa (p. ej. de `oferta` o `agenda` a `seguimiento`) hace fallar la prueba con el informe del linter.
- Una migración no importa código de la aplicación (servicios, selectores, datos, funciones de los
  modelos): ese código cambia después y la migración vieja haría otra cosa. Lo que necesite se copia
  congelado en ella. La única excepción es la que escribe `makemigrations`: un `import <app>.models`
  al nivel del módulo para nombrar lo que el estado serializa (`upload_to`, gestores, expresiones de
  índices), que Django necesita para comparar el estado con los modelos; y aun así ninguna función
  de la migración (el código de un RunPython) puede usarlo.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
APPS = ("att", "indicadores", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas")


def test_las_flechas_entre_apps_cumplen_el_contrato():
    linter = Path(sys.executable).with_name("lint-imports")
    resultado = subprocess.run([str(linter), "--no-cache"], cwd=RAIZ, capture_output=True, text=True, timeout=300,
                               check=False)
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr


def _de_la_aplicacion(modulo: str | None) -> bool:
    if not modulo:
        return False
    partes = modulo.split(".")
    return partes[0] in APPS and "migrations" not in partes


def _referencia_serializada(nodo) -> bool:
    """`import app.models` (o un submódulo) al nivel del módulo: lo que escribe makemigrations."""
    return isinstance(nodo, ast.Import) and all(
        len(a.name.split(".")) >= 2 and a.name.split(".")[1] == "models" and a.asname is None for a in nodo.names)


def importaciones_prohibidas(fuente: str) -> list[str]:
    """Lo que esta migración importa de la aplicación sin deber (lista vacía si nada)."""
    arbol = ast.parse(fuente)
    faltas, nombres_serializados = [], set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.ImportFrom) and nodo.level == 0 and _de_la_aplicacion(nodo.module):
            faltas.append(f"línea {nodo.lineno}: from {nodo.module} import …")
        elif isinstance(nodo, ast.Import):
            propios = [a.name for a in nodo.names if _de_la_aplicacion(a.name)]
            if not propios:
                continue
            if nodo in arbol.body and _referencia_serializada(nodo):
                nombres_serializados.update(n.split(".")[0] for n in propios)
            else:
                faltas.append(f"línea {nodo.lineno}: import {', '.join(propios)}")
    for funcion in (n for n in ast.walk(arbol) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)):
        for nombre in (n for n in ast.walk(funcion) if isinstance(n, ast.Name) and n.id in nombres_serializados):
            faltas.append(f"línea {nombre.lineno}: una función usa el código vivo de «{nombre.id}»")
    return faltas


def _migraciones():
    for app in APPS:
        for ruta in sorted((RAIZ / app / "migrations").glob("[0-9]*.py")):
            yield ruta.relative_to(RAIZ).as_posix(), ruta.read_text(encoding="utf-8")


def test_ninguna_migracion_importa_codigo_de_la_aplicacion():
    faltas = [f"{ruta}: {falta}" for ruta, fuente in _migraciones() for falta in importaciones_prohibidas(fuente)]
    assert not faltas, "Congele en la migración lo que necesita:\n" + "\n".join(faltas)


@pytest.mark.parametrize("fuente, esperado", [
    ("def f(apps, se):\n    from seguimiento.services import reconstruir_resumen\n", "from seguimiento.services"),
    ("from att.datos.catalogos import sembrar\n", "from att.datos.catalogos"),
    ("import oferta.services\n", "import oferta.services"),
    ("def f(apps, se):\n    import demanda.models\n", "import demanda.models"),
    ("import seguimiento.models\n\ndef f(apps, se):\n    return seguimiento.models.huella_avance(1)\n",
     "código vivo de «seguimiento»"),
])
def test_la_regla_detecta_la_importacion(fuente, esperado):
    faltas = importaciones_prohibidas(fuente)
    assert any(esperado in f for f in faltas), faltas


@pytest.mark.parametrize("fuente", [
    "import django.db.models.deletion\nfrom django.db import migrations\n",
    "import seguimiento.models\n\nx = seguimiento.models.ruta_informe\n",
    "from indicadores.migrations import algo\n",
])
def test_la_regla_acepta_django_y_las_referencias_serializadas(fuente):
    assert importaciones_prohibidas(fuente) == []


# --- Ninguna app alcanza a otra por nombre -------------------------------------------------------------
# Lo que una página junta de varias apps (el perfil de una ET, las cifras de la portada, los datos demo,
# los importadores) llega por registros explícitos llamados desde el `ready()` de cada app
# (`att.perfil`, `att.registros`, `att.importacion.registrar_importador`). Buscar un modelo o un módulo por
# su nombre (`apps.get_model`, `import_module`, `__import__`) pierde en silencio lo que se renombra.
# Fuera de migraciones (que sí deben usar `apps.get_model`) y pruebas. Un uso legítimo que no alcanza otra
# app va aquí con su motivo (`import_string` de un ajuste de Django no cuenta: no busca apps).
PROHIBIDAS = {"get_model", "import_module", "__import__"}
EXENTAS: dict[tuple[str, str], str] = {}


def busquedas_por_nombre(fuente: str) -> list[tuple[int, str]]:
    """(línea, nombre) de cada llamada o importación de `get_model`, `import_module` o `__import__`."""
    halladas = []
    for nodo in ast.walk(ast.parse(fuente)):
        if isinstance(nodo, ast.Call):
            funcion = nodo.func
            nombre = funcion.attr if isinstance(funcion, ast.Attribute) else getattr(funcion, "id", None)
            if nombre in PROHIBIDAS:
                halladas.append((nodo.lineno, nombre))
        elif isinstance(nodo, ast.ImportFrom) and nodo.module == "importlib":
            halladas += [(nodo.lineno, a.name) for a in nodo.names if a.name in PROHIBIDAS]
    return halladas


def test_ninguna_app_alcanza_a_otra_por_nombre():
    faltas = []
    for app in APPS:
        for ruta in sorted((RAIZ / app).rglob("*.py")):
            relativa = ruta.relative_to(RAIZ).as_posix()
            if "/migrations/" in relativa:
                continue
            for linea, nombre in busquedas_por_nombre(ruta.read_text(encoding="utf-8")):
                if (relativa, nombre) not in EXENTAS:
                    faltas.append(f"{relativa}:{linea}: {nombre}")
    assert not faltas, ("Use un registro explícito llamado desde el ready() de la app (att.perfil, att.registros, "
                        "att.importacion.registrar_importador) en vez de buscar por nombre:\n" + "\n".join(faltas))


@pytest.mark.parametrize(("fuente", "esperado"), [
    ("from django.apps import apps\nM = apps.get_model('oferta', 'Oferta')", [(2, "get_model")]),
    ("import importlib\nm = importlib.import_module('oferta.demo')", [(2, "import_module")]),
    ("from importlib import import_module", [(1, "import_module")]),
    ("m = __import__('oferta')", [(1, "__import__")]),
    ("from django.apps import apps\nfor m in apps.get_models(): pass", []),
    ("'''Antes se usaba apps.get_model e import_module.'''", []),
])
def test_la_busqueda_por_nombre_se_detecta(fuente, esperado):
    assert busquedas_por_nombre(fuente) == esperado
