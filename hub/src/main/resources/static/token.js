// /hub/token: request a token (shown once) and revoke tokens through the tokens API.
(() => {
  const xsrf = document.body.dataset.xsrf;
  const api = document.getElementById('tokens').dataset.api;
  document.getElementById('request-token-form').onsubmit = async e => {
    e.preventDefault();
    const body = {note: document.getElementById('token-note').value || 'Requested via token page'};
    const x = document.getElementById('token-expires').value;
    if (x) body.expires_in = +x;
    const r = await fetch(api, {method: 'POST', headers: {'X-XSRFToken': xsrf, 'Content-Type': 'application/json'},
      body: JSON.stringify(body)});
    const t = await r.json();
    document.getElementById('token').textContent = t.token;
    document.getElementById('token-result').hidden = false;
  };
  document.querySelectorAll('button.revoke').forEach(b => b.onclick = async () => {
    await fetch(api + '/' + b.dataset.id, {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
    location.reload();
  });
})();
