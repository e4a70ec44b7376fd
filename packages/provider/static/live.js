// Live portal pages (the login inspector, conformance reports): the part of the page in
// #live is fetched again every second from its data-live-url and swapped in when it changed
// (the server answers 304 otherwise). Which logins are open stays as the reader left it.
// The status line changes only when the state changes, so a screen reader announces it once.
(function () {
  var box = document.getElementById('live');
  var statusLine = document.getElementById('live-status');
  if (!box || !box.dataset.liveUrl) return;
  var url = box.dataset.liveUrl;
  var etag = null;
  var stopped = false;

  function say(text) {
    if (statusLine && statusLine.textContent !== text) statusLine.textContent = text;
  }

  // A login's <details> carries data-trace, the parts of its steps data-key.
  function keyOf(d) {
    return d.dataset.trace || d.dataset.key;
  }

  function openStates() {
    var states = {};
    box.querySelectorAll('details[data-trace], details[data-key]').forEach(function (d) { states[keyOf(d)] = d.open; });
    return states;
  }

  function swap(markup) {
    var before = openStates();
    box.innerHTML = markup;
    // What the reader has seen keeps its state; what is new keeps the server's (the newest login open).
    box.querySelectorAll('details[data-trace], details[data-key]').forEach(function (d) {
      if (Object.prototype.hasOwnProperty.call(before, keyOf(d))) d.open = before[keyOf(d)];
    });
  }

  function poll() {
    if (stopped) return;
    var headers = { accept: 'text/html' };
    if (etag) headers['if-none-match'] = etag;
    fetch(url, { headers: headers, cache: 'no-store', credentials: 'same-origin', redirect: 'manual' })
      .then(function (r) {
        // A redirect is the sign-in page: the portal session has ended.
        if (r.type === 'opaqueredirect' || r.status === 401) {
          stopped = true;
          say('Your portal session has ended: reload the page to sign in again.');
          return null;
        }
        if (r.status === 304) return null;
        if (!r.ok) throw new Error('HTTP ' + r.status);
        etag = r.headers.get('etag');
        return r.text();
      })
      .then(function (markup) {
        if (stopped) return;
        if (markup !== null) swap(markup);
        say('Updates live.');
        setTimeout(poll, 1000);
      })
      .catch(function () {
        say('Cannot reach the provider right now. Retrying…');
        setTimeout(poll, 3000);
      });
  }

  setTimeout(poll, 1000);
})();
