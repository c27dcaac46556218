"""Respaldar y restaurar de verdad: pg_dump / pg_restore contra el PostgreSQL de la máquina."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from att import respaldo
from att.models import Notificacion
from att.respaldo import Conexion, ErrorRespaldo, conteos, leer_manifiesto, restaurar
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.integration


@pytest.fixture
def base_nueva():
    """Una base vacía en el mismo servidor; se borra al final."""
    origen = Conexion.de_django()
    nombre = f"{origen.nombre}_restaurada"
    with origen.conectar() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{nombre}"')
    destino = Conexion(nombre=nombre, usuario=origen.usuario, clave=origen.clave, host=origen.host,
                       puerto=origen.puerto)
    yield destino
    with origen.conectar() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')


def _datos(settings):
    alcaldia = factories.alcaldia("05001")
    funcionario = factories.persona(alcaldia, "funcionario_et")
    fabricas.oferta(factories.EntidadNacionalFactory())
    for _ in range(3):
        fabricas.demanda(alcaldia, funcionario)
    Notificacion.objects.create(usuario=funcionario, categoria="prueba", titulo="Respaldo")
    carpeta = settings.MEDIA_ROOT / "evidencias" / "2026"
    carpeta.mkdir(parents=True)
    (carpeta / "acta.pdf").write_bytes(b"%PDF-1.4 acta de prueba \x00\x01\x02")
    (settings.MEDIA_ROOT / "informe.xlsx").write_bytes(b"PK\x03\x04 informe")


def test_respaldar_y_restaurar_en_una_base_nueva(referencia_cargada, settings, tmp_path, base_nueva):
    _datos(settings)
    antes = conteos(Conexion.de_django())
    assert antes["demanda_demanda"] == 3 and antes["att_notificacion"] == 1 and antes["att_municipio"] > 1000

    call_command("respaldar", str(tmp_path / "respaldos"))
    (carpeta,) = (tmp_path / "respaldos").iterdir()
    assert carpeta.name.startswith("att-") and not carpeta.name.endswith(".parcial")
    manifiesto = leer_manifiesto(carpeta)
    assert manifiesto["conteos"] == antes
    assert set(manifiesto["archivos"]) == {"base.dump", "media.tar.gz"}
    assert all(len(a["sha256"]) == 64 for a in manifiesto["archivos"].values())
    assert manifiesto["migraciones"]["demanda"]

    media_nueva = tmp_path / "media_restaurada"
    resultado = restaurar(carpeta, destino=base_nueva, media=media_nueva)
    assert resultado["archivos"] == 2
    assert all(antes_n == despues_n for antes_n, despues_n in resultado["conteos"].values()), resultado
    assert conteos(base_nueva) == antes
    assert (media_nueva / "evidencias" / "2026" / "acta.pdf").read_bytes() == b"%PDF-1.4 acta de prueba \x00\x01\x02"
    assert (media_nueva / "informe.xlsx").read_bytes() == b"PK\x03\x04 informe"
    with base_nueva.conectar() as conn:
        # Las extensiones y funciones de búsqueda vienen con el respaldo.
        assert conn.execute("SELECT att_unaccent('Medellín')").fetchone()[0] == "Medellin"
        titulos = sorted(f[0] for f in conn.execute("SELECT titulo FROM demanda_demanda").fetchall())
    with connection.cursor() as cursor:
        cursor.execute("SELECT titulo FROM demanda_demanda ORDER BY titulo")
        assert titulos == [f[0] for f in cursor.fetchall()]

    # Una segunda restauración encima se niega: la base y la carpeta ya no están vacías.
    with pytest.raises(ErrorRespaldo, match="no está vacía"):
        restaurar(carpeta, destino=base_nueva, media=tmp_path / "otra")
    with pytest.raises(CommandError, match="no está vacía"):
        call_command("restaurar", str(carpeta), "--destino", _url(base_nueva), "--media", str(tmp_path / "otra"))
    # Con --forzar reemplaza el contenido y los conteos siguen iguales.
    call_command("restaurar", str(carpeta), "--destino", _url(base_nueva), "--media", str(media_nueva), "--forzar")
    assert conteos(base_nueva) == antes


def test_restaurar_rechaza_un_respaldo_danado(referencia_cargada, settings, tmp_path, base_nueva):
    call_command("respaldar", str(tmp_path))
    (carpeta,) = tmp_path.glob("att-*")
    with (carpeta / "media.tar.gz").open("ab") as archivo:
        archivo.write(b"basura")
    with pytest.raises(ErrorRespaldo, match="sha256"):
        restaurar(carpeta, destino=base_nueva, media=tmp_path / "m")
    assert conteos(base_nueva) == {}


def test_escrituras_durante_el_respaldo_no_descuadran_los_conteos(referencia_cargada, settings, tmp_path,
                                                                   base_nueva, monkeypatch):
    """Filas que llegan justo antes y justo después de pg_dump (otra sesión, ya confirmadas) no
    entran ni en la base ni en los conteos: todo sale de la misma instantánea."""
    _datos(settings)
    antes = conteos(Conexion.de_django())
    usuario = Notificacion.objects.get().usuario
    correr = respaldo._correr

    def correr_con_escrituras(comando, entorno):
        if "pg_dump" in comando[0]:
            Notificacion.objects.create(usuario=usuario, categoria="prueba", titulo="Antes del volcado")
            correr(comando, entorno)
            Notificacion.objects.create(usuario=usuario, categoria="prueba", titulo="Después del volcado")
        else:
            correr(comando, entorno)

    monkeypatch.setattr(respaldo, "_correr", correr_con_escrituras)
    call_command("respaldar", str(tmp_path / "respaldos"))
    assert Notificacion.objects.count() == antes["att_notificacion"] + 2
    (carpeta,) = (tmp_path / "respaldos").iterdir()
    manifiesto = leer_manifiesto(carpeta)
    assert manifiesto["conteos"] == antes
    assert "media.tar.gz" in manifiesto["nota"]

    resultado = restaurar(carpeta, destino=base_nueva, media=tmp_path / "media_restaurada")
    assert all(en_respaldo == restaurados for en_respaldo, restaurados in resultado["conteos"].values()), resultado
    assert conteos(base_nueva) == antes


def _url(c: Conexion) -> str:
    return f"postgres://{c.usuario}:{c.clave}@{c.host}:{c.puerto or 5432}/{c.nombre}"
