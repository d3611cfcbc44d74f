// /hub/admin/profiles: Validate and Save through the profile API, each error listed and marked at its line.
// The editor is CodeMirror (editor.js, window.NbhubEditor) when the hub was built with Node, else the text area
// with a line-number gutter; both offer the same small interface.
(() => {
  const root = document.getElementById('profile-editor');
  const FILE = root.dataset.file, API = root.dataset.api, XSRF = document.body.dataset.xsrf;
  const ta = document.getElementById('yaml'), result = document.getElementById('result'),
    list = document.getElementById('errors');

  function plainEditor() {
    const gutter = document.getElementById('gutter');
    let bad = new Set();
    function lines() {
      const n = ta.value.split('\n').length;
      ta.rows = Math.max(n + 1, 10);
      gutter.textContent = '';
      for (let i = 1; i <= n; i++) {
        const s = document.createElement('span');
        s.textContent = i + '\n';
        if (bad.has(i)) { s.className = 'bad'; s.id = 'gutter-bad-' + i; }
        gutter.appendChild(s);
      }
    }
    ta.addEventListener('input', lines);
    lines();
    return {
      text: () => ta.value,
      setText: t => { ta.value = t; lines(); },
      goTo(line) {
        const all = ta.value.split('\n');
        let start = 0;
        for (let i = 0; i < line - 1 && i < all.length; i++) start += all[i].length + 1;
        ta.focus();
        ta.setSelectionRange(start, start + (all[line - 1] || '').length);
      },
      selectedText: () => ta.value.substring(ta.selectionStart, ta.selectionEnd),
      markServerErrors(errors) { bad = new Set(errors.map(e => e.line)); lines(); }
    };
  }

  const editor = window.NbhubEditor ? window.NbhubEditor.attach(ta) : plainEditor();
  window.nbhubProfileEditor = editor;

  // An error belongs to this file when its path ends with the file's name (the API reports folder/name.yaml).
  function mine(e) { return e.file === FILE || e.file.endsWith('/' + FILE); }
  function show(ok, message, errors) {
    result.className = ok ? 'ok' : 'error';
    result.textContent = message;
    list.textContent = '';
    const here = [];
    for (const e of errors || []) {
      const li = document.createElement('li');
      const at = mine(e) && e.line > 0;
      li.dataset.line = at ? e.line : '';
      li.textContent = at ? ('line ' + e.line + ', column ' + e.column + ': ' + e.message) : e.text;
      if (at) { here.push(e); li.onclick = () => editor.goTo(e.line); }
      list.appendChild(li);
    }
    editor.markServerErrors(here);
  }
  async function call(method, url) {
    result.className = '';
    result.textContent = 'Checking\u2026';
    try {
      const r = await fetch(url, {method, credentials: 'same-origin',
        headers: {'Content-Type': 'application/yaml', 'X-XSRFToken': XSRF}, body: editor.text()});
      const j = await r.json().catch(() => ({message: 'HTTP ' + r.status}));
      return [r, j];
    } catch (err) {
      show(false, 'The hub did not answer: ' + err, []);
      return [null, null];
    }
  }
  document.getElementById('validate').onclick = async () => {
    const [r, j] = await call('POST', API + '/validate');
    if (!r) return;
    if (!r.ok) { show(false, j.message, []); return; }
    show(j.valid, j.valid ? 'Valid: ' + j.message : (j.errors.length + ' error(s); nothing was saved'), j.errors);
  };
  document.getElementById('save').onclick = async () => {
    const [r, j] = await call('PUT', API);
    if (!r) return;
    if (r.ok) {
      show(true, 'Saved. ' + j.message + '.', []);
      const banner = document.getElementById('reload-error');
      if (banner && !j.error) banner.remove();
    } else {
      show(false, r.status === 400 ? (j.errors || []).length + ' error(s); nothing was saved, the profiles in '
        + 'force are unchanged' : j.message, j.errors || []);
    }
  };
  // A file refused on disk: its errors (file:line:column: message lines of the banner) are shown when the page opens.
  const banner = document.querySelector('#reload-error pre');
  if (banner) {
    const onDisk = [];
    for (const l of banner.textContent.split('\n')) {
      const m = /^(.*?):(\d+):(\d+): (.*)$/.exec(l);
      onDisk.push(m ? {file: m[1], line: +m[2], column: +m[3], message: m[4], text: l}
        : {file: '', line: 0, column: 0, message: l, text: l});
    }
    if (onDisk.some(mine)) show(false, 'This file on disk has errors, so the profiles in force are the last good ones', onDisk);
  }
})();
