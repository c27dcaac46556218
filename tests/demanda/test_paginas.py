"""Páginas: formulario (errores en español sin perder datos), adjuntos, acceso por entidad, admin."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from att.models import Notificacion, Tema
from demanda.models import Demanda
from demanda.models import EstadoDemanda as E
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db




def test_registrar_por_la_pagina(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get(reverse("demanda:nueva"))
    assert r.status_code == 200 and "Registrar una necesidad" in r.content.decode()
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001")))
    d = Demanda.objects.get()
    assert r.status_code == 302 and r.url == reverse("demanda:detalle", args=[d.pk])
    pagina = client.get(r.url).content.decode()
    assert "Línea de tiempo" in pagina and "Registrada" in pagina


def test_error_se_muestra_en_espanol_y_no_se_pierde_nada(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001"), titulo="Corto", fecha_deseada="2001-01-01"))
    html = r.content.decode()
    assert r.status_code == 200 and Demanda.objects.count() == 0
    assert 'id="resumen-errores"' in html and 'href="#id_titulo"' in html
    assert "Asegúrese de que este valor tenga como mínimo 10 caracteres" in html
    assert "La fecha deseada no puede ser anterior a hoy." in html
    # Lo demás sigue escrito
    assert "La secretaría de planeación necesita acompañamiento." in html
    assert 'value="Corto"' in html and 'value="metas_pdt" selected' in html
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001"), titulo=""))
    assert "Este campo es requerido." in r.content.decode()


def test_equipo_departamental_elige_municipios_de_su_departamento(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    html = client.get(reverse("demanda:nueva")).content.decode()
    assert "Alcaldía de Medellín" in html and "Alcaldía de Cali" not in html
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("76001")))
    assert r.status_code == 200 and "Escoja una opción válida" in r.content.decode()
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001")))
    assert r.status_code == 302
    fabricas.demanda(factories.alcaldia("05002"), equipo_antioquia, titulo="Necesidad de Abejorral")
    lista = client.get(reverse("demanda:mis-demandas")).content.decode()
    assert "Apoyo para formular el plan indicativo" in lista and "Necesidad de Abejorral" in lista


@pytest.mark.parametrize("nombre,contenido,mensaje", [
    ("virus.exe", b"MZ", "no es de un tipo permitido"),
    ("grande.pdf", b"0" * (2 * 1024 + 1), "el máximo es"),
])
def test_adjunto_prohibido_o_grande_se_rechaza(client, funcionario_medellin, settings, nombre, contenido, mensaje):
    settings.ATT_ADJUNTO_MAX_BYTES = 2 * 1024
    client.force_login(funcionario_medellin)
    archivo = SimpleUploadedFile(nombre, contenido)
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001"), adjuntos=[archivo]))
    assert r.status_code == 200 and mensaje in r.content.decode()
    assert Demanda.objects.count() == 0
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    r = client.post(reverse("demanda:adjuntar", args=[d.pk]), {"archivo": SimpleUploadedFile(nombre, contenido)}, follow=True)
    assert mensaje in r.content.decode() and d.adjuntos.count() == 0


def test_adjunto_valido_se_guarda(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001"),
                    adjuntos=[SimpleUploadedFile("diagnostico.pdf", b"%PDF-1.4 prueba")]))
    d = Demanda.objects.get()
    assert r.status_code == 302 and d.adjuntos.get().nombre == "diagnostico.pdf"
    r = client.get(reverse("demanda:adjunto", args=[d.pk, d.adjuntos.get().pk]))
    assert r.status_code == 200


def test_otra_entidad_no_ve_ni_cambia(client, funcionario_medellin, funcionario_cali):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    client.force_login(funcionario_cali)
    assert client.get(reverse("demanda:detalle", args=[d.pk])).status_code == 404
    assert client.get(reverse("demanda:editar", args=[d.pk])).status_code == 404
    assert client.post(reverse("demanda:accion", args=[d.pk, "cerrar"]), {"calificacion": 5}).status_code == 404
    assert client.post(reverse("demanda:adjuntar", args=[d.pk]), {}).status_code == 404
    assert d.titulo not in client.get(reverse("demanda:mis-demandas")).content.decode()


def test_auditor_ve_pero_no_cambia(client, funcionario_medellin, auditor):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    client.force_login(auditor)
    assert client.get(reverse("demanda:detalle", args=[d.pk])).status_code == 200
    assert client.post(reverse("demanda:accion", args=[d.pk, "analizar"])).status_code == 403
    assert client.get(reverse("demanda:nueva")).status_code == 403


def test_admin_acotado_por_entidad(client, funcionario_medellin, funcionario_cali, admin_dnp):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    funcionario_cali.is_staff = True
    funcionario_cali.save()
    client.force_login(funcionario_cali)
    assert client.get(reverse("admin:demanda_demanda_change", args=[d.pk])).status_code in (302, 403, 404)
    assert d.titulo not in client.get(reverse("admin:demanda_demanda_changelist")).content.decode()
    client.force_login(funcionario_medellin)  # sin is_staff: el admin lo manda a ingresar
    assert client.get(reverse("admin:demanda_demanda_changelist")).status_code == 302
    client.force_login(admin_dnp)
    assert d.titulo in client.get(reverse("admin:demanda_demanda_changelist")).content.decode()


def test_dnp_analiza_y_vincula_desde_la_pagina(client, funcionario_medellin, admin_dnp, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, temas=["planeacion"])
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    client.force_login(admin_dnp)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    assert "Ofertas candidatas" in html and oferta.nombre in html and "Tema: coincide en «Planeación»." in html
    client.post(reverse("demanda:accion", args=[d.pk, "analizar"]), {"motivo": "Revisando"})
    r = client.post(reverse("demanda:accion", args=[d.pk, "vincular"]), {"oferta": oferta.pk}, follow=True)
    d.refresh_from_db()
    assert d.estado == E.VINCULADA and d.oferta == oferta
    assert "Demanda vinculada a la oferta." in r.content.decode()
    r = client.post(reverse("demanda:accion", args=[d.pk, "no_pertinente"]), {"motivo": "x"}, follow=True)
    assert "no puede pasar a «No pertinente»" in r.content.decode()


def test_la_et_cierra_con_calificacion(client, funcionario_medellin):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.ATENDIDA)
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:accion", args=[d.pk, "cerrar"]), {"calificacion": "9"}, follow=True)
    assert "Escoja una opción válida" in r.content.decode()
    client.post(reverse("demanda:accion", args=[d.pk, "cerrar"]), {"calificacion": "5", "comentario": "Excelente"})
    d.refresh_from_db()
    assert d.estado == E.CERRADA and d.calificacion == 5


def test_solicitar_esta_asistencia_precarga_la_oferta(client, funcionario_medellin, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, temas=["vivienda"], etapas=["planeacion"], modalidades=["asesoria"])
    client.force_login(funcionario_medellin)
    html = client.get(reverse("demanda:nueva") + f"?oferta={oferta.pk}").content.decode()
    assert f"Solicitud: {oferta.nombre}" in html and "Está solicitando la oferta" in html
    vivienda = Tema.objects.get(codigo="vivienda").pk
    assert re.search(rf'<input type="checkbox" name="temas" value="{vivienda}"[^>]* checked>', html)
    r = client.post(reverse("demanda:nueva") + f"?oferta={oferta.pk}",
                    fabricas.datos_formulario(factories.alcaldia("05001"), temas=[vivienda], oferta=oferta.pk))
    assert r.status_code == 302
    assert Demanda.objects.get().oferta == oferta
    borrador = fabricas.oferta(entidad_oferente, estado="borrador")
    assert client.get(reverse("demanda:nueva") + f"?oferta={borrador.pk}").status_code == 404


def test_mis_alertas_y_marcar_leida(client, oferente, otro_oferente):
    """Las alertas de la demanda se ven y se marcan en la página del núcleo (no hay una propia)."""
    n = Notificacion.objects.create(usuario=oferente, categoria="demanda_coincide", titulo="Nueva demanda X", url="/demanda/")
    ajena = Notificacion.objects.create(usuario=otro_oferente, categoria="x", titulo="Ajena")
    client.force_login(oferente)
    lista = client.get(reverse("demanda:mis-demandas")).content.decode()
    assert f'href="{reverse("nucleo:alertas")}"' in lista
    html = client.get(reverse("nucleo:alertas")).content.decode()
    assert "Nueva demanda X" in html and "Ajena" not in html
    client.post(reverse("nucleo:alerta-leida", args=[n.pk]))
    client.post(reverse("nucleo:alerta-leida", args=[ajena.pk]))
    n.refresh_from_db()
    ajena.refresh_from_db()
    assert n.leida_en is not None and ajena.leida_en is None
    assert client.get("/demanda/alertas/").status_code == 404


def test_brechas_solo_dnp(client, funcionario_medellin, admin_dnp, entidad_oferente):
    fabricas.oferta(entidad_oferente, temas=["planeacion"])
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["planeacion"])
    fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["centros-reclusion"])
    client.force_login(funcionario_medellin)
    assert client.get(reverse("demanda:brechas")).status_code == 403
    client.force_login(admin_dnp)
    html = client.get(reverse("demanda:brechas")).content.decode()
    assert "Centros de reclusión" in html and "Antioquia" in html and "1 demanda sin oferta" in html
    # Gráficos SVG (att/graficos.py): la serie por mes de registro y las comparaciones por tema y departamento.
    for id_ in ("g-brechas-mes", "g-brechas-tema", "g-brechas-departamento"):
        assert f'role="img" id="{id_}"' in html
    assert "style=" not in html


def test_brechas_ordenadas_por_valor_y_consultas_fijas(client, funcionario_medellin, admin_dnp,
                                                       django_assert_max_num_queries):
    import xml.etree.ElementTree as ET

    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    fabricas.demanda(medellin, funcionario_medellin, temas=["centros-reclusion"])
    for _ in range(3):
        fabricas.demanda(cali, funcionario_medellin, temas=["centros-reclusion"])
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(13):  # 12 + la serie mensual
        r = client.get(reverse("demanda:brechas"))
    svg = r.context["grafico_departamento"].svg
    nombres = [t.text for t in ET.fromstring(str(svg)).iter("{http://www.w3.org/2000/svg}text")
               if "g-nombre" in t.get("class")]
    assert nombres == ["Valle del Cauca", "Antioquia"]  # de mayor a menor, no por nombre
    assert r.context["grafico_serie"].filas[-1][1] == "4"


def test_editar_conserva_y_alerta(client, funcionario_medellin, funcionario_cali):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Título original de la demanda")
    client.force_login(funcionario_medellin)
    html = client.get(reverse("demanda:editar", args=[d.pk])).content.decode()
    assert 'value="Título original de la demanda"' in html and 'name="entidad"' not in html
    datos = fabricas.datos_formulario(factories.alcaldia("05001"), titulo="Título corregido de la demanda")
    datos.pop("entidad")
    r = client.post(reverse("demanda:editar", args=[d.pk]), datos)
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.titulo == "Título corregido de la demanda" and d.fecha_deseada.isoformat() == "2099-03-15"
    assert "La entidad actualizó los datos" in client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()


def test_oferente_remitido_atiende_desde_la_pagina(client, funcionario_medellin, admin_dnp, oferente, otro_oferente,
                                                  entidad_oferente):
    from demanda import services

    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["centros-reclusion"])
    client.force_login(otro_oferente)
    assert client.get(reverse("demanda:detalle", args=[d.pk])).status_code == 404
    services.demanda_remitir(demanda=d, por=admin_dnp, entidad_competente=entidad_oferente)
    client.force_login(oferente)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    assert "Poner en atención" in html and "Ofertas candidatas" not in html
    client.post(reverse("demanda:accion", args=[d.pk, "atencion"]))
    client.post(reverse("demanda:accion", args=[d.pk, "atendida"]), {"motivo": "Mesa técnica realizada"})
    d.refresh_from_db()
    assert d.estado == E.ATENDIDA
    client.force_login(otro_oferente)
    assert client.post(reverse("demanda:accion", args=[d.pk, "atencion"])).status_code == 404


def test_parametros_con_nul_no_rompen(client, admin_dnp):
    client.force_login(admin_dnp)
    for url in ("demanda:mis-demandas", "demanda:exportar", "demanda:brechas"):
        r = client.get(reverse(url), {"q": "a\x00b", "tema": "\x00", "departamento": "0\x00", "estado": "\x00"})
        assert r.status_code == 200


def test_lista_por_cursor_recorre_todo_sin_repetir(client, funcionario_medellin, monkeypatch):
    """La lista avanza y vuelve por cursor (sin OFFSET ni COUNT completo): cada demanda sale una
    vez, en orden, también con fechas de registro iguales; más allá del tope dice «Más de N»."""
    monkeypatch.setattr("demanda.paginacion.TOPE_CONTEO", 40)
    medellin = factories.alcaldia("05001")
    ids = [fabricas.demanda(medellin, funcionario_medellin).pk for _ in range(60)]
    Demanda.objects.filter(pk__in=ids[10:30]).update(creada=Demanda.objects.get(pk=ids[10]).creada)
    orden = list(Demanda.objects.order_by("-creada", "-pk").values_list("pk", flat=True))
    client.force_login(funcionario_medellin)
    r = client.get(reverse("demanda:mis-demandas"), {"estado": E.REGISTRADA})
    assert "Más de 40 demandas" in r.content.decode()
    vistas, paginas = [], []
    while True:
        pagina = r.context["pagina"]
        paginas.append([d.pk for d in pagina.object_list])
        vistas += paginas[-1]
        if not pagina.siguiente:
            break
        assert f"estado=registrada&amp;despues={pagina.siguiente}" in r.content.decode()
        r = client.get(reverse("demanda:mis-demandas"), {"estado": E.REGISTRADA, "despues": pagina.siguiente})
    assert vistas == orden and len(paginas) == 3
    r = client.get(reverse("demanda:mis-demandas"), {"estado": E.REGISTRADA, "antes": r.context["pagina"].anterior})
    assert [d.pk for d in r.context["pagina"].object_list] == paginas[1]
    # Un cursor alterado no rompe la página: muestra las más recientes.
    for malo in ("x", "1-", "99999999999999999999-1", "-5", "\x00", "1-2-3"):
        r = client.get(reverse("demanda:mis-demandas"), {"despues": malo, "antes": malo})
        assert r.status_code == 200 and [d.pk for d in r.context["demandas"]] == paginas[0]


def test_admin_la_entidad_no_cambia_la_entidad_ni_sube_adjuntos_sin_validar(client, funcionario_medellin, admin_dnp):
    """En el administrador, la ET no pasa su demanda a otra entidad, no sube adjuntos sin la
    validación de la página y no cambia lo que ya se remitió."""
    funcionario_medellin.is_staff = True
    funcionario_medellin.save()
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Demanda en el administrador")
    client.force_login(funcionario_medellin)
    url = reverse("admin:demanda_demanda_change", args=[d.pk])
    html = client.get(url).content.decode()
    assert 'name="titulo"' in html and 'name="entidad"' not in html
    assert 'name="adjuntos-0-archivo"' not in html and "adjuntos-__prefix__" not in html
    d.estado = E.REMITIDA
    d.save()
    html = client.get(url).content.decode()
    assert 'name="titulo"' not in html  # solo lectura
    client.force_login(admin_dnp)
    assert 'name="titulo"' in client.get(url).content.decode()


def test_detalle_con_acciones_sin_ids_repetidos(client, funcionario_medellin, admin_dnp):
    """Analizar, remitir y no pertinente comparten la página y tienen «motivo»: cada etiqueta
    apunta a su propio campo, y la ayuda se anuncia con aria-describedby."""
    import re
    from collections import Counter

    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin)
    client.force_login(admin_dnp)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="analizar_motivo"' in html and 'for="no_pertinente_motivo"' in html and 'for="remitir_motivo"' in html
    d.estado = E.ATENDIDA
    d.save()
    client.force_login(funcionario_medellin)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    # La ayuda la liga Django (aria-describedby="<id>_helptext", el id que le da includes/campo.html).
    assert 'aria-describedby="adjunto_archivo_helptext"' in html and 'id="adjunto_archivo_helptext"' in html


def test_editar_lo_ya_remitido_lleva_al_detalle_con_el_motivo(client, funcionario_medellin):
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, estado=E.REMITIDA)
    client.force_login(funcionario_medellin)
    r = client.get(reverse("demanda:editar", args=[d.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("demanda:detalle", args=[d.pk])
    assert "no se puede cambiar" in r.content.decode()
    assert "Cambiar los datos" not in r.content.decode()


def test_la_explicacion_con_las_palabras_en_comun_la_ven_el_dnp_y_la_et(client, funcionario_medellin, admin_dnp,
                                                                       entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, temas=["marco-fiscal"], nombre="Marco fiscal de mediano plazo",
                             descripcion="Plan financiero a diez años.")
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["hacienda-finanzas"],
                         titulo="ayuda con el marco fiscal", descripcion="no sabemos hacer el plan financiero")
    linea = "Texto: coinciden «marco fiscal», «plan financiero»."
    client.force_login(admin_dnp)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    assert oferta.nombre in html and linea in html and "Vincular a esta oferta" in html
    client.force_login(funcionario_medellin)
    html = client.get(reverse("demanda:detalle", args=[d.pk])).content.decode()
    # La entidad ve la misma explicación, con el criterio en palabras sencillas (issue 15).
    assert "Ofertas que coinciden con su necesidad" in html
    assert "<dt>Palabras de su necesidad</dt><dd>Coinciden «marco fiscal», «plan financiero».</dd>" in html
    assert "Vincular a esta oferta" not in html  # la entidad no vincula
