// A draft session note saves itself a few seconds after the clinician stops typing. Each save carries the version
// the page last saved or loaded; if the note was saved elsewhere meanwhile the server answers 409, autosave stops,
// and "Compare versions" submits the form so that the page shows both versions side by side. Nothing typed is lost
// and nothing saved is overwritten.
"use strict";

(function autosave() {
  const form = document.getElementById("note-form");
  if (!form || !form.dataset.autosaveUrl || !window.fetch) return;
  const status = document.getElementById("autosave-status");
  // The sign form carries the version too: signing refuses any version but the one on screen.
  const versions = document.querySelectorAll("#note-form input[name=version], #sign-form input[name=version]");
  const token = document.querySelector("meta[name=csrf-token]");
  const DELAY = 2000;
  let timer = null;
  let busy = false;
  let again = false;
  let stopped = false;

  function say(text) { if (status) status.textContent = text; }

  function compareButton() {
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "button";
    button.textContent = "Compare versions";
    status.after(button);
  }

  async function save() {
    if (stopped) return;
    if (busy) { again = true; return; }
    busy = true;
    say("Saving…");
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": token ? token.content : "", "Accept": "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(function () { return {}; });
      if (response.ok) {
        versions.forEach(function (input) { input.value = answer.version; });
        say("Draft saved at " + answer.saved + ".");
      } else if (response.status === 409) {
        stopped = true;
        say("This note was saved elsewhere, so autosave stopped. Your text is still here.");
        compareButton();
      } else {
        say(answer.detail || "Not saved yet: please check the form.");
      }
    } catch (e) {
      say("Not saved: the connection dropped. Your text is still on this page.");
    } finally {
      busy = false;
      if (again) { again = false; save(); }
    }
  }

  form.addEventListener("input", function () {
    if (stopped) return;
    say("Changes not saved yet.");
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  });
  form.addEventListener("submit", function () { clearTimeout(timer); stopped = true; });
})();
