/* handout-kit deck: navigation, overview, presenter window, timers. No network, no libraries.
   The audience window and the presenter window keep each other in step with postMessage,
   which works between two windows opened from file:// as well as over http. */
(function () {
  "use strict";

  var body = document.body;
  var stage = document.querySelector(".stage");
  var slides = Array.prototype.slice.call(document.querySelectorAll(".stage > .slide"));
  var count = slides.length;
  var params = new URLSearchParams(location.search);
  var isPresenter = params.has("presenter");
  var current = -1;
  var peer = null;            /* the other window: presenter popup or the deck that opened us */
  var typed = "";             /* digits typed before Enter, to jump to a slide */
  var jumpTimer = null;
  var countdowns = {};        /* slide index -> {left, timer} */
  var startedAt = Date.now();

  /* Words the script writes, in the talk's language (deck.html puts them in #deck-strings). */
  var strings = {};
  try { strings = JSON.parse(document.getElementById("deck-strings").textContent); } catch (error) { strings = {}; }
  function say(key, fallback) { return strings[key] || fallback; }

  function clamp(index) { return Math.max(0, Math.min(count - 1, index)); }

  function fromHash() {
    var match = /^#(\d+)$/.exec(location.hash);
    return match ? clamp(parseInt(match[1], 10) - 1) : 0;
  }

  function go(index, fromPeer) {
    index = clamp(index);
    if (index === current) { return; }
    if (current >= 0) { slides[current].classList.remove("current"); }
    current = index;
    slides[current].classList.add("current");
    var hash = "#" + (current + 1);
    if (location.hash !== hash) { history.replaceState(null, "", hash); }
    var bar = document.querySelector(".progress-bar");
    if (bar) { bar.style.width = (count > 1 ? (current / (count - 1)) * 100 : 100) + "%"; }
    startCountdown(current);
    if (isPresenter) { showPresenter(); }
    if (peer && !fromPeer) { send({ hk: "go", index: current }); }
    if (body.classList.contains("overview")) { slides[current].scrollIntoView({ block: "nearest" }); }
  }

  function send(message) {
    try { peer.postMessage(message, "*"); } catch (error) { peer = null; }
  }

  /* -- scaling: the 1280x720 stage fits the window, letterboxed ----------------------- */

  function fit() {
    var scale = Math.min(window.innerWidth / 1280, window.innerHeight / 720);
    stage.style.setProperty("--scale", String(scale));
    if (isPresenter && current >= 0) { showPresenter(); }
  }

  /* -- exercise countdowns ------------------------------------------------------------ */

  function format(seconds) {
    var sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(seconds);
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return sign + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function startCountdown(index) {
    var element = slides[index].querySelector(".countdown");
    if (!element || countdowns[index]) { return; }
    var state = { left: parseInt(element.getAttribute("data-seconds"), 10), timer: null };
    countdowns[index] = state;
    runCountdown(index, element, state);
  }

  function runCountdown(index, element, state) {
    element.classList.add("running");
    state.timer = setInterval(function () {
      state.left = Math.max(0, state.left - 1);
      element.textContent = format(state.left);
      if (state.left === 0) {
        clearInterval(state.timer);
        state.timer = null;
        element.classList.remove("running");
        element.classList.add("done");
      }
    }, 1000);
  }

  function toggleCountdown() {
    var state = countdowns[current];
    var element = slides[current].querySelector(".countdown");
    if (!state || !element || state.left === 0) { return; }
    if (state.timer) {
      clearInterval(state.timer);
      state.timer = null;
      element.classList.remove("running");
    } else {
      runCountdown(current, element, state);
    }
  }

  /* -- overview, black screen, fullscreen, jump --------------------------------------- */

  function toggleOverview(force) {
    var on = typeof force === "boolean" ? force : !body.classList.contains("overview");
    body.classList.toggle("overview", on);
    if (on) { slides[current].scrollIntoView({ block: "center" }); }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }

  function showTyped() {
    var hud = document.querySelector(".jump");
    hud.textContent = typed ? say("goTo", "Go to slide {n}").replace("{n}", typed) : "";
    hud.classList.toggle("visible", Boolean(typed));
    clearTimeout(jumpTimer);
    if (typed) { jumpTimer = setTimeout(function () { typed = ""; showTyped(); }, 3000); }
  }

  /* -- presenter window --------------------------------------------------------------- */

  function openPresenter() {
    var file = body.getAttribute("data-presenter-file") || location.pathname.split("/").pop();
    var url = file + "?presenter#" + (current + 1);
    var opened = window.open(url, "handout-kit-presenter", "width=1280,height=800");
    if (opened) { peer = opened; }
  }

  function framed(frame, slide) {
    frame.innerHTML = "";
    if (!slide) { return; }
    var copy = slide.cloneNode(true);
    copy.removeAttribute("id");
    copy.classList.add("current");
    copy.style.transform = "scale(" + frame.clientWidth / 1280 + ")";
    frame.appendChild(copy);
  }

  function showPresenter() {
    var view = document.querySelector(".presenter-view");
    framed(view.querySelector(".pv-current .pv-frame"), slides[current]);
    framed(view.querySelector(".pv-next .pv-frame"), slides[current + 1]);
    var notes = slides[current].querySelector(".notes");
    var panel = view.querySelector(".pv-notes");
    if (notes) {
      panel.innerHTML = notes.innerHTML;
    } else if (body.getAttribute("data-has-notes") === "yes") {
      panel.innerHTML = '<p class="none"></p>';
      panel.firstChild.textContent = say("noNotes", "No notes for this slide.");
    } else {
      panel.innerHTML = '<p class="none"></p>';
      panel.firstChild.textContent = say("notesElsewhere", "This file carries no speaker notes; they are in {file}.")
        .replace("{file}", body.getAttribute("data-presenter-file") || "slides-presenter.html");
    }
    view.querySelector(".pv-position").textContent = (current + 1) + " / " + count;
  }

  function tick() {
    var elapsed = Math.floor((Date.now() - startedAt) / 1000);
    var view = document.querySelector(".presenter-view");
    view.querySelector(".pv-elapsed").textContent = format(elapsed);
    var planned = parseInt(body.getAttribute("data-duration") || "0", 10) * 60;
    var left = view.querySelector(".pv-left");
    if (planned > 0) {
      left.textContent = format(planned - elapsed);
      left.classList.toggle("over", planned - elapsed < 0);
    }
    var now = new Date();
    view.querySelector(".pv-clock").textContent =
      now.getHours() + ":" + (now.getMinutes() < 10 ? "0" : "") + now.getMinutes();
  }

  /* -- input -------------------------------------------------------------------------- */

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (/^[0-9]$/.test(key)) { typed += key; showTyped(); return; }
    if (key === "Enter" && typed) { go(parseInt(typed, 10) - 1); typed = ""; showTyped(); return; }
    var handled = true;
    switch (key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "n": case "N":
        go(current + 1); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace":
        go(current - 1); break;
      case "Home": go(0); break;
      case "End": go(count - 1); break;
      case "o": case "O": toggleOverview(); break;
      case "Escape":
        if (typed) { typed = ""; showTyped(); } else { toggleOverview(); }
        break;
      case "f": case "F": toggleFullscreen(); break;
      case "b": case "B": case ".": body.classList.toggle("black"); break;
      case "p": case "P": if (!isPresenter) { openPresenter(); } break;
      case "t": case "T": toggleCountdown(); break;
      case "r": case "R": if (isPresenter) { startedAt = Date.now(); tick(); } break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  }

  function onClick(event) {
    if (event.target.closest("a")) { return; }
    var slide = event.target.closest(".stage > .slide");
    if (body.classList.contains("overview")) {
      if (slide) { go(slides.indexOf(slide)); toggleOverview(false); }
      return;
    }
    if (event.clientX < window.innerWidth / 3) { go(current - 1); } else { go(current + 1); }
  }

  var touchX = null;
  function onTouchStart(event) { touchX = event.changedTouches[0].clientX; }
  function onTouchEnd(event) {
    if (touchX === null) { return; }
    var dx = event.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 40) { event.preventDefault(); go(current + (dx < 0 ? 1 : -1)); }
  }

  function onMessage(event) {
    var data = event.data;
    if (!data || typeof data.hk !== "string") { return; }
    if (data.hk === "hello") {
      peer = event.source;
      send({ hk: "go", index: current });
    } else if (data.hk === "go") {
      if (!peer) { peer = event.source; }
      go(data.index, true);
    }
  }

  document.addEventListener("keydown", onKey);
  stage.addEventListener("click", onClick);
  stage.addEventListener("touchstart", onTouchStart, { passive: true });
  stage.addEventListener("touchend", onTouchEnd);
  window.addEventListener("message", onMessage);
  window.addEventListener("resize", fit);
  window.addEventListener("hashchange", function () { go(fromHash()); });

  if (isPresenter) {
    body.classList.add("presenter");
    document.querySelector(".presenter-view").hidden = false;
    document.querySelector(".presenter-view").addEventListener("click", function (event) {
      if (event.target.closest(".pv-next")) { go(current + 1); }
    });
    setInterval(tick, 1000);
    tick();
  }
  fit();
  go(fromHash());
  if (isPresenter && window.opener) {
    peer = window.opener;
    send({ hk: "hello" });
  }
})();
