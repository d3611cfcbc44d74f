// Every page: keeps "3 minutes ago" texts current (the exact time stays in the element's title).
(() => {
  function ago(then, now) {
    const seconds = Math.round((now - then) / 1000), future = seconds < 0, s = Math.abs(seconds);
    if (s < 45) return future ? 'in a few seconds' : 'just now';
    const plural = (n, unit) => n + ' ' + unit + (n === 1 ? '' : 's');
    let amount;
    if (s < 90 * 60) amount = plural(Math.max(1, Math.round(s / 60)), 'minute');
    else if (s < 36 * 3600) amount = plural(Math.round(s / 3600), 'hour');
    else if (s < 45 * 86400) amount = plural(Math.round(s / 86400), 'day');
    else if (s < 365 * 86400) amount = plural(Math.round(s / (30 * 86400)), 'month');
    else amount = plural(Math.round(s / (365 * 86400)), 'year');
    return future ? 'in ' + amount : amount + ' ago';
  }
  function refresh() {
    const now = Date.now();
    document.querySelectorAll('time[datetime]').forEach(t => {
      const then = Date.parse(t.getAttribute('datetime'));
      if (!isNaN(then)) t.textContent = ago(then, now);
    });
  }
  setInterval(refresh, 60 * 1000);
})();
