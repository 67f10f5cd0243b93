// Guided exercises: a one-step-at-a-time stepper (with taps for 5-4-3-2-1), a breathing pacer and a body-scan
// timer. Without this script every exercise still reads as a plain list. Nothing makes a sound, and the pacer
// does not move for people who ask their device to reduce motion: the words and the count guide them instead.
"use strict";

(function exercises() {
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function stepper(root, options) {
    const steps = Array.prototype.slice.call(root.querySelectorAll("[data-step]"));
    const back = root.querySelector("[data-back]");
    const next = root.querySelector("[data-next]");
    const progress = root.querySelector("[data-progress]");
    const done = root.querySelector("[data-done]");
    let index = 0;
    root.classList.add("js-stepper");
    root.querySelector("[data-controls]").hidden = false;
    function show(i) {
      index = Math.max(0, Math.min(i, steps.length - 1));
      steps.forEach(function (step, n) { step.classList.toggle("current", n === index); });
      if (progress) progress.textContent = "Step " + (index + 1) + " of " + steps.length;
      if (back) back.disabled = index === 0;
      if (next) {
        if (!next.dataset.label) next.dataset.label = next.textContent;
        next.textContent = index === steps.length - 1 ? "Finish" : next.dataset.label;
      }
      if (done) done.hidden = true;
      if (options && options.onShow) options.onShow(steps[index], index);
    }
    function finish() {
      if (done) { done.hidden = false; done.focus(); }
      if (options && options.onFinish) options.onFinish();
    }
    if (back) back.addEventListener("click", function () { show(index - 1); });
    if (next) next.addEventListener("click", function () { if (index === steps.length - 1) finish(); else show(index + 1); });
    show(0);
    return { show: show, finish: finish, get index() { return index; }, steps: steps };
  }

  // 5-4-3-2-1 and other step-by-step exercises.
  document.querySelectorAll("[data-stepper]").forEach(function (root) {
    root.querySelectorAll("[data-taps]").forEach(function (box) {
      const count = Number(box.closest("[data-step]").dataset.count || 0);
      for (let i = 1; i <= count; i += 1) {
        const tap = document.createElement("button");
        tap.type = "button";
        tap.className = "tap";
        tap.textContent = String(i);
        tap.setAttribute("aria-pressed", "false");
        tap.setAttribute("aria-label", "Noticed " + i + " of " + count);
        tap.addEventListener("click", function () {
          tap.setAttribute("aria-pressed", tap.getAttribute("aria-pressed") === "true" ? "false" : "true");
        });
        box.appendChild(tap);
      }
      box.hidden = false;
    });
    stepper(root);
  });

  // Paced breathing.
  document.querySelectorAll("[data-pacer]").forEach(function (root) {
    const stage = root.querySelector("[data-stage]");
    const ball = root.querySelector("[data-ball]");
    const phaseText = root.querySelector("[data-phase]");
    const countText = root.querySelector("[data-count]");
    const start = root.querySelector("[data-start]");
    const stop = root.querySelector("[data-stop]");
    const NAMES = ["Breathe in", "Hold", "Breathe out", "Hold"];
    const SMALL = 44, LARGE = 88;
    let running = false, frame = null, phase = 0, phaseStart = 0, lastSecond = -1;
    stage.hidden = false;
    root.querySelector("[data-controls]").hidden = false;
    if (reduceMotion) root.classList.add("still");

    function phases() {
      const chosen = root.querySelector("input[name=variant]:checked") || root.querySelector("input[name=variant]");
      return chosen.dataset.phases.split(",").map(Number);
    }
    function radiusAt(p, t) {
      if (reduceMotion) return (SMALL + LARGE) / 2;
      if (p === 0) return SMALL + (LARGE - SMALL) * t;
      if (p === 2) return LARGE - (LARGE - SMALL) * t;
      return p === 1 ? LARGE : SMALL;
    }
    function enter(p, now) {
      const lengths = phases();
      while (lengths[p] === 0) p = (p + 1) % 4;
      phase = p; phaseStart = now; lastSecond = -1;
      phaseText.textContent = NAMES[p];
      root.dataset.phase = String(p);
    }
    function tick(now) {
      if (!running) return;
      const lengths = phases();
      const elapsed = (now - phaseStart) / 1000;
      if (elapsed >= lengths[phase]) { enter((phase + 1) % 4, now); frame = requestAnimationFrame(tick); return; }
      const second = Math.floor(elapsed);
      if (second !== lastSecond) { lastSecond = second; countText.textContent = String(lengths[phase] - second); }
      ball.setAttribute("r", radiusAt(phase, elapsed / lengths[phase]).toFixed(1));
      frame = requestAnimationFrame(tick);
    }
    function pause() {
      running = false;
      cancelAnimationFrame(frame);
      start.textContent = "Continue";
    }
    start.addEventListener("click", function () {
      if (running) { pause(); return; }
      running = true;
      start.textContent = "Pause";
      const now = performance.now();
      enter(phase, now);
      frame = requestAnimationFrame(tick);
    });
    stop.addEventListener("click", function () {
      pause();
      phase = 0;
      start.textContent = "Start";
      phaseText.textContent = "Stopped. Notice how you feel.";
      countText.textContent = "";
      ball.setAttribute("r", String(SMALL));
    });
    root.addEventListener("change", function () { if (running) enter(0, performance.now()); });
  });

  // The body scan: each step shows for its time, then the next; pause, go back or on at any point.
  document.querySelectorAll("[data-timer]").forEach(function (root) {
    const bar = root.querySelector("[data-bar]");
    const remaining = root.querySelector("[data-remaining]");
    const start = root.querySelector("[data-start]");
    root.querySelector("[data-timer-ui]").hidden = false;
    let running = false, timer = null, left = 0, control = null;
    control = stepper(root, {
      onShow: function (step) { left = Number(step.dataset.seconds || 30); if (control) render(); },
      onFinish: function () { stopTimer(); start.textContent = "Start again"; },
    });
    render();
    function elapsedBefore(i) {
      return control.steps.slice(0, i).reduce(function (sum, s) { return sum + Number(s.dataset.seconds || 0); }, 0);
    }
    function render() {
      const step = control.steps[control.index];
      const spent = Number(step.dataset.seconds || 0) - left;
      bar.value = elapsedBefore(control.index) + spent;
      bar.textContent = String(bar.value);
      remaining.textContent = left + " seconds left in this step";
    }
    function stopTimer() { running = false; clearInterval(timer); start.textContent = "Continue"; }
    start.addEventListener("click", function () {
      if (running) { stopTimer(); return; }
      if (start.textContent === "Start again") control.show(0);
      running = true;
      start.textContent = "Pause";
      timer = setInterval(function () {
        left -= 1;
        if (left <= 0) {
          if (control.index === control.steps.length - 1) { render(); control.finish(); return; }
          control.show(control.index + 1);
          return;
        }
        render();
      }, 1000);
    });
  });
})();
