// The rehearsal's "Hear it": reads the other person's line aloud, where the browser can speak. Without speech the
// button stays hidden and the line is there to read.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") return;
  document.querySelectorAll("[data-speak]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-speak"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      window.speechSynthesis.cancel();
      var utterance = new window.SpeechSynthesisUtterance(target.textContent);
      utterance.rate = 0.95;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
