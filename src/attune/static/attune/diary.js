// The diary's forms survive a lost connection: what is typed is kept on this device (localStorage) as it is
// typed, and restored on the next visit until the server has the entry. Submission is idempotent: the form
// carries a key made when the page was first loaded, so sending the same draft twice saves it once.
"use strict";

(function drafts() {
  const PREFIX = "attune.draft.";
  const MAX_AGE = 24 * 60 * 60 * 1000;
  let store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) return;

  function read(name) {
    try { return JSON.parse(store.getItem(name) || "null"); } catch (e) { store.removeItem(name); return null; }
  }
  // Old drafts are not kept for ever on a device that others may use.
  Object.keys(store).forEach(function (name) {
    if (name.indexOf(PREFIX) !== 0) return;
    const draft = read(name);
    if (!draft || Date.now() - draft.at > MAX_AGE) store.removeItem(name);
  });
  // On the diary page after a save: that entry is on the server now.
  const saved = document.getElementById("diary-saved");
  if (saved && saved.dataset.key) {
    const draft = read(PREFIX + "diary-new");
    if (draft && draft.key === saved.dataset.key) store.removeItem(PREFIX + "diary-new");
  }

  const form = document.getElementById("entry-form");
  if (!form || !form.dataset.draft) return;
  const name = PREFIX + form.dataset.draft;
  const status = document.getElementById("draft-status");
  const note = document.getElementById("draft-note");
  // Changes to an older version of this entry were saved, or are out of date: drop them.
  const versioned = /^(entry-.+)-v\d+$/.exec(form.dataset.draft);
  if (versioned) {
    Object.keys(store).forEach(function (other) {
      if (other !== name && other.indexOf(PREFIX + versioned[1] + "-v") === 0) store.removeItem(other);
    });
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "button";
    });
  }
  function collect() {
    const data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }
  function apply(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) return;
      const value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) >= 0;
      else el.value = value;
    });
    fields().forEach(function (el) { el.dispatchEvent(new Event("change", { bubbles: true })); });
  }
  function save() {
    const key = form.elements.key ? form.elements.key.value : "";
    try {
      store.setItem(name, JSON.stringify({ key: key, at: Date.now(), data: collect() }));
      if (status) status.textContent = "Kept on this device until you save.";
    } catch (e) { /* storage full or blocked: the form still works */ }
  }

  const draft = read(name);
  if (draft && draft.data) {
    apply(draft.data);
    if (note) note.hidden = false;
  }
  let timer = null;
  function soon() { clearTimeout(timer); timer = setTimeout(save, 300); }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    save();
    if (status) status.textContent = "Saving…";
  });
  const discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      store.removeItem(name);
      window.location.replace(window.location.pathname);
    });
  }
  // Back to a page restored from the browser's memory: load it afresh, so its key and values are current.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });
})();

(function bodyMap() {
  // The checkboxes are the control; the outline shows the same choices and toggles them when tapped.
  document.querySelectorAll("[data-body-map]").forEach(function (map) {
    function box(area) { return map.querySelector('input[type=checkbox][value="' + area + '"]'); }
    function sync() {
      map.querySelectorAll(".area").forEach(function (shape) {
        const input = box(shape.dataset.area);
        shape.classList.toggle("on", Boolean(input && input.checked));
      });
    }
    map.querySelectorAll(".area").forEach(function (shape) {
      shape.addEventListener("click", function () {
        const input = box(shape.dataset.area);
        if (!input) return;
        input.checked = !input.checked;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    map.addEventListener("change", sync);
    sync();
  });
})();
