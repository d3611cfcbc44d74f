// /hub/admin: every button calls the REST API with the admin's session, so the page can do no more than its scopes.
(() => {
  const xsrf = document.body.dataset.xsrf;
  const err = document.getElementById('admin-error');
  async function call(method, url, body) {
    const o = {method, headers: {'X-XSRFToken': xsrf}};
    if (body !== undefined) {
      o.headers['Content-Type'] = 'application/json';
      o.body = JSON.stringify(body);
    }
    const r = await fetch(url, o);
    if (!r.ok) {
      let m = r.status + '';
      try { m = (await r.json()).message; } catch (e) { /* not JSON: keep the status */ }
      err.textContent = m;
      err.hidden = false;
      throw new Error(m);
    }
    return r;
  }
  function serverUrl(tr) {
    const n = tr.dataset.server;
    return tr.dataset.api + (n ? '/servers/' + encodeURIComponent(n) : '/server');
  }
  async function settle(tr) {
    for (let i = 0; i < 240; i++) {
      const r = await fetch(tr.dataset.api);
      if (r.ok) {
        const u = await r.json();
        const s = (u.servers || {})[tr.dataset.server];
        if (!s || !s.pending) break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    location.reload();
  }
  function act(sel, fn) {
    document.querySelectorAll(sel).forEach(b => b.onclick = async () => {
      b.disabled = true;
      const tr = b.closest('tr');
      try { await fn(tr, b); } catch (e) { b.disabled = false; }
    });
  }
  act('button.start', async (tr, b) => { b.textContent = 'Starting...'; await call('POST', serverUrl(tr), {}); await settle(tr); });
  act('button.stop', async (tr, b) => { b.textContent = 'Stopping...'; await call('DELETE', serverUrl(tr)); await settle(tr); });
  act('button.toggle-admin', async (tr, b) => {
    await call('PATCH', tr.dataset.api, {admin: b.dataset.admin !== 'true'});
    location.reload();
  });
  act('button.logout-everywhere', async (tr, b) => {
    await call('DELETE', tr.dataset.api + '/sessions');
    b.textContent = 'Logged out';
  });
  act('button.delete-user', async (tr, b) => {
    if (!confirm('Delete user ' + tr.dataset.user + '?')) {
      b.disabled = false;
      return;
    }
    await call('DELETE', tr.dataset.api);
    location.reload();
  });
  document.getElementById('add-users').onclick = async () => {
    const names = document.getElementById('add-usernames').value.split(/\s+/).filter(n => n);
    if (!names.length) return;
    try {
      await call('POST', '/hub/api/users', {usernames: names, admin: document.getElementById('add-admin').checked});
      location.reload();
    } catch (e) { /* shown in #admin-error */ }
  };
})();
