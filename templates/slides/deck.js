/* handout-kit deck: navigation, step-by-step reveal, overview, countdowns, and the presenter
   window as a remote for the room's window. No network, no libraries.

   Both windows hold the same state (slide, step, black screen, overview, clocks, countdowns)
   and whichever window a key is pressed in changes it and tells the other. The state travels
   three ways, so the two windows find each other however they were opened or reloaded:
   postMessage (works between windows opened from file://), a BroadcastChannel and the
   `storage` event (same origin; also after either window is reopened). It is kept in
   localStorage under the deck's key, so a reload keeps the slide and every clock.
   Every word a user can see comes from the #deck-labels JSON block, for translators. */
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    try { return element ? JSON.parse(element.textContent) : {}; } catch (error) { return {}; }
  }

  var labels = readJson("deck-labels");
  var data = readJson("deck-data");
  var body = document.body;
  var stage = document.querySelector(".stage");
  var slides = Array.prototype.slice.call(document.querySelectorAll(".stage > .slide"));
  var count = slides.length;
  var isPresenter = new URLSearchParams(location.search).has("presenter");
  var storageKey = data.key || "handout-kit:" + document.title + ":" + count;
  var STALE_MS = 12 * 3600 * 1000;   /* a state older than this is yesterday's session */
  var LINK_MS = 3000;                 /* no word from the other window for this long: unlinked */
  var peer = null;                    /* the other window: the presenter popup, or our opener */
  var channel = null;
  var lastHeard = 0;
  var typed = "";                     /* a slide number or #id typed before Enter */
  var typedTimer = null;
  var shownIndex = -1;
  var shownStep = -1;
  var lastRemaining = {};             /* slide index -> remaining ms at the last tick (chimes) */
  var audio = null;
  var state = freshState();

  function text(name, values) {
    var result = labels[name] || name;
    Object.keys(values || {}).forEach(function (key) {
      result = result.split("{" + key + "}").join(String(values[key]));
    });
    return result;
  }

  function freshState() {
    return { index: 0, step: 0, black: false, overview: false, talkStart: Date.now(),
             timers: {}, blocks: {}, rev: 0, at: Date.now() };
  }

  /* -- steps: what a press reveals ----------------------------------------------------- */

  slides.forEach(function (slide) {
    if (slide.getAttribute("data-reveal") === "bullets") {
      slide.querySelectorAll(".body ul > li, .body ol > li").forEach(function (item) {
        item.classList.add("step");
      });
    }
  });

  function stepsOf(index) {
    return slides[index] ? slides[index].querySelectorAll(".step") : [];
  }

  function showSteps(slide, step) {
    Array.prototype.forEach.call(slide.querySelectorAll(".step"), function (element, number) {
      element.classList.toggle("future", number >= step);
    });
  }

  /* -- the shared state ---------------------------------------------------------------- */

  function clamp(index) { return Math.max(0, Math.min(count - 1, index)); }

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.index === "number" && Date.now() - saved.at < STALE_MS) {
        state = saved;
        state.timers = state.timers || {};
        state.blocks = state.blocks || {};
      }
    } catch (error) { /* no storage (private mode, file:// in some browsers): start fresh */ }
  }

  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (error) { /* ignore */ }
  }

  /* A change made here: count it, keep it, tell the other window, show it. */
  function commit() {
    state.rev += 1;
    state.at = Date.now();
    save();
    send({ hk: "state", state: state });
    render();
  }

  function adopt(incoming, always) {
    if (!incoming || typeof incoming.index !== "number") { return; }
    if (!always && incoming.rev < state.rev) { return; }
    if (!always && incoming.rev === state.rev && incoming.at <= state.at) { return; }
    state = incoming;
    state.timers = state.timers || {};
    state.blocks = state.blocks || {};
    save();
    render();
  }

  function send(message) {
    message.from = isPresenter ? "presenter" : "room";
    if (peer) {
      try { peer.postMessage(message, "*"); } catch (error) { peer = null; }
    }
    if (channel) {
      try { channel.postMessage(message); } catch (error) { /* ignore */ }
    }
  }

  function onMessage(message, source) {
    if (!message || typeof message.hk !== "string" || message.from === (isPresenter ? "presenter" : "room")) {
      return;
    }
    var wasLinked = linked();
    lastHeard = Date.now();
    if (source && source !== window) { peer = source; }
    if (message.hk === "hello") {
      /* The presenter asks; the room's state is the one the audience sees, so it wins. */
      if (!isPresenter) { send({ hk: "state", state: state, welcome: true }); }
    } else if (message.hk === "state") {
      /* A welcome from the room overrides what a lone presenter had; later ones compare. */
      adopt(message.state, Boolean(message.welcome) && isPresenter && !wasLinked);
    } else if (message.hk === "typed") {
      if (isPresenter) { showTyped(message.typed); }
    } else if (message.hk === "bye") {
      /* The other window closed or is reloading: unlinked until it says hello again. */
      peer = isPresenter ? window.opener : null;
      lastHeard = 0;
    }
    showLink();
  }

  function linked() { return Date.now() - lastHeard < LINK_MS; }

  /* -- moving -------------------------------------------------------------------------- */

  function go(index, step) {
    index = clamp(index);
    state.index = index;
    state.step = Math.max(0, Math.min(stepsOf(index).length, step || 0));
    arrive(index);
    commit();
  }

  function next() {
    if (!state.overview && state.step < stepsOf(state.index).length) {
      state.step += 1;
      commit();
    } else if (state.index < count - 1) {
      go(state.index + 1, 0);
    }
  }

  function previous() {
    if (!state.overview && state.step > 0) {
      state.step -= 1;
      commit();
    } else if (state.index > 0) {
      go(state.index - 1, state.overview ? 0 : stepsOf(state.index - 1).length);
    }
  }

  /* What happens when a slide is reached: its block is entered, an auto countdown starts. */
  function arrive(index) {
    var slide = slides[index];
    var block = slide.getAttribute("data-block");
    if (block !== null && !state.blocks[block]) { state.blocks[block] = Date.now(); }
    var countdown = slide.querySelector(".countdown");
    if (!countdown || state.timers[index]) { return; }
    if (data.autostart || countdown.getAttribute("data-auto") === "yes") {
      state.timers[index] = startedTimer(countdown);
    }
  }

  function startedTimer(countdown) {
    var now = Date.now();
    var seconds = parseInt(countdown.getAttribute("data-seconds"), 10) || 0;
    return { run: now, used: 0, backAt: now + seconds * 1000 };
  }

  function fromHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    var match = /^(\d+)(?:\.(\d+))?$/.exec(hash);
    if (match) { return [clamp(parseInt(match[1], 10) - 1), parseInt(match[2] || "0", 10)]; }
    var byId = slides.findIndex(function (slide) { return slide.id === hash; });
    return byId >= 0 ? [byId, 0] : null;
  }

  function hashFor(index, step) {
    return "#" + (index + 1) + (step > 0 ? "." + step : "");
  }

  /* -- countdowns ---------------------------------------------------------------------- */

  function format(ms) {
    var over = ms < 0;
    var seconds = Math.ceil(Math.abs(ms) / 1000);
    if (over) { seconds = Math.floor(Math.abs(ms) / 1000); }
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return (over ? "+" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  /* A time of day as the talk's language writes it (data.clock: the CLDR short pattern and
     the names of the two halves of the day, from Babel): 14:05, 2:05 PM, 午後2:05. */
  function clockOf(ms) {
    var date = new Date(ms);
    var hours = date.getHours();
    var clock = data.clock || { pattern: "HH:mm", am: "AM", pm: "PM" };
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return clock.pattern.replace(/'([^']*)'|HH|H|hh|h|mm|m|a+|B+/g, function (token, quoted) {
      if (quoted !== undefined) { return quoted; }
      if (token === "HH") { return two(hours); }
      if (token === "H") { return String(hours); }
      if (token === "hh") { return two(hours % 12 || 12); }
      if (token === "h") { return String(hours % 12 || 12); }
      if (token === "mm" || token === "m") { return two(date.getMinutes()); }
      return hours < 12 ? clock.am : clock.pm;
    });
  }

  function remaining(index) {
    var countdown = slides[index] && slides[index].querySelector(".countdown");
    if (!countdown) { return null; }
    var total = (parseInt(countdown.getAttribute("data-seconds"), 10) || 0) * 1000;
    var timer = state.timers[index];
    if (!timer) { return { ms: total, phase: "armed" }; }
    var used = timer.used + (timer.run ? Date.now() - timer.run : 0);
    return { ms: total - used, phase: timer.run ? "running" : "paused", backAt: timer.backAt };
  }

  function toggleTimer() {
    var countdown = slides[state.index].querySelector(".countdown");
    if (!countdown) { return; }
    var timer = state.timers[state.index];
    if (!timer) {
      state.timers[state.index] = startedTimer(countdown);
    } else if (timer.run) {
      timer.used += Date.now() - timer.run;
      timer.run = null;
    } else {
      timer.run = Date.now();
    }
    commit();
  }

  function resetTimer() {
    if (!state.timers[state.index]) { return; }
    delete state.timers[state.index];
    delete lastRemaining[state.index];
    commit();
  }

  function paintCountdown(element, index) {
    var now = remaining(index);
    if (!element || !now) { return; }
    element.textContent = format(now.ms);
    element.classList.toggle("running", now.phase === "running");
    element.classList.toggle("paused", now.phase === "paused");
    element.classList.toggle("armed", now.phase === "armed");
    element.classList.toggle("warn", now.ms > 0 && now.ms <= 60000 && now.phase !== "armed");
    element.classList.toggle("over", now.ms <= 0 && now.phase !== "armed");
    element.setAttribute("data-phase", now.ms <= 0 && now.phase !== "armed" ? "over" : now.phase);
    var slide = element.closest(".slide");
    var back = slide && slide.querySelector(".back-time");
    if (back && now.backAt) {
      back.textContent = clockOf(now.backAt);
      slide.querySelector(".back-label").textContent = text("backAt");
    }
  }

  /* A soft two-note chime (WebAudio, nothing fetched), only when the talk asks for it. */
  function chime() {
    body.setAttribute("data-chimes", String(parseInt(body.getAttribute("data-chimes") || "0", 10) + 1));
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      audio = audio || new Context();
      var start = audio.currentTime;
      [660, 880].forEach(function (frequency, number) {
        var at = start + number * 0.3;
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.12, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.8);
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(at);
        tone.stop(at + 0.9);
      });
    } catch (error) { /* no audio device: the colour change still shows */ }
  }

  function warnings(index) {
    var now = remaining(index);
    if (!now || now.phase !== "running") { delete lastRemaining[index]; return; }
    var before = lastRemaining[index];
    lastRemaining[index] = now.ms;
    if (before === undefined) { return; }
    var crossed = (before > 60000 && now.ms <= 60000) || (before > 0 && now.ms <= 0);
    if (!crossed) { return; }
    announce(now.ms <= 0 ? text("timeUp") : text("oneMinute"));
    if (data.chime && !isPresenter) { chime(); }
  }

  /* -- showing the state --------------------------------------------------------------- */

  function render() {
    var index = clamp(state.index);
    var moved = index !== shownIndex;
    var stepped = state.step !== shownStep;
    if (moved && shownIndex >= 0) {
      slides[shownIndex].classList.remove("current");
      slides[shownIndex].removeAttribute("tabindex");
      showSteps(slides[shownIndex], stepsOf(shownIndex).length);
    }
    slides[index].classList.add("current");
    showSteps(slides[index], state.overview ? stepsOf(index).length : state.step);
    var hash = hashFor(index, state.step);
    if (location.hash !== hash) { history.replaceState(null, "", location.pathname + location.search + hash); }
    var bar = document.querySelector(".progress-bar");
    if (bar) { bar.style.width = (count > 1 ? (index / (count - 1)) * 100 : 100) + "%"; }
    body.classList.toggle("black", Boolean(state.black));
    setOverview(Boolean(state.overview), moved);
    if (moved) {
      announce(text("labelled", { label: text("slideOf", { n: index + 1, count: count }), text: titleOf(slides[index]) }));
    } else if (stepped && state.step > 0) {
      var revealed = stepsOf(index)[state.step - 1];
      if (revealed) { announce(revealed.textContent.replace(/\s+/g, " ").trim()); }
    }
    shownIndex = index;
    shownStep = state.step;
    if (isPresenter) { showPresenter(); }
    tick();
  }

  function titleOf(slide) {
    var title = slide && slide.querySelector(".slide-title");
    return title ? title.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function announce(message) {
    var region = document.querySelector(".announce");
    if (region) { region.textContent = message; }
  }

  function setOverview(on, moved) {
    var was = body.classList.contains("overview");
    body.classList.toggle("overview", on);
    slides.forEach(function (slide) {
      if (on) { slide.setAttribute("tabindex", "-1"); } else { slide.removeAttribute("tabindex"); }
    });
    if (isPresenter) { return; }
    var current = slides[clamp(state.index)];
    if (on && (moved || !was)) {
      current.scrollIntoView({ block: "center" });
      current.focus({ preventScroll: true });
    } else if (!on && was) {
      stage.focus({ preventScroll: true });
    }
  }

  function tick() {
    var index = clamp(state.index);
    paintCountdown(slides[index].querySelector(".countdown"), index);
    warnings(index);
    if (isPresenter) { tickPresenter(index); }
  }

  /* -- scaling: the 1280x720 stage fits the window, letterboxed ----------------------- */

  function fit() {
    var scale = Math.min(window.innerWidth / 1280, window.innerHeight / 720);
    stage.style.setProperty("--scale", String(scale));
    if (isPresenter) { showPresenter(); }
  }

  function toggleFullscreen() {
    if (isPresenter) { return; }   /* a window can only make itself fullscreen */
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }

  /* -- the jump prompt: on the presenter when there is one ----------------------------- */

  function showTyped(value) {
    var hud = document.querySelector(".jump");
    var visible = Boolean(value) && (isPresenter || !linked());
    hud.textContent = visible ? text("goTo") + " " + value : "";
    hud.classList.toggle("visible", visible);
  }

  function setTyped(value) {
    typed = value;
    showTyped(typed);
    if (!isPresenter && linked()) { send({ hk: "typed", typed: typed }); }
    clearTimeout(typedTimer);
    if (typed) { typedTimer = setTimeout(function () { setTyped(""); }, 4000); }
  }

  function jump() {
    var wanted = typed.charAt(0) === "#" ? typed.slice(1) : typed;
    setTyped("");
    var index = /^\d+$/.test(wanted)
      ? parseInt(wanted, 10) - 1
      : slides.findIndex(function (slide) { return slide.id === wanted; });
    if (index >= 0) { state.overview = false; go(index, 0); }
  }

  /* -- the presenter window ------------------------------------------------------------ */

  function openPresenter() {
    /* A presenter window that is still open comes to the front; otherwise a new one opens.
       Each gets a name of its own: a window closed a moment ago may still hold the old
       name, and opening by that name would land in the closing window, not a new one. */
    if (peer && !peer.closed) {
      try { peer.focus(); return; } catch (error) { peer = null; }
    }
    var file = body.getAttribute("data-presenter-file") || location.pathname.split("/").pop();
    var opened = window.open(file + "?presenter" + hashFor(state.index, state.step),
      "handout-kit-presenter-" + Date.now().toString(36), "width=1280,height=800");
    if (opened) { peer = opened; }
  }

  function framed(frame, slide, step) {
    frame.innerHTML = "";
    if (!slide) { return null; }
    var copy = slide.cloneNode(true);
    copy.removeAttribute("id");
    copy.removeAttribute("tabindex");
    copy.removeAttribute("aria-label");
    copy.removeAttribute("aria-roledescription");
    copy.setAttribute("aria-hidden", "true");
    copy.classList.add("current");
    showSteps(copy, step);
    copy.style.transform = "scale(" + frame.clientWidth / 1280 + ")";
    frame.appendChild(copy);
    return copy;
  }

  function showPresenter() {
    var view = document.querySelector(".presenter-view");
    var index = clamp(state.index);
    var steps = stepsOf(index);
    framed(view.querySelector(".pv-current .pv-frame"), slides[index], state.overview ? steps.length : state.step);
    var nextLabel = view.querySelector(".pv-next-label");
    if (!state.overview && state.step < steps.length) {
      /* the next press reveals a step of this slide: show it, and say what it is */
      framed(view.querySelector(".pv-next .pv-frame"), slides[index], state.step + 1);
      nextLabel.textContent = text("labelled", {
        label: text("nextReveals"), text: steps[state.step].textContent.replace(/\s+/g, " ").trim().slice(0, 90) });
    } else {
      framed(view.querySelector(".pv-next .pv-frame"), slides[index + 1], 0);
      nextLabel.textContent = index + 1 < count
        ? text("labelled", { label: text("nextSlide"), text: titleOf(slides[index + 1]) }) : text("end");
    }
    var notes = slides[index].querySelector(".notes");
    var panel = view.querySelector(".pv-notes");
    if (notes) {
      panel.innerHTML = notes.innerHTML;
    } else {
      var none = document.createElement("p");
      none.className = "none";
      none.textContent = body.getAttribute("data-has-notes") === "yes" ? text("noNotes")
        : text("notesElsewhere", { file: body.getAttribute("data-presenter-file") || text("theBuild") });
      panel.innerHTML = "";
      panel.appendChild(none);
    }
    view.querySelector(".pv-position").textContent = (index + 1) + " / " + count +
      (steps.length ? " · " + state.step + "/" + steps.length : "");
    view.classList.toggle("room-black", Boolean(state.black));
    view.classList.toggle("room-overview", Boolean(state.overview));
  }

  function tickPresenter(index) {
    var view = document.querySelector(".presenter-view");
    var elapsed = Date.now() - state.talkStart;
    view.querySelector(".pv-elapsed").textContent = format(-elapsed).replace("+", "");
    var planned = parseInt(body.getAttribute("data-duration") || "0", 10) * 60000;
    var left = view.querySelector(".pv-left");
    if (planned > 0) {
      left.textContent = format(planned - elapsed);
      left.classList.toggle("over", planned - elapsed < 0);
    }
    view.querySelector(".pv-clock").textContent = clockOf(Date.now());
    var now = remaining(index);
    var item = view.querySelector(".pv-countdown-item");
    item.hidden = !now;
    if (now) {
      var shown = view.querySelector(".pv-countdown");
      paintCountdown(shown, index);
      var phase = shown.getAttribute("data-phase");
      view.querySelector(".pv-countdown-state").textContent = text(phase === "over" ? "over" : phase);
      var copy = view.querySelector(".pv-current .countdown");
      if (copy) { paintCountdown(copy, index); }
    }
    pacing(view, index);
    showLink();
  }

  /* "block 4 of 11 · planned 09:38 · now 09:44 · +6 min": how late the session runs, from
     when this block was entered against its planned start, or from the clock once the block
     runs past its planned end. */
  function pacing(view, index) {
    var line = view.querySelector(".pv-pacing");
    var block = slides[index].getAttribute("data-block");
    var minutes = data.blocks || [];
    if (block === null || !minutes.length) { line.hidden = true; return; }
    block = parseInt(block, 10);
    var base = state.talkStart;
    if (data.start) {
      var parts = data.start.split(":");
      var day = new Date();
      day.setHours(parseInt(parts[0], 10), parseInt(parts[1], 10), 0, 0);
      base = day.getTime();
    }
    var plannedStart = base + data.offsets[block] * 60000;
    var plannedEnd = plannedStart + minutes[block] * 60000;
    var entered = state.blocks[block] || Date.now();
    var late = Math.max(entered - plannedStart, Date.now() - plannedEnd);
    var delta = Math.round(late / 60000);
    var verdict = delta > 0 ? text("behind", { n: delta }) : delta < 0 ? text("ahead", { n: -delta }) : text("onTime");
    line.hidden = false;
    line.textContent = [
      text("block", { n: block + 1, count: minutes.length }),
      text("planned", { time: clockOf(plannedStart) }),
      text("now", { time: clockOf(Date.now()) }),
      verdict,
    ].join(" · ");
    line.classList.toggle("late", delta > 0);
  }

  function showLink() {
    if (!isPresenter) { return; }
    var status = document.querySelector(".pv-link");
    var on = linked();
    var wanted = on ? text("linked") : text("unlinked");
    if (status.textContent !== wanted) { status.textContent = wanted; }
    status.classList.toggle("off", !on);
  }

  /* -- input --------------------------------------------------------------------------- */

  function command(name) {
    switch (name) {
      case "next": next(); break;
      case "prev": previous(); break;
      case "first": go(0, 0); break;
      case "last": go(count - 1, 0); break;
      case "overview": state.overview = !state.overview; commit(); break;
      case "black": state.black = !state.black; commit(); break;
      case "timer": toggleTimer(); break;
      case "timer-reset": resetTimer(); break;
      case "clocks": state.talkStart = Date.now(); state.blocks = {}; arrive(state.index); commit(); break;
      default: break;
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    var onControl = event.target.closest && event.target.closest("button, a, input, textarea, select");
    if (onControl && (key === "Enter" || key === " ")) { return; }   /* the control's own action */
    if (typed.charAt(0) === "#" && /^[A-Za-z0-9-]$/.test(key)) { setTyped(typed + key.toLowerCase()); event.preventDefault(); return; }
    if (/^[0-9]$/.test(key) || key === "#") { setTyped(typed + key); event.preventDefault(); return; }
    if (key === "Enter" && typed) { jump(); event.preventDefault(); return; }
    if (key === "Backspace" && typed) { setTyped(typed.slice(0, -1)); event.preventDefault(); return; }
    var handled = true;
    switch (key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "n": case "N":
        command("next"); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace": case "p": case "P":
        if (key.toLowerCase() === "p") {
          if (isPresenter) { handled = false; } else { openPresenter(); }
        } else { command("prev"); }
        break;
      case "Home": command("first"); break;
      case "End": command("last"); break;
      case "o": case "O": command("overview"); break;
      case "Enter": if (state.overview) { command("overview"); } else { handled = false; } break;
      case "Escape":
        if (typed) { setTyped(""); } else { command("overview"); }
        break;
      case "f": case "F": toggleFullscreen(); break;
      case "b": case "B": case ".": command("black"); break;
      case "t": case "T": command(event.shiftKey ? "timer-reset" : "timer"); break;
      case "r": case "R": command("clocks"); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  }

  /* A click or tap anywhere in the room's window moves, letterbox bars included; not a
     click that ends a text selection, nor one on a link. */
  function onClick(event) {
    if (isPresenter) { return; }
    if (event.target.closest("a, button")) { return; }
    var selection = window.getSelection && window.getSelection();
    if (selection && !selection.isCollapsed && String(selection).trim()) { return; }
    var slide = event.target.closest(".stage > .slide");
    if (state.overview) {
      if (slide) { state.overview = false; go(slides.indexOf(slide), 0); }
      return;
    }
    if (event.clientX < window.innerWidth / 3) { command("prev"); } else { command("next"); }
  }

  var touchX = null;
  function onTouchStart(event) { touchX = event.changedTouches[0].clientX; }
  function onTouchEnd(event) {
    if (touchX === null || isPresenter) { return; }
    var dx = event.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 40) { event.preventDefault(); command(dx < 0 ? "next" : "prev"); }
  }

  /* -- start --------------------------------------------------------------------------- */

  load();
  var wanted = fromHash();
  if (wanted) {
    state.index = wanted[0];
    state.step = Math.max(0, Math.min(stepsOf(wanted[0]).length, wanted[1]));
  }
  state.index = clamp(state.index);
  stage.setAttribute("tabindex", "-1");

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  document.addEventListener("touchstart", onTouchStart, { passive: true });
  document.addEventListener("touchend", onTouchEnd);
  window.addEventListener("message", function (event) { onMessage(event.data, event.source); });
  window.addEventListener("storage", function (event) {
    if (event.key !== storageKey || !event.newValue) { return; }
    try { adopt(JSON.parse(event.newValue), false); } catch (error) { /* ignore */ }
  });
  window.addEventListener("pagehide", function () { send({ hk: "bye" }); });
  window.addEventListener("resize", fit);
  window.addEventListener("hashchange", function () {
    var target = fromHash();
    if (target && (target[0] !== state.index || target[1] !== state.step)) { go(target[0], target[1]); }
  });
  if (typeof BroadcastChannel === "function") {
    try {
      channel = new BroadcastChannel(storageKey);
      channel.onmessage = function (event) { onMessage(event.data, null); };
    } catch (error) { channel = null; }
  }

  if (isPresenter) {
    body.classList.add("presenter");
    var view = document.querySelector(".presenter-view");
    view.hidden = false;
    view.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (button) { command(button.getAttribute("data-command")); }
      else if (event.target.closest(".pv-next")) { command("next"); }
    });
    if (window.opener) { peer = window.opener; }
  }
  fit();
  arrive(state.index);
  commit();
  /* The presenter says hello now and every second: a room window that reloaded (and lost
     its reference to this popup) hears it and answers, and the link is whole again. */
  var ticks = 0;
  if (isPresenter) { send({ hk: "hello" }); }
  setInterval(function () {
    ticks += 1;
    if (isPresenter && ticks % 4 === 0) { send({ hk: "hello" }); }
    tick();
  }, 250);
})();
