/* Borrador del lado del servidor: lo escrito en un formulario largo (form[data-borrador]) se guarda
   1,5 s después de la última tecla, para que una conexión caída no pierda nada. Sin archivos ni el
   token de envío. Mejora progresiva: sin JavaScript el formulario funciona igual. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.FormData) {
    return;
  }
  var URL = script.getAttribute("data-url");
  var TEXTO_ERROR = script.getAttribute("data-texto-error") || "";
  var ESPERA_MS = 1500;
  var OMITIR = { "_token_envio": true };

  function preparar(form) {
    var temporizador = null;
    var estado = document.getElementById(form.getAttribute("data-borrador-estado") || "");

    function avisar(texto) {
      if (estado) {
        estado.textContent = texto;
      }
    }

    function guardar() {
      var datos = new FormData();
      new FormData(form).forEach(function (valor, clave) {
        if (typeof valor === "string" && !OMITIR[clave] && clave.slice(-12) !== "__conservado") {
          datos.append(clave, valor);
        }
      });
      datos.append("_borrador_formulario", form.getAttribute("data-borrador"));
      datos.append("_borrador_objeto", form.getAttribute("data-borrador-objeto") || "0");
      fetch(URL, { method: "POST", body: datos, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (j) { avisar(j.texto); })
        .catch(function () { avisar(TEXTO_ERROR); });
    }

    function programar(evento) {
      if (evento.target && evento.target.type === "file") {
        return;
      }
      window.clearTimeout(temporizador);
      temporizador = window.setTimeout(guardar, ESPERA_MS);
    }

    form.addEventListener("input", programar);
    form.addEventListener("change", programar);
    form.addEventListener("submit", function () { window.clearTimeout(temporizador); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-borrador]"), preparar);
})();
