// 实时监测: announce new 一级 alarms. The live part (#live) is refreshed by htmx every few
// seconds and carries the unacknowledged first-grade alarms as JSON (#alarm-feed); an id
// the page had not seen at its previous refresh is a new alarm: the shipped sound plays
// (unless muted — kept in localStorage) and, once the user allowed it with the button
// (browsers ask only on a click), a browser notification opens the alarm when clicked.
(function () {
  "use strict";
  var panel = document.getElementById("alarm-alerts");
  if (!panel || !document.getElementById("live")) return;
  var MUTED = "anjian.monitoring.alarmSoundMuted";
  var soundButton = document.getElementById("alarm-sound");
  var notifyButton = document.getElementById("alarm-notify");
  var audio = new Audio(panel.getAttribute("data-sound"));
  audio.preload = "auto";

  function feed() {
    var source = document.getElementById("alarm-feed");
    if (!source) return [];
    try { return JSON.parse(source.textContent) || []; } catch (e) { return []; }
  }

  // What the page has shown: the alarms there at load are not new.
  var seen = {};
  feed().forEach(function (alarm) { seen[alarm.id] = true; });

  function muted() {
    try { return window.localStorage.getItem(MUTED) === "1"; } catch (e) { return false; }
  }

  function setMuted(value) {
    try { window.localStorage.setItem(MUTED, value ? "1" : "0"); } catch (e) { /* private mode */ }
    showSound();
  }

  function showSound() {
    var off = muted();
    soundButton.setAttribute("aria-pressed", off ? "true" : "false");
    soundButton.querySelector("[data-on]").hidden = off;
    soundButton.querySelector("[data-off]").hidden = !off;
  }

  function play() {
    audio.currentTime = 0;
    var started = audio.play();
    if (started && started.catch) started.catch(function () { /* no click on the page yet */ });
  }

  var notices = "Notification" in window;

  function showNotify() {
    if (!notices || Notification.permission === "denied") {
      notifyButton.hidden = true;
      panel.querySelector("[data-notify-state]").hidden = !notices;
      return;
    }
    notifyButton.hidden = Notification.permission === "granted";
  }

  function notify(alarm) {
    if (!notices || Notification.permission !== "granted") return;
    var notice = new Notification(alarm.title, {
      body: alarm.body, tag: "anjian-alarm-" + alarm.id, requireInteraction: true
    });
    notice.onclick = function () {
      window.focus();
      window.location.href = alarm.url;
      notice.close();
    };
  }

  function check() {
    var fresh = feed().filter(function (alarm) { return !seen[alarm.id]; });
    fresh.forEach(function (alarm) { seen[alarm.id] = true; });
    if (!fresh.length) return;
    if (!muted()) play();
    fresh.forEach(notify);
    panel.setAttribute("data-announced", String(fresh.length));
  }

  soundButton.addEventListener("click", function () {
    var nowMuted = !muted();
    setMuted(nowMuted);
    if (!nowMuted) play(); // the click lets the page play sound; the user hears what comes
  });
  notifyButton.addEventListener("click", function () {
    Notification.requestPermission().then(showNotify);
  });
  document.body.addEventListener("htmx:afterSettle", check);

  panel.hidden = false;
  showSound();
  showNotify();
})();
