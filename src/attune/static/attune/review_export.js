// The PDF of a review is made in the background. This page asks every two seconds whether it is ready and, when it
// is, puts the link to the file where the progress bar was (the region is a polite live region, so a screen reader
// hears it). Nothing reloads the page under the reader; without the script, "Check again" does the same by hand.
"use strict";

(function poll() {
  const region = document.getElementById("export-status");
  if (!region || !region.dataset.statusUrl || !window.fetch) return;
  const DELAY = 2000;
  let tries = 0;

  function show(paragraphs) {
    region.replaceChildren(...paragraphs);
  }

  function para(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  async function ask() {
    tries += 1;
    try {
      const response = await fetch(region.dataset.statusUrl, {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (answer.status === "done") {
        const link = document.createElement("a");
        link.className = "button primary";
        link.href = answer.file;
        link.textContent = "Download the PDF";
        const holder = document.createElement("p");
        holder.append(link);
        show([para("It is ready."), holder]);
        return;
      }
      if (answer.status === "failed") {
        show([para("The PDF could not be made. Nothing was lost: you can ask for it again from the review.")]);
        return;
      }
    } catch (e) {
      // A dropped connection: keep asking, a little less often.
    }
    setTimeout(ask, tries > 30 ? DELAY * 3 : DELAY);
  }

  setTimeout(ask, DELAY);
})();
