"""Formularios que no pierden nada (issue 15), sobre el formulario de avance:

- un adjunto sobrevive a un envío con otro error y queda adjunto tras el envío corregido;
- el token de un adjunto conservado de otra persona se rechaza;
- el borrador del lado del servidor se restaura al volver a abrir, se borra al enviar con éxito y
  nadie más lo lee."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from att import services as services_att
from att.models import AdjuntoPendiente, Borrador
from seguimiento.models import Avance
from tests import factories

pytestmark = pytest.mark.django_db


def _url(linea):
    return f"/seguimiento/lineas/{linea.pk}/"


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="evidencias__conservado" value="([^"]+)"', html)


def _avance(hito, **extra):
    datos = {"accion": "avance", "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01",
             "narrativa": "Taller realizado"}
    datos.update(extra)
    return datos


def test_el_adjunto_sobrevive_a_un_envio_fallido_y_queda_adjunto(client, linea, oferente):
    client.force_login(oferente)
    hito = linea.hitos.get()
    # Falta la narrativa: el envío falla, pero el archivo no se pierde.
    r = client.post(_url(linea), _avance(hito, narrativa="", evidencias=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Adjuntos conservados" in html
    assert "acta.pdf" in html
    tokens = _tokens(html)
    assert len(tokens) == 1
    assert Avance.objects.count() == 0
    pendiente = AdjuntoPendiente.objects.get()
    assert pendiente.usuario == oferente and pendiente.token == tokens[0]
    # La fecha sigue en ISO en el campo de fecha.
    assert 'value="2026-06-01"' in html

    # Envío corregido, sin volver a elegir el archivo: el conservado queda adjunto.
    r = client.post(_url(linea), _avance(hito, evidencias__conservado=tokens))
    assert r.status_code == 302, r.content.decode()[:3000]
    avance = Avance.objects.get()
    assert [e.nombre for e in avance.evidencias.all()] == ["acta.pdf"]
    assert avance.evidencias.get().archivo.read() == b"%PDF-1.4 acta"
    assert AdjuntoPendiente.objects.get().usado is not None


def test_dos_errores_seguidos_conservan_el_adjunto_y_suman_el_nuevo(client, linea, oferente):
    client.force_login(oferente)
    hito = linea.hitos.get()
    r = client.post(_url(linea), _avance(hito, narrativa="", evidencias=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")))
    primero = _tokens(r.content.decode())
    r = client.post(_url(linea), _avance(hito, porcentaje="150", evidencias__conservado=primero,
                                         evidencias=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b")))
    assert r.status_code == 200
    tokens = _tokens(r.content.decode())
    assert len(tokens) == 2 and tokens[0] == primero[0]
    r = client.post(_url(linea), _avance(hito, evidencias__conservado=tokens))
    assert r.status_code == 302
    assert sorted(e.nombre for e in Avance.objects.get().evidencias.all()) == ["a.pdf", "b.pdf"]


def test_un_archivo_de_tipo_no_permitido_no_se_conserva(client, linea, oferente):
    client.force_login(oferente)
    hito = linea.hitos.get()
    r = client.post(_url(linea), _avance(hito, narrativa="", evidencias=SimpleUploadedFile("virus.exe", b"MZ")))
    assert r.status_code == 200
    assert _tokens(r.content.decode()) == []
    assert AdjuntoPendiente.objects.count() == 0


def test_el_token_de_otra_persona_se_rechaza(client, linea, oferente, entidad_oferente):
    client.force_login(oferente)
    hito = linea.hitos.get()
    r = client.post(_url(linea), _avance(hito, narrativa="", evidencias=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")))
    ajeno = _tokens(r.content.decode())
    colega = factories.persona(entidad_oferente, "oferente")
    client.force_login(colega)
    r = client.post(_url(linea), _avance(hito, evidencias__conservado=ajeno))
    assert r.status_code == 200
    assert "ya no está disponible" in r.content.decode()
    assert Avance.objects.count() == 0
    with pytest.raises(Exception, match="ya no está disponible"):
        services_att.adjuntos_recuperar(por=colega, formulario="seguimiento.avance", tokens=ajeno)


def test_los_pendientes_vencidos_se_purgan(oferente):
    [p] = services_att.adjuntos_conservar(por=oferente, formulario="seguimiento.avance",
                                          archivos=[SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")])
    ruta = p.archivo.name
    assert services_att.purgar_adjuntos_pendientes(ahora=timezone.now()) == 0
    assert services_att.purgar_adjuntos_pendientes(ahora=timezone.now() + timedelta(days=2)) == 1
    assert not AdjuntoPendiente.objects.exists()
    assert not p.archivo.storage.exists(ruta)
    with pytest.raises(Exception, match="ya no está disponible"):
        services_att.adjuntos_recuperar(por=oferente, formulario="seguimiento.avance", tokens=[p.token])


# --- Borradores ------------------------------------------------------------------------------------
def _guardar_borrador(client, linea, **datos):
    return client.post("/borradores/", {"_borrador_formulario": "seguimiento.avance", "_borrador_objeto": linea.pk,
                                        "_token_envio": "no-se-guarda", **datos})


def test_el_borrador_se_restaura_y_se_borra_al_enviar(client, linea, oferente):
    client.force_login(oferente)
    hito = linea.hitos.get()
    r = _guardar_borrador(client, linea, hito=hito.pk, porcentaje="35", fecha_corte="2026-11-30",
                          narrativa="Mesa técnica con la alcaldía")
    assert r.status_code == 200
    assert r.json()["texto"].startswith("Borrador guardado")
    borrador = Borrador.objects.get()
    assert borrador.datos["narrativa"] == "Mesa técnica con la alcaldía"
    assert "_token_envio" not in borrador.datos

    html = client.get(_url(linea)).content.decode()
    assert "Se recuperó un borrador guardado el" in html
    assert "Mesa técnica con la alcaldía</textarea>" in html
    assert 'value="2026-11-30"' in html
    assert 'value="35"' in html
    assert 'data-borrador="seguimiento.avance"' in html

    r = client.post(_url(linea), _avance(hito, narrativa="Mesa técnica con la alcaldía"))
    assert r.status_code == 302
    assert not Borrador.objects.exists()
    assert "Se recuperó un borrador" not in client.get(_url(linea)).content.decode()


def test_otra_persona_no_lee_el_borrador(client, linea, oferente, entidad_oferente):
    client.force_login(oferente)
    _guardar_borrador(client, linea, narrativa="Texto privado del borrador")
    colega = factories.persona(entidad_oferente, "oferente")
    client.force_login(colega)
    html = client.get(_url(linea)).content.decode()
    assert "Texto privado del borrador" not in html
    assert "Se recuperó un borrador" not in html
    # Y no puede descartarlo: descartar borra solo el suyo.
    client.post("/borradores/descartar/", {"formulario": "seguimiento.avance", "objeto": linea.pk})
    assert Borrador.objects.filter(usuario=oferente).exists()


def test_descartar_el_borrador(client, linea, oferente):
    client.force_login(oferente)
    _guardar_borrador(client, linea, narrativa="Algo")
    r = client.post("/borradores/descartar/", {"formulario": "seguimiento.avance", "objeto": linea.pk,
                                               "siguiente": _url(linea)})
    assert r.status_code == 302 and r["Location"] == _url(linea)
    assert not Borrador.objects.exists()


def test_el_borrador_exige_sesion_formulario_conocido_y_limite(client, linea, oferente, monkeypatch):
    from att import views_borradores

    assert _guardar_borrador(client, linea, narrativa="x").status_code == 302  # al ingreso
    client.force_login(oferente)
    r = client.post("/borradores/", {"_borrador_formulario": "att.cualquiera", "narrativa": "x"})
    assert r.status_code == 400
    # Límite de 2 por minuto: 5 guardados seguidos tienen al menos 3 en un mismo minuto.
    monkeypatch.setattr(views_borradores, "GUARDADOS_POR_MINUTO", 2)
    codigos = [_guardar_borrador(client, linea, narrativa=str(i)).status_code for i in range(5)]
    assert 429 in codigos
    assert codigos[0] == 200


# --- Campos de un solo archivo: la evidencia de asistencia -------------------------------------------
def _asistencia(**extra):
    from att.models import Canal, Modalidad

    datos = {"tipo": "asesoria", "entidades": [factories.alcaldia("05001").pk], "fecha": "2026-05-01",
             "modalidad": Modalidad.objects.first().pk, "canal": Canal.objects.first().pk, "participantes": 3}
    datos.update(extra)
    return datos


def _tokens_evidencia(html: str) -> list[str]:
    return re.findall(r'name="evidencia__conservado" value="([^"]+)"', html)


def test_la_evidencia_de_asistencia_sobrevive_a_un_envio_fallido(client, oferente):
    from seguimiento.models import Asesoria

    client.force_login(oferente)
    r = client.post("/seguimiento/asistencia/", _asistencia(
        fecha="", evidencia=SimpleUploadedFile("lista.pdf", b"%PDF-1.4 lista")))
    assert r.status_code == 200
    html = r.content.decode()
    [token] = _tokens_evidencia(html)
    assert "lista.pdf" in html and not Asesoria.objects.exists()
    # El campo no exige otro archivo en el navegador mientras hay uno conservado.
    campo = re.search(r'<input type="file" name="evidencia"[^>]*>', html).group(0)
    assert "required" not in campo
    r = client.post("/seguimiento/asistencia/", _asistencia(evidencia__conservado=token))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Asesoria.objects.get().evidencia_asistencia.read() == b"%PDF-1.4 lista"
    assert AdjuntoPendiente.objects.get().usado is not None


def test_un_archivo_nuevo_reemplaza_al_conservado(client, oferente):
    from seguimiento.models import Asesoria

    client.force_login(oferente)
    r = client.post("/seguimiento/asistencia/", _asistencia(
        fecha="", evidencia=SimpleUploadedFile("vieja.pdf", b"%PDF-1.4 vieja")))
    [token] = _tokens_evidencia(r.content.decode())
    r = client.post("/seguimiento/asistencia/", _asistencia(
        evidencia__conservado=token, evidencia=SimpleUploadedFile("nueva.pdf", b"%PDF-1.4 nueva")))
    assert r.status_code == 302
    assert Asesoria.objects.get().evidencia_asistencia.read() == b"%PDF-1.4 nueva"


def test_el_token_de_evidencia_de_otra_persona_se_rechaza(client, oferente, entidad_oferente):
    from seguimiento.models import Asesoria

    client.force_login(oferente)
    r = client.post("/seguimiento/asistencia/", _asistencia(
        fecha="", evidencia=SimpleUploadedFile("lista.pdf", b"%PDF-1.4 lista")))
    ajeno = _tokens_evidencia(r.content.decode())
    assert len(ajeno) == 1
    client.force_login(factories.persona(entidad_oferente, "oferente"))
    r = client.post("/seguimiento/asistencia/", _asistencia(evidencia__conservado=ajeno))
    assert r.status_code == 200
    assert "ya no está disponible" in r.content.decode()
    assert not Asesoria.objects.exists()
