// The frontend of the docs' Flask guide, reduced to its contract with the backend: it lives on
// its own origin and calls the backend's /api with credentials (the session cookie).
const backend = window.SGID_DEMO_BACKEND;
const show = (id) => {
  for (const view of document.querySelectorAll('main > section')) view.hidden = view.id !== id;
};

async function home() {
  show('view-home');
  document.getElementById('login').addEventListener('click', async () => {
    const flavour = document.getElementById('icecream').value;
    const res = await fetch(`${backend}/api/auth-url?icecream=${encodeURIComponent(flavour)}`, { credentials: 'include' });
    const { url } = await res.json();
    window.location.href = url;
  });
}

async function loggedIn() {
  const res = await fetch(`${backend}/api/userinfo`, { credentials: 'include' });
  if (res.status === 401) return home();
  const { sub, data } = await res.json();
  document.getElementById('user-name').textContent = data['myinfo.name'];
  document.getElementById('ice-cream').textContent = data.iceCream;
  document.getElementById('user-sub').textContent = sub;
  show('view-success');
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch(`${backend}/api/logout`, { credentials: 'include' });
    window.location.href = '/';
  });
}

if (location.pathname === '/logged-in') loggedIn();
else if (location.pathname === '/error') show('view-error');
else home();
