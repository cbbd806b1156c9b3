/*
 * The idle warning of signed-in pages (WCAG 2.2.1 Timing Adjustable): a session ends after
 * SESSION_IDLE_MINUTES without a request, and typing in a form sends none. Before it ends this
 * opens the layout's dialog, which offers to go on with one button (a request that renews the
 * session); once it has ended, it says so, so that what was typed can be copied before signing
 * in again. Every tab of the pages shares one "last active" time through localStorage (a time,
 * nothing personal), so a tab left open behind the one in use does not warn for nothing.
 * Pages work without this script: the dialog then simply stays closed.
 */
(function () {
  'use strict';
  var dialog = document.getElementById('session-timeout');
  if (!dialog || typeof dialog.showModal !== 'function') return;
  var idleMs = Number(dialog.getAttribute('data-idle-ms'));
  var warnMs = Number(dialog.getAttribute('data-warn-ms'));
  if (!(idleMs > 0) || !(warnMs > 0)) return;
  var warn = dialog.querySelector('[data-when="warn"]');
  var ended = dialog.querySelector('[data-when="ended"]');
  var form = warn.querySelector('form');
  var KEY = 'hukou.session.activeAt';
  var timer;

  // The time every tab of the pages shares; this tab's own when the browser refuses storage.
  function lastActive() {
    try {
      var shared = Number(window.localStorage.getItem(KEY));
      if (shared > 0) return shared;
    } catch {
      /* storage refused (private mode) */
    }
    return ownActive;
  }
  function markActive() {
    ownActive = Date.now();
    try {
      window.localStorage.setItem(KEY, String(ownActive));
    } catch {
      /* as above */
    }
  }
  function show(which) {
    warn.hidden = which !== 'warn';
    ended.hidden = which !== 'ended';
    var heading = (which === 'warn' ? warn : ended).querySelector('h2');
    if (!heading.id) heading.id = 'session-timeout-' + which;
    dialog.setAttribute('aria-labelledby', heading.id);
    if (!dialog.open) dialog.showModal();
    var focus = (which === 'warn' ? warn : ended).querySelector('button');
    if (focus) focus.focus();
  }
  function check() {
    clearTimeout(timer);
    var left = lastActive() + idleMs - Date.now();
    if (left <= 0) return show('ended');
    if (left <= warnMs) {
      if (!dialog.open || warn.hidden) show('warn');
    } else if (dialog.open && !warn.hidden) {
      // Another tab was used meanwhile: the session goes on, the warning is moot.
      dialog.close();
    }
    timer = setTimeout(check, Math.min(left <= warnMs ? left : left - warnMs, 60000) + 50);
  }

  var ownActive = Date.now();
  markActive();
  window.addEventListener('storage', function (e) {
    if (e.key === KEY) check();
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    }).then(
      function (res) {
        if (res.status === 204) {
          markActive();
          dialog.close();
          check();
        } else {
          show('ended');
        }
      },
      function () {
        // No answer: the session may still be there; the next check says what is known.
        check();
      },
    );
  });
  check();
})();
