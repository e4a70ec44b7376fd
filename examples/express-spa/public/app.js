// The ice-cream SPA: no framework, no build step. It only talks to its own backend (/api/*).
(function () {
  'use strict';

  var MESSAGES = {
    declined: 'You declined to share your data in the Singpass app, so you are not logged in. Pick a flavour and log in again if you change your mind.',
    expired: 'The login took too long and expired. Please log in again.',
    restart: 'This login could not be finished in this browser (it may have been started in another tab or browser). Please log in again.',
    failed: 'Something went wrong while logging you in. Please try again in a moment.',
    logged_out: 'You are not logged in (or your session has ended). Log in to see your details.',
    network: 'The server could not be reached. Check your connection and try again.',
  };

  var $ = function (id) { return document.getElementById(id); };
  var views = { login: $('view-login'), success: $('view-success') };

  function show(name) {
    $('loading').hidden = true;
    Object.keys(views).forEach(function (k) { views[k].hidden = k !== name; });
  }

  function showError(code) {
    var box = $('error');
    var text = code && MESSAGES[code];
    box.textContent = text || '';
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

  function showUser(user) {
    $('user-name').textContent = user.name || '(no name shared)';
    $('user-flavour').textContent = user.flavour;
    $('detail-name').textContent = user.name || '—';
    $('detail-flavour').textContent = user.flavour;
    $('detail-sub').textContent = user.sub;
    $('detail-data').textContent = JSON.stringify(user.data, null, 2);
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
    getJson('/api/auth-url?flavour=' + encodeURIComponent(chosen.value))
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
        showUser(me.body);
        focusHeading('success');
      } else {
        showLogin(errorCode || (window.location.pathname === '/logged-in' ? 'logged_out' : null));
      }
    })
    .catch(function () { showLogin('network'); });
})();
