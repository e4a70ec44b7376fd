// The QR page waits for the wallet: poll the status, then continue to the app.
(function () {
  var main = document.getElementById('main');
  var statusUrl = main.dataset.statusUrl;
  var continueUrl = main.dataset.continueUrl;
  var expiresAt = Number(main.dataset.expiresAt);
  var statusLine = document.getElementById('status');
  var timer;

  function secondsLeft() {
    return Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  }

  function showExpired() {
    clearTimeout(timer);
    statusLine.textContent = 'This QR code has expired.';
    document.getElementById('qr').classList.add('faded');
    document.getElementById('open-wallet').hidden = true;
    var box = document.getElementById('expired');
    box.hidden = false;
    box.querySelector('a').focus();
  }

  function poll() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : { status: r.status === 404 ? 'expired' : 'error' }; })
      .then(function (body) {
        if (body.status === 'approved' || body.status === 'declined') {
          statusLine.textContent = body.status === 'approved' ? 'Approved. Taking you back to the app…' : 'Declined. Taking you back to the app…';
          window.location.assign(continueUrl);
          return;
        }
        if (body.status === 'expired') return showExpired();
        var left = secondsLeft();
        if (left === 0) return showExpired();
        statusLine.textContent = 'Waiting for you to approve in the Singpass app… (' + Math.ceil(left / 60) + ' min left)';
        timer = setTimeout(poll, 1000);
      })
      .catch(function () {
        statusLine.textContent = 'Connection lost. Retrying…';
        timer = setTimeout(poll, 3000);
      });
  }
  timer = setTimeout(poll, 500);
})();
