// The QR page waits for the wallet: poll the status, then continue to the app.
// The status line is a live region: it changes only when the state changes (no ticking), so a
// screen reader announces each step once; the countdown sits outside it.
(function () {
  var main = document.getElementById('main');
  var statusUrl = main.dataset.statusUrl;
  var continueUrl = main.dataset.continueUrl;
  var expiresAt = Number(main.dataset.expiresAt);
  var statusLine = document.getElementById('status');
  var timeLeft = document.getElementById('time-left');
  var timer;
  var done = false;

  function say(text) {
    if (statusLine.textContent !== text) statusLine.textContent = text;
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
  }

  // The provider's answer decides; this browser's clock (which may be off) only when the
  // provider cannot be reached, or well after the deadline.
  function clearlyPastDeadline() {
    return Date.now() > expiresAt + 5000;
  }

  function showTimeLeft() {
    var left = secondsLeft();
    var text;
    if (left >= 60) {
      var m = Math.ceil(left / 60);
      text = 'This QR code expires in ' + m + ' minute' + (m === 1 ? '' : 's') + '.';
    } else {
      text = 'This QR code expires in ' + left + ' second' + (left === 1 ? '' : 's') + '.';
    }
    if (timeLeft && timeLeft.textContent !== text) timeLeft.textContent = text;
  }

  function showExpired() {
    if (done) return;
    done = true;
    clearTimeout(timer);
    say('This QR code has expired. Get a new one below.');
    document.getElementById('qr').classList.add('faded');
    document.getElementById('qr').setAttribute('aria-label', 'Expired QR code (no longer valid)');
    document.getElementById('open-wallet').hidden = true;
    if (timeLeft) timeLeft.hidden = true;
    var box = document.getElementById('expired');
    box.hidden = false;
    box.querySelector('a').focus();
  }

  // This page's QR code no longer works for a reason other than time: say which, and offer a
  // fresh start (superseded: the same sign-in was opened again, in another tab or window).
  function showEnded(status) {
    if (done) return;
    done = true;
    clearTimeout(timer);
    var replaced = status === 'superseded';
    say(replaced ? 'This QR code was replaced by a newer one, opened in another tab or window.' : 'This sign-in is already complete.');
    document.getElementById('qr').classList.add('faded');
    document.getElementById('qr').setAttribute('aria-label', replaced ? 'Replaced QR code (no longer valid)' : 'Used QR code (no longer valid)');
    document.getElementById('open-wallet').hidden = true;
    if (timeLeft) timeLeft.hidden = true;
    var box = document.getElementById('expired');
    box.querySelector('h2').textContent = replaced ? 'This QR code was replaced' : 'This sign-in is complete';
    box.querySelector('p').textContent = replaced
      ? 'The same sign-in was opened again, so only the newest page works. Use that page, or get a new QR code here (the other page then stops working).'
      : 'It was answered in the Singpass app and has gone back to the app. Get a new QR code to sign in again.';
    box.hidden = false;
    box.querySelector('a').focus();
  }

  function finish(status) {
    done = true;
    clearTimeout(timer);
    if (timeLeft) timeLeft.hidden = true;
    document.getElementById('qr').classList.add('answered');
    say(status === 'approved' ? 'Approved. Taking you back to the app…' : 'You declined in the Singpass app. Taking you back to the app…');
    window.location.assign(continueUrl);
  }

  function poll() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : { status: r.status === 404 ? 'expired' : 'error' }; })
      .then(function (body) {
        if (done) return;
        if (body.status === 'approved' || body.status === 'declined') return finish(body.status);
        if (body.status === 'superseded' || body.status === 'finished') return showEnded(body.status);
        if (body.status === 'expired' || clearlyPastDeadline()) return showExpired();
        say(body.status === 'error' ? 'Cannot check the login right now. Retrying…' : 'Waiting for you to approve in the Singpass app…');
        showTimeLeft();
        timer = setTimeout(poll, 1000);
      })
      .catch(function () {
        if (done) return;
        if (secondsLeft() === 0) return showExpired();
        say('Connection lost. Retrying…');
        timer = setTimeout(poll, 3000);
      });
  }

  showTimeLeft();
  timer = setTimeout(poll, 500);
})();
