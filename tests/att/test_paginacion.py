import pytest
from django.template import Context, Template
from django.test import RequestFactory


def test_paginacion_conserva_filtros_repetidos_y_numeros_sin_separador():
    class Pagina:
        number, has_other_pages, has_previous, has_next = 1000, True, True, True
        previous_page_number, next_page_number = 999, 1001

        class paginator:
            num_pages = 2000

    request = RequestFactory().get("/oferta/", {"tema": ["3", "7"], "q": "planeación", "page": "1000"})
    html = Template('{% include "includes/paginacion.html" %}').render(Context({"pagina": Pagina(), "request": request}))
    assert "tema=3&amp;tema=7" in html and "page=1001" in html and "page=999" in html
    assert "Página 1000 de 2000" in html
    assert "1.000" not in html


def _cursor_decodificado(ordering, posicion: str):
    import base64
    from urllib.parse import urlencode

    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from att.api.paginacion import PaginacionCursor
    from oferta.models import Oferta

    paginador = PaginacionCursor()
    paginador._modelo, paginador.ordering = Oferta, ordering
    cursor = base64.b64encode(urlencode({"p": posicion}).encode()).decode()  # como `encode_cursor` de DRF
    return paginador.decode_cursor(Request(APIRequestFactory().get("/", {"cursor": cursor})))


def test_el_cursor_valida_la_posicion_con_el_campo_del_orden():
    from rest_framework.exceptions import NotFound

    assert _cursor_decodificado(("-pk",), "41").position == "41"
    assert _cursor_decodificado(("actualizada", "pk"), "2026-11-30 15:00:00+00:00").position.startswith("2026")
    for orden, posicion in ((("-pk",), "abc"), (("actualizada", "pk"), "ayer")):
        with pytest.raises(NotFound, match="Cursor inválido: siga los enlaces"):
            _cursor_decodificado(orden, posicion)
    # Un orden a través de una relación no es un campo del modelo: lo valida el ORM al filtrar.
    assert _cursor_decodificado(("entidad__nombre", "pk"), "Zeta").position == "Zeta"
