// Save each answer the moment it is chosen, so closing the browser loses nothing. Saves go one after another
// (a later choice never lands before an earlier one), and Next waits for the last save to finish.
"use strict";
(function autosave() {
  const form = document.getElementById("answer-form");
  if (!form) return;
  const note = document.getElementById("saved-note");
  let queue = Promise.resolve();
  function save() {
    const data = new FormData(form);
    data.set("action", "next");
    queue = queue.then(function () {
      return fetch(window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Attune-Autosave": "1" },
      }).then(function (response) {
        if (note) note.textContent = response.ok ? "Saved." : "Not saved yet: we will try again when you press Next.";
      }).catch(function () {
        if (note) note.textContent = "No connection: your answer will be saved when you press Next.";
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "answer") save();
  });
  form.addEventListener("submit", function (event) {
    const button = event.submitter;
    event.preventDefault();
    queue.then(function () {
      // Resubmit with the button that was pressed, now that every earlier save has landed.
      if (button) {
        const hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        form.appendChild(hidden);
      }
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
