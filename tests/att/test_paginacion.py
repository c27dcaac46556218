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
