"""Un cliente generado con openapi-python-client desde el esquema del servidor en vivo sirve tal cual.

Se genera en un directorio temporal (sin red: el esquema viene de `live_server`), se importa cada uno
de sus módulos y con él se recorren tres páginas de ofertas por cursor, se registra una demanda con
el token de un funcionario de la ET, se lee de vuelta y un cuerpo inválido da un 400 tipado."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from att import services as servicios_att
from att.models import Rol
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas as fabricas_demanda
from tests.oferta import fabricas as fabricas_oferta

pytestmark = pytest.mark.integration

PAQUETE = "cliente_att_generado"
SEGUNDOS_MAXIMOS_GENERACION = 60


@pytest.fixture
def cliente_generado(live_server, referencia_cargada, tmp_path):
    """Genera el cliente desde `/api/v1/esquema/` del servidor en vivo; devuelve (paquete, segundos)."""
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # sin formateadores externos
    ejecutable = Path(sys.executable).with_name("openapi-python-client")
    inicio = time.monotonic()
    resultado = subprocess.run(
        [str(ejecutable), "generate", "--url", f"{live_server.url}/api/v1/esquema/?format=json",
         "--meta", "none", "--output-path", str(tmp_path / PAQUETE), "--config", str(tmp_path / "config.yaml")],
        capture_output=True, text=True, timeout=SEGUNDOS_MAXIMOS_GENERACION * 2, check=False,
    )
    segundos = time.monotonic() - inicio
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PAQUETE), segundos
    finally:
        sys.path.remove(str(tmp_path))
        for nombre in [m for m in sys.modules if m == PAQUETE or m.startswith(f"{PAQUETE}.")]:
            del sys.modules[nombre]


def _importar_todo(paquete) -> tuple[int, list[str]]:
    fallan, total = [], 0
    for modulo in pkgutil.walk_packages(paquete.__path__, f"{paquete.__name__}."):
        total += 1
        try:
            importlib.import_module(modulo.name)
        except Exception as error:  # noqa: BLE001  (se listan todos los que fallan)
            fallan.append(f"{modulo.name}: {error!r}")
    return total, fallan


def _cursor(siguiente: str) -> str:
    return parse_qs(urlparse(siguiente).query)["cursor"][0]


def test_cliente_generado_desde_el_esquema_en_vivo(cliente_generado, live_server, admin_dnp):
    paquete, segundos = cliente_generado
    assert segundos < SEGUNDOS_MAXIMOS_GENERACION

    total, fallan = _importar_todo(paquete)
    assert fallan == []
    assert total > 150  # modelos y un módulo por operación: se recorrió el paquete entero

    cliente_mod = importlib.import_module(f"{PAQUETE}.client")
    ofertas_list = importlib.import_module(f"{PAQUETE}.api.ofertas.ofertas_list")
    demandas_create = importlib.import_module(f"{PAQUETE}.api.demandas.demandas_create")
    demandas_retrieve = importlib.import_module(f"{PAQUETE}.api.demandas.demandas_retrieve")
    modelos = importlib.import_module(f"{PAQUETE}.models")

    # Tres páginas de ofertas publicadas por cursor (2 + 2 + 1), sin autenticar.
    nombres = [f"Oferta {i}" for i in range(5)]
    for nombre in nombres:
        fabricas_oferta.oferta(nombre=nombre)
    fabricas_oferta.oferta(nombre="Borrador", estado="borrador")
    publico = cliente_mod.Client(base_url=live_server.url)
    vistos, paginas, cursor = [], 0, None
    while True:
        argumentos = {"tamano": 2} | ({"cursor": cursor} if cursor else {})
        pagina = ofertas_list.sync(client=publico, **argumentos)
        assert isinstance(pagina, modelos.PaginatedOfertaList)
        paginas += 1
        vistos += [o.nombre for o in pagina.results]
        if not pagina.next_:
            break
        cursor = _cursor(pagina.next_)
    assert paginas == 3
    assert sorted(vistos) == nombres

    # El cliente envía los filtros de varios valores con la clave repetida; el servidor los toma todos.
    fabricas_oferta.oferta(nombre="Salud", temas=("salud",))
    fabricas_oferta.oferta(nombre="Vivienda", temas=("vivienda",))
    filtrada = ofertas_list.sync(client=publico, tema=["salud", "vivienda"])
    assert sorted(o.nombre for o in filtrada.results) == ["Salud", "Vivienda"]

    # Una demanda como funcionario de la ET, con su token (prefijo `Token`, no `Bearer`).
    medellin = factories.alcaldia("05001")
    funcionario = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    _token, clave = servicios_att.token_emitir(nombre="cliente generado", usuario=funcionario, entidad=medellin,
                                              rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    cliente = cliente_mod.AuthenticatedClient(base_url=live_server.url, token=clave, prefix="Token")
    respuesta = demandas_create.sync_detailed(
        client=cliente, body=modelos.DemandaRequest.from_dict(fabricas_demanda.cuerpo_api(medellin)))
    assert respuesta.status_code == 201, respuesta.content
    creada = respuesta.parsed
    assert isinstance(creada, modelos.Demanda)
    assert Demanda.objects.get().pk == creada.id
    leida = demandas_retrieve.sync(client=cliente, id=creada.id)
    assert isinstance(leida, modelos.DemandaDetalle)
    assert (leida.titulo, leida.temas) == ("Apoyo con el marco fiscal", ["hacienda-finanzas"])

    # Un cuerpo inválido: 400 leído como el modelo de error del esquema, no como None.
    invalida = demandas_create.sync_detailed(
        client=cliente, body=modelos.DemandaRequest.from_dict(fabricas_demanda.cuerpo_api(medellin, temas=["no-existe"])))
    assert invalida.status_code == 400
    assert isinstance(invalida.parsed, modelos.ErrorValidacion)
    assert list(invalida.parsed.additional_properties) == ["temas"]
    assert invalida.parsed.additional_properties["temas"][0].startswith("Objeto con codigo=no-existe")
    assert Demanda.objects.count() == 1

    # Sin token: 401 tipado.
    sin_token = demandas_retrieve.sync_detailed(client=publico, id=creada.id)
    assert sin_token.status_code == 401
    assert isinstance(sin_token.parsed, modelos.Error)
