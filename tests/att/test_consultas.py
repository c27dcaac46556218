"""`att.consultas`: `EnArreglo` filtra lo mismo que `__in` con una lista, con un solo parámetro;
`ConsultaFija` da lo mismo que el ORM con la consulta compilada una vez."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from att.consultas import ConsultaFija, EnArreglo
from att.models import Entidad, Membresia, Rol
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def entidades():
    es = [factories.alcaldia(c) for c in ("05001", "05002", "05004", "05021")]
    for e in es[:3]:
        factories.persona(e, Rol.FUNCIONARIO_ET)
    return es


def test_mismas_filas_que_in(entidades):
    ids = [entidades[0].pk, entidades[2].pk, entidades[3].pk, 10**12]
    esperado = sorted(Entidad.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert sorted(Entidad.objects.filter(EnArreglo(F("pk"), ids)).values_list("pk", flat=True)) == esperado
    assert len(esperado) == 3
    # Una sola entidad, ninguna y un iterable que no es lista.
    assert list(Entidad.objects.filter(EnArreglo(F("pk"), [entidades[1].pk]))) == [entidades[1]]
    assert not Entidad.objects.filter(EnArreglo(F("pk"), [])).exists()
    assert Entidad.objects.filter(EnArreglo(F("pk"), (e.pk for e in entidades))).count() == 4


def test_a_traves_de_una_relacion(entidades):
    """Con un camino de relaciones (JOIN) y combinado con otros filtros, como `entidad__pk__in`."""
    ids = [entidades[1].pk, entidades[3].pk]
    por_in = sorted(Membresia.objects.filter(entidad__pk__in=ids, rol=Rol.FUNCIONARIO_ET).values_list("pk", flat=True))
    por_arreglo = sorted(Membresia.objects.filter(EnArreglo(F("entidad__pk"), ids), rol=Rol.FUNCIONARIO_ET)
                         .values_list("pk", flat=True))
    assert por_arreglo == por_in and len(por_in) == 1


def test_un_solo_parametro_con_miles_de_ids(entidades):
    ids = list(range(1, 20_001)) + [entidades[0].pk]
    with CaptureQueriesContext(connection) as consultas:
        assert Entidad.objects.filter(EnArreglo(F("pk"), ids)).filter(pk=entidades[0].pk).exists()
    sql = consultas.captured_queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql


def _membresias(usuario, fecha):
    return (Membresia.objects.vigentes(fecha).filter(usuario_id=usuario)
            .values_list("entidad_id", "entidad__nombre", "rol", "hasta"))


def test_consulta_fija_lo_mismo_que_el_orm_y_se_compila_una_vez(entidades):
    compilaciones = []

    def armar(usuario, fecha):
        compilaciones.append(1)
        return _membresias(usuario, fecha)

    fija = ConsultaFija(armar, usuario=-1_234_567, fecha=datetime.date(1901, 2, 3))
    hoy = datetime.date(2026, 12, 1)
    persona = factories.persona(entidades[3], Rol.FUNCIONARIO_ET)
    Membresia.objects.filter(usuario=persona).update(desde=hoy - datetime.timedelta(days=30), hasta=hoy)  # el último día todavía cuenta
    otra = factories.persona(entidades[3], Rol.INTEGRADOR)
    Membresia.objects.filter(usuario=otra).update(desde=hoy - datetime.timedelta(days=30), hasta=hoy - datetime.timedelta(days=1))
    for usuario in (persona, otra, *[m.usuario for m in Membresia.objects.exclude(usuario__in=[persona, otra])]):
        for fecha in (hoy, hoy - datetime.timedelta(days=1)):
            assert fija.filas(usuario=usuario.pk, fecha=fecha) == list(_membresias(usuario.pk, fecha))
    assert fija.filas(usuario=persona.pk, fecha=hoy) == [(entidades[3].pk, entidades[3].nombre, Rol.FUNCIONARIO_ET, hoy)]
    assert fija.filas(usuario=otra.pk, fecha=hoy) == []
    assert fija.filas(usuario=10**9, fecha=hoy) == []
    assert len(compilaciones) == 1
    with CaptureQueriesContext(connection) as c:
        fija.filas(usuario=persona.pk, fecha=hoy)
    assert len(c.captured_queries) == 1 and str(persona.pk) in c.captured_queries[0]["sql"]


def test_consulta_fija_aplica_los_convertidores_del_orm():
    """Un JSONField se lee como lo lee el ORM (su `from_db_value`), no como lo entrega psycopg."""
    from att.models.operacion import Salida

    salida = Salida.objects.create(**_salida_minima(Salida))
    fija = ConsultaFija(lambda pk: Salida.objects.filter(pk=pk).values_list("pk", "argumentos", "parametros"), pk=-42)
    assert fija.filas(pk=salida.pk) == list(Salida.objects.filter(pk=salida.pk).values_list(
        "pk", "argumentos", "parametros"))
    assert fija.filas(pk=salida.pk)[0][2] == {"clave": ["valor", 1]}


def _salida_minima(modelo):
    datos = {"argumentos": ["a", 2], "parametros": {"clave": ["valor", 1]}}
    for campo in modelo._meta.concrete_fields:
        if campo.primary_key or campo.has_default() or campo.null or campo.name in datos:
            continue
        if campo.is_relation:
            raise AssertionError(f"Salida pide {campo.name}: ajuste la prueba")
        datos[campo.name] = campo.choices[0][0] if campo.choices else "x"
    return datos


def test_consulta_fija_rechaza_un_testigo_ambiguo(entidades):
    sin_testigo = ConsultaFija(lambda pk: Entidad.objects.filter(pk=entidades[1].pk).values_list("pk"), pk=5)
    with pytest.raises(ImproperlyConfigured, match="el testigo pk=5 aparece 0 veces"):
        sin_testigo.filas(pk=entidades[0].pk)
    repetido = ConsultaFija(lambda pk: Entidad.objects.filter(pk=pk).exclude(departamento__isnull=False, pk=pk)
                            .values_list("pk"), pk=77_777)
    with pytest.raises(ImproperlyConfigured, match="el testigo pk=77777 aparece 2 veces"):
        repetido.filas(pk=entidades[0].pk)


def _preparadas(patron: str) -> int:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [patron])
        return c.fetchone()[0]


SIGLA_Y_NOMBRE = '%"att_entidad"."sigla" AS "sigla", "att_entidad"."nombre"%'


def test_consulta_fija_preparada_en_la_conexion_y_el_orm_no(entidades, settings):
    """Con `prepare_threshold` (settings: DB_PREPARE_THRESHOLD, 2), psycopg prepara la consulta fija en la
    conexión desde su segunda ejecución: PostgreSQL ya no la analiza ni la planifica. La misma consulta por
    el ORM (cursor de Django, valores unidos en el cliente) nunca queda preparada."""
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 2
    for _vez in range(3):
        assert list(Entidad.objects.filter(pk=entidades[0].pk).values_list("pk", "sigla", "nombre"))
    assert _preparadas(SIGLA_Y_NOMBRE) == 0
    fija = ConsultaFija(lambda pk: Entidad.objects.filter(pk=pk).values_list("pk", "sigla", "nombre"), pk=-7)
    assert fija.filas(pk=entidades[0].pk) == [(entidades[0].pk, entidades[0].sigla, entidades[0].nombre)]
    assert _preparadas(SIGLA_Y_NOMBRE) == 0  # la primera vez, todavía no
    for e in entidades:
        assert fija.filas(pk=e.pk) == [(e.pk, e.sigla, e.nombre)]
    assert fija.filas(pk=10**9) == []
    assert _preparadas(SIGLA_Y_NOMBRE) == 1  # una sola sentencia para todos los valores


def test_sin_umbral_la_consulta_fija_no_se_prepara(entidades, monkeypatch):
    """DB_PREPARE_THRESHOLD=-1 (p. ej., detrás de un PgBouncer en modo transacción): el cursor de siempre."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    fija = ConsultaFija(lambda pk: Entidad.objects.filter(pk=pk).values_list("pk", "nombre", "sigla"), pk=-8)
    for e in entidades:
        assert fija.filas(pk=e.pk) == [(e.pk, e.nombre, e.sigla)]
    assert _preparadas('%"att_entidad"."nombre" AS "nombre", "att_entidad"."sigla"%') == 0


def test_consulta_fija_con_literales_solo_envia_los_testigos(entidades):
    """`literales=True`: texto (con `%`, comilla y tilde), fecha y número van escritos en el SQL; el testigo
    y lo que no es de un tipo simple (la lista de `EnArreglo`) siguen como parámetros. Mismas filas que el
    ORM, y PostgreSQL reutiliza el plan genérico de la sentencia preparada en vez de planificar cada vez."""
    Entidad.objects.filter(pk=entidades[2].pk).update(nombre="Alcaldía 50% d'Ávila")
    ids = [e.pk for e in entidades]

    def armar(pk):
        return (Entidad.objects.filter(EnArreglo(F("pk"), ids), pk__gte=pk, nombre__icontains="0% d'á",
                                       creada__date__gte=datetime.date(2001, 1, 1))
                .values_list("pk", "nombre"))

    fija = ConsultaFija(armar, literales=True, pk=-99_999)
    sql, base, posiciones, _ = fija._compilada("default")
    assert "E'%%0\\\\%% d''á%%'" in sql and "'2001-01-01'::date" in sql
    assert sql.count("%s") == 2 and posiciones == {"pk": 1} and base[0] == ids
    esperado = list(armar(entidades[0].pk))
    assert esperado == [(entidades[2].pk, "Alcaldía 50% d'Ávila")]
    for _vez in range(8):
        assert fija.filas(pk=entidades[0].pk) == esperado
    assert fija.filas(pk=entidades[3].pk) == []
    with connection.cursor() as c:
        c.execute("SELECT generic_plans, statement FROM pg_prepared_statements WHERE statement LIKE %s",
                  ["%d''á%"])
        (genericos, texto), = c.fetchall()
    assert genericos >= 1 and "$2" in texto and "$3" not in texto


def test_huella_del_portal_preparada_y_sin_parametros(entidades):
    """La huella del portal (una lectura en cada visita) va por `filas_preparadas`: sin parámetros, con el
    estado escrito, queda preparada en la conexión desde la segunda visita y con plan genérico."""
    from django.utils import timezone

    from oferta import selectors

    huellas = {selectors.huella_publicadas() for _vez in range(4)}
    assert len(huellas) == 1 and huellas.pop().endswith(f"-0-{timezone.localdate():%Y%m%d}")
    with connection.cursor() as c:
        c.execute("SELECT generic_plans, statement FROM pg_prepared_statements WHERE statement LIKE %s",
                  ["%oferta_borrados_portal%"])
        (genericos, texto), = c.fetchall()
    assert genericos >= 2 and "estado = 'publicada'" in texto and "$1" not in texto
