"""Cada transición permitida y rechazada por rol y entidad, con su historia."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from att.models import Rol
from oferta import services
from oferta.models import EstadoOferta, Oferta, TransicionOferta
from tests import factories
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrador(oferente, entidad_oferente):
    return services.oferta_crear(por=oferente, entidad=entidad_oferente, datos=fabricas.datos_oferta())


@pytest.fixture
def en_revision(borrador, oferente):
    return services.oferta_enviar(oferta=borrador, por=oferente)


@pytest.fixture
def publicada(en_revision, admin_dnp):
    return services.oferta_publicar(oferta=en_revision, por=admin_dnp)


def historia(oferta):
    return list(TransicionOferta.objects.filter(oferta=oferta).values_list("de_estado", "a_estado", "por_id"))


# --- Crear ---------------------------------------------------------------------------------
def test_oferente_crea_borrador_con_historia(borrador, oferente):
    assert borrador.estado == EstadoOferta.BORRADOR
    assert borrador.creada_por == oferente
    assert historia(borrador) == [("", EstadoOferta.BORRADOR, oferente.pk)]
    assert list(borrador.temas.values_list("codigo", flat=True)) == ["planeacion"]
    assert Oferta.objects.filter(pk=borrador.pk, busqueda__isnull=False).exists()


@pytest.mark.parametrize("quien", ["otro_oferente", "auditor", "admin_dnp", "funcionario_medellin"])
def test_solo_el_oferente_de_la_entidad_crea(request, quien, entidad_oferente):
    usuario = request.getfixturevalue(quien)
    with pytest.raises(PermissionDenied, match=r"Solo un oferente de MinPrueba puede crear ofertas a su nombre\."):
        services.oferta_crear(por=usuario, entidad=entidad_oferente, datos=fabricas.datos_oferta())
    assert not Oferta.objects.filter(entidad=entidad_oferente).exists()


def test_crear_sin_temas_es_error_en_espanol(oferente, entidad_oferente):
    with pytest.raises(ValidationError, match=r"Elija al menos una opción\.") as e:
        services.oferta_crear(por=oferente, entidad=entidad_oferente, datos=fabricas.datos_oferta(temas=[]))
    assert "Elija al menos una opción." in e.value.message_dict["temas"]


def test_vigencia_al_reves_es_rechazada(oferente, entidad_oferente):
    import datetime

    datos = fabricas.datos_oferta(vigencia_hasta=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="La vigencia termina antes de empezar"):
        services.oferta_crear(por=oferente, entidad=entidad_oferente, datos=datos)


def test_entidad_no_puede_ser_su_propia_cooferente(oferente, entidad_oferente):
    with pytest.raises(ValidationError, match=r"La entidad oferente no puede ser a la vez cooferente\.") as e:
        services.oferta_crear(por=oferente, entidad=entidad_oferente,
                              datos=fabricas.datos_oferta(cooferentes=[entidad_oferente]))
    assert "cooferentes" in e.value.message_dict


def test_oferta_conjunta_guarda_cooferentes(oferente, entidad_oferente):
    socia = factories.EntidadNacionalFactory(nombre="Agencia Socia", sigla="AgSocia")
    o = services.oferta_crear(por=oferente, entidad=entidad_oferente, datos=fabricas.datos_oferta(cooferentes=[socia]))
    assert list(o.cooferentes.all()) == [socia]


# --- Editar --------------------------------------------------------------------------------
def test_oferente_edita_su_borrador(borrador, oferente):
    services.oferta_actualizar(por=oferente, oferta=borrador, datos={"nombre": "Nuevo nombre"})
    borrador.refresh_from_db()
    assert borrador.nombre == "Nuevo nombre"
    assert borrador.historial.count() >= 2


@pytest.mark.parametrize("quien", ["otro_oferente", "auditor", "admin_dnp"])
def test_otros_no_editan(request, quien, borrador):
    with pytest.raises(PermissionDenied, match=r"Solo un oferente de la entidad puede editar esta oferta\."):
        services.oferta_actualizar(por=request.getfixturevalue(quien), oferta=borrador, datos={"nombre": "X"})
    borrador.refresh_from_db()
    assert borrador.nombre != "X"


def test_no_se_edita_en_revision(en_revision, oferente):
    with pytest.raises(ValidationError, match="Solo se editan ofertas en borrador o devueltas; esta está"):
        services.oferta_actualizar(por=oferente, oferta=en_revision, datos={"nombre": "X"})


# --- Enviar --------------------------------------------------------------------------------
def test_oferente_envia_y_dnp_recibe_alerta(admin_dnp, oferente, en_revision):
    assert en_revision.estado == EstadoOferta.EN_REVISION
    assert historia(en_revision)[-1] == (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION, oferente.pk)
    assert admin_dnp.notificaciones.filter(titulo__contains=en_revision.nombre).exists()


@pytest.mark.parametrize("quien", ["otro_oferente", "auditor", "admin_dnp", "funcionario_medellin"])
def test_enviar_rechazado(request, quien, borrador):
    with pytest.raises(PermissionDenied, match="Solo un oferente de la entidad puede enviar esta oferta a"):
        services.oferta_enviar(oferta=borrador, por=request.getfixturevalue(quien))
    borrador.refresh_from_db()
    assert borrador.estado == EstadoOferta.BORRADOR


def test_no_se_envia_dos_veces(en_revision, oferente):
    with pytest.raises(ValidationError, match=r"No se puede enviar a revisión una oferta en estado «En revisión»\."):
        services.oferta_enviar(oferta=en_revision, por=oferente)


# --- Revisar: publicar y devolver -------------------------------------------------------------
def test_dnp_publica(publicada, admin_dnp):
    assert publicada.estado == EstadoOferta.PUBLICADA
    assert publicada.publicada_en is not None
    assert historia(publicada)[-1] == (EstadoOferta.EN_REVISION, EstadoOferta.PUBLICADA, admin_dnp.pk)


def test_dnp_devuelve_con_comentarios_y_el_oferente_corrige(en_revision, admin_dnp, oferente):
    devuelta = services.oferta_devolver(oferta=en_revision, por=admin_dnp, comentario="Precise los cupos.")
    assert devuelta.estado == EstadoOferta.DEVUELTA
    assert devuelta.comentario_revision == "Precise los cupos."
    t = TransicionOferta.objects.filter(oferta=devuelta).last()
    assert (t.a_estado, t.por, t.motivo) == (EstadoOferta.DEVUELTA, admin_dnp, "Precise los cupos.")
    assert oferente.notificaciones.filter(mensaje="Precise los cupos.").exists()
    services.oferta_actualizar(por=oferente, oferta=devuelta, datos={"cupos": 40})
    reenviada = services.oferta_enviar(oferta=devuelta, por=oferente)
    assert reenviada.estado == EstadoOferta.EN_REVISION


def test_devolver_sin_comentario_es_error(en_revision, admin_dnp):
    with pytest.raises(ValidationError, match="Escriba los comentarios para que la entidad corrija la") as e:
        services.oferta_devolver(oferta=en_revision, por=admin_dnp, comentario="  ")
    assert "comentario" in e.value.message_dict


@pytest.mark.parametrize("quien", ["oferente", "otro_oferente", "auditor", "seguimiento_dnp", "funcionario_medellin"])
def test_publicar_y_devolver_rechazados(request, quien, en_revision):
    usuario = request.getfixturevalue(quien)
    with pytest.raises(PermissionDenied, match=r"Solo un administrador DNP puede publicar ofertas\."):
        services.oferta_publicar(oferta=en_revision, por=usuario)
    with pytest.raises(PermissionDenied, match=r"Solo un administrador DNP puede devolver ofertas\."):
        services.oferta_devolver(oferta=en_revision, por=usuario, comentario="No")
    en_revision.refresh_from_db()
    assert en_revision.estado == EstadoOferta.EN_REVISION


def test_no_se_publica_un_borrador(borrador, admin_dnp):
    with pytest.raises(ValidationError, match=r"No se puede publicar una oferta en estado «Borrador»\."):
        services.oferta_publicar(oferta=borrador, por=admin_dnp)


# --- Archivar ------------------------------------------------------------------------------
@pytest.mark.parametrize("quien", ["oferente", "admin_dnp"])
def test_archivar_permitido(request, quien, publicada):
    usuario = request.getfixturevalue(quien)
    archivada = services.oferta_archivar(oferta=publicada, por=usuario, motivo="Terminó el programa.")
    assert archivada.estado == EstadoOferta.ARCHIVADA
    assert historia(archivada)[-1] == (EstadoOferta.PUBLICADA, EstadoOferta.ARCHIVADA, usuario.pk)


@pytest.mark.parametrize("quien", ["otro_oferente", "auditor", "funcionario_medellin"])
def test_archivar_rechazado(request, quien, publicada):
    with pytest.raises(PermissionDenied, match="Solo un oferente de la entidad o un administrador DNP puede"):
        services.oferta_archivar(oferta=publicada, por=request.getfixturevalue(quien), motivo="x")


def test_archivar_exige_motivo_y_estado(publicada, oferente, entidad_oferente):
    with pytest.raises(ValidationError, match=r"Explique por qué se archiva la oferta\."):
        services.oferta_archivar(oferta=publicada, por=oferente, motivo="")
    otro = services.oferta_crear(por=oferente, entidad=entidad_oferente, datos=fabricas.datos_oferta())
    with pytest.raises(ValidationError, match=r"No se puede archivar una oferta en estado «Borrador»\."):
        services.oferta_archivar(oferta=otro, por=oferente, motivo="x")


def test_membresia_inactiva_pierde_el_permiso(borrador, oferente):
    oferente.membresias.update(activa=False)
    from att import permisos

    permisos.olvidar_vinculos(oferente)
    with pytest.raises(PermissionDenied, match="Solo un oferente de la entidad puede enviar esta oferta a"):
        services.oferta_enviar(oferta=borrador, por=oferente)


# --- Reglas (lo que preguntan páginas y API) --------------------------------------------------
def test_reglas_por_estado(borrador, oferente, otro_oferente, admin_dnp, auditor):
    assert oferente.has_perm("oferta.editar", borrador)
    assert oferente.has_perm("oferta.enviar", borrador)
    assert not otro_oferente.has_perm("oferta.editar", borrador)
    assert not auditor.has_perm("oferta.editar", borrador)
    assert not admin_dnp.has_perm("oferta.revisar", borrador)
    assert auditor.has_perm("oferta.ver", borrador)
    assert not otro_oferente.has_perm("oferta.ver", borrador)
    assert not factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET).has_perm("oferta.ver", borrador)
