// Distress sliders (0-100): show the number with the words of the nearest anchor, for eyes and screen readers.
// The words come from the page's <datalist id="suds-anchors">, so they are written once, in the template.
"use strict";

(function suds() {
  const list = document.getElementById("suds-anchors");
  const anchors = list ? Array.prototype.map.call(list.options, function (o) { return [Number(o.value), o.label]; }) : [];
  function words(value) {
    let best = null;
    anchors.forEach(function (a) { if (best === null || Math.abs(a[0] - value) < Math.abs(best[0] - value)) best = a; });
    return best ? best[1] : "";
  }
  document.querySelectorAll("input[data-suds]").forEach(function (input) {
    const reading = document.getElementById(input.id + "_reading");
    const box = input.closest("[data-suds-field]");
    const rate = box ? box.querySelector("input[type=checkbox]") : null;
    function show() {
      const text = input.value + " · " + words(Number(input.value));
      if (reading) reading.textContent = rate && !rate.checked ? "Not rated. Move the slider if you would like to." : text;
      input.setAttribute("aria-valuetext", text);
    }
    // Moving an optional slider means "include this rating".
    input.addEventListener("input", function () { show(); if (rate) rate.checked = true; });
    input.addEventListener("change", show);
    if (rate) rate.addEventListener("change", show);
    show();
  });
})();
