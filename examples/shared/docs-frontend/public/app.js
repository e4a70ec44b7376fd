// The docs' frontend (opengovsg/sgid-demo-frontend-spa), re-written as a test fixture: it calls
// the backend exactly as that app does, weaknesses included, so that a backend that works with this
// page works with the real one. Read the real app for the contract; this is not a copy of it.
//
//   GET <backend>/api/auth-url?icecream=<Vanilla|Chocolate|Strawberry>  → { url }, then go to url
//   GET <backend>/api/userinfo → any JSON it can parse is the user { sub, data: { 'myinfo.name', iceCream } };
//                                a body that is not JSON (a bare 401) means "logged out"
//   GET <backend>/api/logout   → whatever it answers, back to /
// Every call is cross-origin with credentials ("include"). Routes: /, /logged-in, /error.
(function () {
  'use strict';

  var backend = document.querySelector('meta[name="backend-url"]').getAttribute('content');
  var root = document.getElementById('root');
  var FLAVOURS = ['Vanilla', 'Chocolate', 'Strawberry'];

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function render(children) {
    root.textContent = '';
    children.forEach(function (c) { root.appendChild(c); });
  }

  // The real app's error boundary: any exception while rendering or in a handler lands here.
  function crash(message) {
    render([
      el('h1', { id: 'crashed' }, ['Something went wrong.']),
      el('p', { id: 'error-message' }, [message]),
      logoutButton('Back to home'),
    ]);
  }

  // As the real useAuth hook: r.json() whatever the status; a parse failure means no user.
  function fetchUser() {
    return fetch(backend + '/api/userinfo', { credentials: 'include' })
      .then(function (r) { return r.json(); })
      .catch(function () { return null; });
  }

  function logoutButton(text) {
    var button = el('button', { type: 'button', id: 'logout' }, [text]);
    button.addEventListener('click', function () {
      button.disabled = true;
      fetch(backend + '/api/logout', { credentials: 'include' })
        .then(function () { window.location.assign('/'); })
        .catch(function () { crash('Something went wrong while logging out.'); });
    });
    return button;
  }

  function home() {
    fetchUser().then(function (user) {
      if (user !== null) return window.location.replace('/logged-in');
      var radios = FLAVOURS.map(function (f, i) {
        return el('label', {}, [el('input', { type: 'radio', name: 'icecream', value: f, checked: i === 0 }), ' ' + f]);
      });
      var login = el('button', { type: 'button', id: 'login' }, ['Login with Singpass app']);
      login.addEventListener('click', function () {
        login.disabled = true;
        var flavour = document.querySelector('input[name="icecream"]:checked').value;
        fetch(backend + '/api/auth-url?icecream=' + flavour, { credentials: 'include' })
          .then(function (r) { return r.json(); })
          .then(function (body) { window.location.href = body.url; })
          .catch(function () { crash('Something went wrong while fetching the authorisation URL.'); });
      });
      render([
        el('h1', {}, ['sgID demo']),
        el('fieldset', {}, [el('legend', {}, ['Favourite ice cream flavour'])].concat(radios)),
        login,
      ]);
    });
  }

  function loggedIn() {
    fetchUser().then(function (user) {
      if (user === null) return window.location.replace('/');
      try {
        var row = function (label, id, value) {
          return el('tr', {}, [el('th', { scope: 'row' }, [label]), el('td', { id: id }, [String(value)])]);
        };
        render([
          el('h1', {}, ['Logged in successfully!']),
          el('table', {}, [el('tbody', {}, [
            row('sgID', 'sub', user.sub),
            row('Name', 'name', user.data['myinfo.name']),
            row('Favourite ice cream flavour', 'icecream', user.data.iceCream),
          ])]),
          logoutButton('Log out and try again'),
        ]);
      } catch (e) {
        crash(String(e && e.message));
      }
    });
  }

  function error() {
    var reason = new URLSearchParams(window.location.search).get('error');
    render([
      el('h1', {}, ['Something went wrong.']),
      el('p', { id: 'error-reason' }, [reason ? 'The backend said: ' + reason : 'The backend gave no reason.']),
      logoutButton('Back to home'),
    ]);
  }

  var routes = { '/': home, '/logged-in': loggedIn, '/error': error };
  (routes[window.location.pathname] || home)();
})();
