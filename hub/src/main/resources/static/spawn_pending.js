// /hub/spawn-pending: follows the progress events; on ready goes to next (or the server), on failure says why.
(() => {
  const pending = document.getElementById('pending');
  const es = new EventSource(pending.dataset.progressUrl);
  const log = document.getElementById('log');
  es.onmessage = m => {
    const e = JSON.parse(m.data);
    document.getElementById('progress').value = e.progress || 0;
    log.textContent += (e.message || '') + '\n';
    if (e.ready) {
      es.close();
      window.location.href = pending.dataset.next || e.url || pending.dataset.serverUrl;
    } else if (e.failed) {
      es.close();
      const err = document.getElementById('spawn-error');
      err.hidden = false;
      err.textContent = e.message;
      document.getElementById('status').textContent = 'Your server did not start.';
    }
  };
})();
