/* Un formulario, un envío: tras el primer clic los botones de envío quedan deshabilitados y dicen
   «Enviando…». Mejora progresiva: sin JavaScript el formulario funciona igual y el token de envío
   ({% token_envio %}) evita el registro doble en el servidor. */
(function () {
  "use strict";
  var script = document.currentScript;
  var TEXTO = (script && script.getAttribute("data-texto-enviando")) || "Enviando…";
  var REHABILITAR_MS = 20000; // por si la respuesta es una descarga y la página no cambia

  function botones(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && (el.type || "submit") === "submit") ||
        (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }

  function bloquear(form, emisor) {
    form.setAttribute("data-enviando", "");
    form.setAttribute("aria-busy", "true");
    botones(form).forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-disabled", "true");
      if (b === emisor) {
        var propiedad = b.tagName === "INPUT" ? "value" : "textContent";
        b.setAttribute("data-texto-original", b[propiedad]);
        b[propiedad] = TEXTO;
      }
    });
  }

  function liberar(form) {
    form.removeAttribute("data-enviando");
    form.removeAttribute("aria-busy");
    botones(form).forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-disabled");
      if (b.hasAttribute("data-texto-original")) {
        b[b.tagName === "INPUT" ? "value" : "textContent"] = b.getAttribute("data-texto-original");
        b.removeAttribute("data-texto-original");
      }
    });
  }

  document.addEventListener("submit", function (evento) {
    var form = evento.target;
    if (evento.defaultPrevented || (form.method || "").toLowerCase() !== "post" ||
        form.hasAttribute("data-sin-bloqueo")) {
      return;
    }
    if (form.hasAttribute("data-enviando")) {
      evento.preventDefault(); // segundo clic: el primer envío ya va en camino
      return;
    }
    var emisor = evento.submitter || null;
    form.setAttribute("data-enviando", "");
    // Se deshabilita después de que el navegador arma los datos: así viaja el valor del botón pulsado.
    window.setTimeout(function () { bloquear(form, emisor); }, 0);
    window.setTimeout(function () { liberar(form); }, REHABILITAR_MS);
  });

  // Sin JavaScript en línea (la Content-Security-Policy solo admite archivos propios): el resumen de
  // errores marcado con data-enfocar recibe el foco al cargar y los botones data-imprimir imprimen.
  document.addEventListener("DOMContentLoaded", function () {
    var resumen = document.querySelector("[data-enfocar]");
    if (resumen) {
      resumen.focus();
    }
  });
  document.addEventListener("click", function (evento) {
    var boton = evento.target.closest && evento.target.closest("[data-imprimir]");
    if (boton) {
      window.print();
    }
  });

  // Al volver con «Atrás» la página sale de la caché del navegador con los botones deshabilitados.
  window.addEventListener("pageshow", function (evento) {
    if (evento.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-enviando]"), liberar);
    }
  });
})();
