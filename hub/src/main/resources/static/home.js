// /hub/home: stop a server, make and revoke share links, revoke shares, add a named server.
(() => {
  const xsrf = document.body.dataset.xsrf;
  const json = {'X-XSRFToken': xsrf, 'Content-Type': 'application/json'};
  document.querySelectorAll('button.stop').forEach(b => b.onclick = async () => {
    b.disabled = true;
    b.textContent = 'Stopping...';
    await fetch(b.dataset.api, {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
    for (let i = 0; i < 60; i++) {
      const r = await fetch(b.dataset.api.replace(/\/server(s\/[^/]+)?$/, ''));
      if (r.ok) {
        const u = await r.json();
        const s = (u.servers || {})[b.closest('tr').dataset.server];
        if (!s || !s.pending) break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    location.reload();
  });
  document.querySelectorAll('button.unshare').forEach(b => b.onclick = async () => {
    const li = b.closest('li');
    const body = {};
    body[li.dataset.kind] = li.dataset.name;
    await fetch(b.dataset.api, {method: 'PATCH', headers: json, body: JSON.stringify(body)});
    location.reload();
  });
  document.querySelectorAll('button.share-link').forEach(b => b.onclick = async () => {
    const r = await fetch(b.dataset.api, {method: 'POST', headers: json, body: '{}'});
    const c = await r.json();
    const out = b.parentElement.querySelector('.share-url');
    out.textContent = r.ok ? location.origin + c.accept_url : c.message;
    out.hidden = false;
  });
  document.querySelectorAll('button.revoke-links').forEach(b => b.onclick = async () => {
    await fetch(b.dataset.api, {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
    const out = b.parentElement.querySelector('.share-url');
    out.textContent = 'Share links revoked';
    out.hidden = false;
  });
  const add = document.getElementById('new-server');
  if (add) add.onclick = e => {
    e.preventDefault();
    const n = document.getElementById('new-server-name').value;
    if (n) window.location.href = add.dataset.spawn + '/' + encodeURIComponent(n);
  };
})();
