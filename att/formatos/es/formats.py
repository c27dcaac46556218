"""Fechas en los formularios: ISO (AAAA-MM-DD) primero.

Un `<input type="date">` solo acepta su valor en ISO; con el formato de Django para español
(`30/11/2026`) el navegador muestra el campo vacío y bloquea el formulario. El primer formato de esta
lista es el que usa todo `DateInput` sin formato propio para mostrar la fecha; los demás se siguen
aceptando al leer lo que se escribe (p. ej. en una importación o un campo de texto)."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-11-30' (lo que envía <input type="date">)
    "%d/%m/%Y",  # '30/11/2026'
    "%d/%m/%y",  # '30/11/26'
    "%Y%m%d",  # '20261130'
]
