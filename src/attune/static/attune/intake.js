// The intake: save each answer the moment it is given (choices at once, free text after a pause in typing),
// so that closing the browser, or the battery running out, loses nothing.
"use strict";
(function autosave() {
  const form = document.getElementById("intake-form");
  if (!form) return;
  const note = document.getElementById("intake-saved");
  let timer = null;
  // Saves go one after another, so an earlier save never lands after a later one or after the form is sent.
  let queue = Promise.resolve();

  function say(text) {
    if (note) note.textContent = text;
  }

  function save() {
    timer = null;
    const data = new FormData(form);
    data.set("action", "next");
    queue = queue.then(function () {
      return fetch(window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Attune-Autosave": "1" },
      }).then(function (response) {
        say(response.ok ? "Saved." : "Not saved yet: it will be saved when you press Next.");
      }).catch(function () {
        say("No connection: your answer will be saved when you press Next.");
      });
    });
  }

  function soon(delay) {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "codes" || event.target.name === "text") soon(0);
  });
  form.addEventListener("input", function (event) {
    if (event.target.name === "text") soon(1500);
  });
  // Pressing a button sends the form itself: a save still waiting would only repeat it, and one in flight is
  // allowed to land first.
  form.addEventListener("submit", function (event) {
    if (timer) window.clearTimeout(timer);
    const button = event.submitter;
    event.preventDefault();
    queue.then(function () {
      if (button && button.name) {
        const hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        form.appendChild(hidden);
      }
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
