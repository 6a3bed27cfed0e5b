/* Nombres en français sur les pages de la salle (participant, projection) : un formateur, et les valeurs des
   curseurs dans un <output> (« 60 000 », « 0,005 ») tenu au pas du texte de Vega, caché (Vega écrit « 60000 ») ;
   aussi quand une étape du programme fixe la valeur. */
window.atelierNombres = (function () {
  "use strict";
  var french = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 6 });
  function frenchRanges(box) {
    box.querySelectorAll(".vega-bind input[type=range]").forEach(function (input) {
      var raw = input.nextElementSibling;
      if (!raw || raw.tagName !== "SPAN") return;
      raw.hidden = true;
      var out = document.createElement("output");
      out.className = "valeur";
      raw.insertAdjacentElement("afterend", out);
      function show() { out.textContent = french.format(Number(input.value)); }
      show();
      input.addEventListener("input", show);
      new MutationObserver(show).observe(raw, { childList: true, characterData: true, subtree: true });
    });
  }
  return { french: french, frenchRanges: frenchRanges };
})();
