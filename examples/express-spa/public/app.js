// The ice-cream SPA: no framework, no build step. It only talks to its own backend (/api/*).
(function () {
  'use strict';

  // What went wrong, and — when an earlier login's session is still there — who is logged in.
  var MESSAGES = {
    declined: 'You declined to share your data in the Singpass app, so you are not logged in. Pick a flavour and log in again if you change your mind.',
    expired: 'The login took too long and expired. Please log in again.',
    already_finished: 'You went back to a login that had already finished and approved it again in the Singpass app. That second approval was not used.',
    not_started_here: 'The login you approved was not started from this page (it may have been started in another tab or browser, or from an old page), so it was not used.',
    failed: 'Something went wrong while logging you in. Please try again in a moment.',
    logged_out: 'You are not logged in (or your session has ended). Log in to see your details.',
    network: 'The server could not be reached. Check your connection and try again.',
  };
  var STILL_LOGGED_IN = { declined: true, expired: true, already_finished: true, not_started_here: true, failed: true };

  var $ = function (id) { return document.getElementById(id); };
  var views = { login: $('view-login'), success: $('view-success') };

  function show(name) {
    $('loading').hidden = true;
    Object.keys(views).forEach(function (k) { views[k].hidden = k !== name; });
  }

  function showError(code, stillLoggedInAs) {
    var box = $('error');
    var text = (code && MESSAGES[code]) || '';
    if (text && stillLoggedInAs && STILL_LOGGED_IN[code]) {
      text += ' You are still logged in as ' + stillLoggedInAs + '. To log in as someone else, log out first.';
    }
    box.textContent = text;
    box.hidden = !text;
  }

  function focusHeading(view) {
    var heading = views[view].querySelector('h1');
    if (heading) heading.focus();
  }

  // The last flavour picked in this tab, so that a declined or failed login keeps the choice.
  function rememberedFlavour() {
    try { return window.sessionStorage.getItem('flavour'); } catch (e) { return null; }
  }

  function renderFlavours(list) {
    var remembered = rememberedFlavour();
    if (!list.some(function (f) { return f.id === remembered; })) remembered = null;
    var container = $('flavours');
    container.textContent = '';
    list.forEach(function (f, i) {
      var label = document.createElement('label');
      label.className = 'flavour flavour-' + f.id;
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = 'flavour';
      input.value = f.id;
      if (f.id === remembered || (!remembered && i === 0)) input.checked = true;
      var swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.setAttribute('aria-hidden', 'true');
      var text = document.createElement('span');
      text.textContent = f.label;
      label.appendChild(input);
      label.appendChild(swatch);
      label.appendChild(text);
      container.appendChild(label);
    });
  }

  function showLogin(errorCode) {
    showError(errorCode);
    show('login');
    if (window.location.pathname !== '/' || window.location.search) {
      window.history.replaceState(null, '', '/');
    }
  }

  // /api/userinfo answers as the docs' guides define: { sub, data: { 'myinfo.name', …, iceCream } }.
  function showUser(user, errorCode) {
    var name = user.data['myinfo.name'];
    var flavour = user.data.iceCream;
    var received = {};
    Object.keys(user.data).forEach(function (k) { if (k !== 'iceCream') received[k] = user.data[k]; });
    $('user-name').textContent = name || '(no name shared)';
    $('user-flavour').textContent = flavour;
    $('detail-name').textContent = name || '—';
    $('detail-flavour').textContent = flavour;
    $('detail-sub').textContent = user.sub;
    $('detail-data').textContent = JSON.stringify(received, null, 2);
    showError(errorCode, name || user.sub);
    show('success');
    if (window.location.pathname !== '/logged-in') window.history.replaceState(null, '', '/logged-in');
  }

  function getJson(url, init) {
    return fetch(url, Object.assign({ headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' }, init || {}))
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, ok: r.ok, body: body }; });
      });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var chosen = document.querySelector('input[name="flavour"]:checked');
    $('flavour-required').hidden = Boolean(chosen);
    if (!chosen) return;
    var button = $('login');
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    showError(null);
    try { window.sessionStorage.setItem('flavour', chosen.value); } catch (e) { /* private mode */ }
    getJson('/api/auth-url?icecream=' + encodeURIComponent(chosen.value))
      .then(function (res) {
        if (!res.ok || !res.body.url) throw new Error('auth-url answered ' + res.status);
        window.location.assign(res.body.url);
      })
      .catch(function () {
        button.disabled = false;
        button.removeAttribute('aria-busy');
        showError('failed');
      });
  });

  $('logout').addEventListener('click', function () {
    var button = $('logout');
    button.disabled = true;
    fetch('/api/logout', { method: 'POST', credentials: 'same-origin' })
      .then(function () {
        showLogin(null);
        focusHeading('login');
      })
      .catch(function () { showError('network'); })
      .then(function () { button.disabled = false; });
  });

  // Start: the flavours, then who is logged in (the server's session decides the view).
  var params = new URLSearchParams(window.location.search);
  var errorCode = params.get('error');
  Promise.all([getJson('/api/flavours'), getJson('/api/userinfo')])
    .then(function (results) {
      renderFlavours(results[0].body.flavours || []);
      var me = results[1];
      if (me.ok) {
        showUser(me.body, errorCode);
        focusHeading('success');
      } else {
        showLogin(errorCode || (window.location.pathname === '/logged-in' ? 'logged_out' : null));
      }
    })
    .catch(function () { showLogin('network'); });
})();
