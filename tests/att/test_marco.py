"""El marco del tablero del DNP (encabezado, menús, pie) recordado por persona y proceso (`att.marco`):
lo recordado es lo que se pintaría de nuevo, con el token CSRF de cada solicitud, y cambia en la visita
siguiente cuando cambia algo de lo que muestra."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.middleware.csrf import _does_token_match
from django.test import RequestFactory

from att import marco
from att.models import Membresia, Notificacion, Rol, Usuario
from tests import factories

pytestmark = pytest.mark.django_db

_CAMPO_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pagina(client):
    r = client.get("/seguimiento/")
    assert r.status_code == 200
    return r, r.content.decode()


def _plantillas(respuesta) -> list[str]:
    return [t.name for t in respuesta.templates]


def test_la_segunda_visita_no_pinta_el_marco_y_es_la_misma_pagina(client, auditor):
    client.force_login(auditor)
    r1, primera = _pagina(client)
    assert "base.html" in _plantillas(r1)
    r2, segunda = _pagina(client)
    assert "base.html" not in _plantillas(r2)  # recordado: no se pintó
    assert _CAMPO_CSRF.sub("", primera) == _CAMPO_CSRF.sub("", segunda)
    # Sin recordar (memoria vacía) sale la misma página.
    marco.olvidar_marcos()
    r3, tercera = _pagina(client)
    assert "base.html" in _plantillas(r3)
    assert _CAMPO_CSRF.sub("", tercera) == _CAMPO_CSRF.sub("", segunda)


def test_cada_visita_lleva_su_token_csrf_valido(client, auditor):
    client.force_login(auditor)
    _r, primera = _pagina(client)
    _r, segunda = _pagina(client)
    token1, token2 = _CAMPO_CSRF.search(primera)[1], _CAMPO_CSRF.search(segunda)[1]
    assert marco._MARCA_CSRF not in segunda
    assert token1 != token2  # enmascarado de nuevo en cada solicitud
    secreto = client.cookies["csrftoken"].value
    assert _does_token_match(token1, secreto)
    assert _does_token_match(token2, secreto)
    # Y sirve: salir con el token de la página recordada.
    client.handler.enforce_csrf_checks = True
    r = client.post("/salir/", {"csrfmiddlewaretoken": token2})
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session


def test_una_alerta_nueva_se_ve_en_la_visita_siguiente(client, auditor):
    client.force_login(auditor)
    _r, antes = _pagina(client)
    assert 'class="insignia"' not in antes
    Notificacion.objects.create(usuario=auditor, categoria="prueba", titulo="Avance por validar")
    r, despues = _pagina(client)
    assert "base.html" in _plantillas(r)
    assert re.search(r'<span class="insignia" aria-label="1 sin leer">1</span>', despues)


def test_el_nombre_y_la_entidad_de_la_persona_se_ven_al_cambiar(client, auditor):
    client.force_login(auditor)
    _pagina(client)
    Usuario.objects.filter(pk=auditor.pk).update(nombre="Rocío Peñaloza")
    _r, pagina = _pagina(client)
    assert '<span class="sesion__nombre">Rocío Peñaloza</span>' in pagina
    # Deja su membresía en el DNP y sigue de auditora en otra entidad: su encabezado dice la nueva.
    otra = factories.alcaldia("05001")
    Membresia.objects.filter(usuario=auditor).update(activa=False)
    Membresia.objects.create(usuario=auditor, entidad=otra, rol=Rol.AUDITOR)
    _r, pagina = _pagina(client)
    assert f'<span class="sesion__entidad">{otra.nombre}</span>' in pagina


def test_cada_persona_con_su_marco(client, auditor):
    otra = factories.persona(factories.dnp(), Rol.AUDITOR, nombre="Otra Auditora")
    client.force_login(auditor)
    _pagina(client)
    client.force_login(otra)
    _r, pagina = _pagina(client)
    assert '<span class="sesion__nombre">Otra Auditora</span>' in pagina
    assert f">{auditor.nombre}<" not in pagina


def _solicitud(usuario):
    request = RequestFactory().get("/seguimiento/")
    request.user = Usuario.objects.get(pk=usuario.pk)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_con_mensajes_pendientes_no_se_recuerda(auditor):
    from django.contrib import messages

    request = _solicitud(auditor)
    messages.info(request, "Su sesión se cerró por inactividad.")
    assert len(get_messages(request)) == 1
    pagina = marco.pintar(request, "seguimiento/tablero.html", {"cuerpo_tablero": "cuerpo"})
    assert "Su sesión se cerró por inactividad." in pagina
    assert len(marco._MARCOS) == 0
    # Sin mensajes, sí.
    marco.pintar(_solicitud(auditor), "seguimiento/tablero.html", {"cuerpo_tablero": "cuerpo"})
    assert len(marco._MARCOS) == 1


def test_un_contexto_que_no_se_compara_no_se_recuerda(auditor):
    pagina = marco.pintar(_solicitud(auditor), "seguimiento/tablero.html", {"cuerpo_tablero": ["no", "hashable"]})
    assert "hashable" in pagina
    assert len(marco._MARCOS) == 0


def test_el_enlace_de_administracion_sigue_a_is_staff(auditor):
    # Con is_staff la página exige el segundo factor (att/mfa.py): el marco se pide directo, sin middleware.
    def pagina():
        return marco.pintar(_solicitud(auditor), "seguimiento/tablero.html", {"cuerpo_tablero": "cuerpo"})

    assert ">Administración</a>" not in pagina()
    Usuario.objects.filter(pk=auditor.pk).update(is_staff=True)
    assert ">Administración</a>" in pagina()
    assert len(marco._MARCOS) == 2


# Lo que pintan las plantillas del marco del tablero, revisado contra `att.marco._clave`: cada variable sale de la
# persona (nombre, is_staff, alertas y entidad de `plataforma`), de la ruta o de los mensajes (que no se recuerdan);
# las etiquetas de menú dependen de la ruta y de los permisos de `PERMISOS_DE_LOS_MENUS`.
_VARIABLES_DEL_MARCO = {
    "alertas_sin_leer", "cuerpo_tablero", "entidad_usuario_nombre", "m", "m.tags", "messages", "n",
    "request.get_full_path", "request.path", "request.resolver_match.url_name", "user.is_authenticated",
    "user.is_staff", "user.nombre",
}
_ETIQUETAS_DEL_MARCO = {
    "block", "blocktranslate", "csrf_token", "else", "endblock", "endblocktranslate", "endfor", "endif", "extends",
    "for", "if", "load", "navegacion_areas", "plural", "secciones_seguimiento", "static", "translate", "url",
}


def test_lo_que_pinta_el_marco_esta_revisado_contra_su_clave():
    """Una variable o etiqueta nueva en el marco falla aquí: hay que decidir si va en la clave de `att.marco`
    (o si es de cada solicitud, como un nonce, y entonces el marco no se puede recordar) y agregarla arriba."""
    variables, etiquetas = set(), set()
    carpeta = Path(settings.BASE_DIR) / "templates"
    for nombre in ("base.html", "seguimiento/base_seguimiento.html", "seguimiento/tablero.html"):
        fuente = re.sub(r"{#.*?#}", "", (carpeta / nombre).read_text())
        variables |= set(re.findall(r"{{\s*([\w.]+)", fuente))
        for etiqueta in re.findall(r"{%\s*(.*?)\s*%}", fuente):
            nombre_etiqueta, *resto = etiqueta.split()
            etiquetas.add(nombre_etiqueta)
            if nombre_etiqueta in ("if", "elif", "for"):
                variables |= {p for p in resto if re.fullmatch(r"[a-z_][\w.]*", p)
                              and p not in ("and", "or", "not", "in")}
    assert variables == _VARIABLES_DEL_MARCO
    assert etiquetas == _ETIQUETAS_DEL_MARCO


def test_con_otra_consulta_el_mismo_marco(client, auditor):
    client.force_login(auditor)
    client.get("/seguimiento/?agenda=1")
    client.get("/seguimiento/?agenda=01")
    client.get("/seguimiento/")
    assert len(marco._MARCOS) == 1
