// Save each answer the moment it is chosen, so closing the browser loses nothing.
"use strict";
(function autosave() {
  const form = document.getElementById("answer-form");
  if (!form) return;
  const note = document.getElementById("saved-note");
  form.addEventListener("change", function (event) {
    if (event.target.name !== "answer") return;
    const data = new FormData(form);
    data.set("action", "next");
    fetch(window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Attune-Autosave": "1" },
    }).then(function (response) {
      if (note) note.textContent = response.ok ? "Saved." : "Not saved yet: we will try again when you press Next.";
    }).catch(function () {
      if (note) note.textContent = "No connection: your answer will be saved when you press Next.";
    });
  });
})();
