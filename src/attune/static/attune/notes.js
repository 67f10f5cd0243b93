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

// "Pull in what happened since the last session": the summary is fetched and added to the end of its section, where
// the clinician edits it like anything they typed (autosave then saves it). Without the script, the same button
// submits the form to the server, which saves the draft as typed with the summary added.
(function pullSince() {
  const button = document.getElementById("pull-since");
  const form = document.getElementById("note-form");
  if (!button || !form || !window.fetch) return;
  const status = document.getElementById("since-status");
  function say(text) { if (status) status.textContent = text; }

  button.addEventListener("click", async function (event) {
    event.preventDefault();
    const field = form.querySelector("[name='" + button.dataset.section + "']");
    if (!field) return;
    button.disabled = true;
    say("Gathering what happened since the last session…");
    try {
      const response = await fetch(button.dataset.sinceUrl, {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        say(answer.detail || "Could not gather it just now. Your text is unchanged.");
        return;
      }
      const before = field.value.replace(/\s+$/, "");
      field.value = before ? before + "\n\n" + answer.text : answer.text;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
      field.scrollTop = field.scrollHeight;
      say(answer.count
        ? "Added " + answer.count + " item" + (answer.count === 1 ? "" : "s") + " to the end of the section. Edit them as you need."
        : "Nothing new was shared or recorded since the last session; a line saying so was added.");
    } catch (e) {
      say("Could not gather it: the connection dropped. Your text is unchanged.");
    } finally {
      button.disabled = false;
    }
  });
})();
