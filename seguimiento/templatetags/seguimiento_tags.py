from decimal import ROUND_HALF_UP, Decimal

from django import template

from seguimiento.models import Semaforo

register = template.Library()


@register.filter
def semaforo_nombre(valor):
    try:
        return Semaforo(valor).label
    except ValueError:
        return "—"


@register.filter
def ancho(valor, maximo=100):
    """Ancho CSS (con punto decimal) de una barra, acotado a 0–100 %."""
    if valor is None:
        return "0"
    try:
        pct = Decimal(str(valor)) * 100 / Decimal(str(maximo or 100))
    except (ArithmeticError, ValueError):
        return "0"
    return f"{max(Decimal(0), min(Decimal(100), pct)):.1f}"


@register.filter
def paso(valor, maximo=100):
    """Ancho entero 0–100 de una barra, para las clases `ancho-N` / `izq-N` de att.css.

    Sin `style="width: …"` en línea: la Content-Security-Policy (style-src 'self') lo bloquearía.
    """
    return int(Decimal(ancho(valor, maximo)).to_integral_value(rounding=ROUND_HALF_UP))


@register.filter
def pct(valor, lugares=1):
    if valor is None:
        return "—"
    texto = f"{Decimal(str(valor)):,.{int(lugares)}f}"
    return texto.replace(",", "X").replace(".", ",").replace("X", ".")
