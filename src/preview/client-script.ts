/**
 * The page's one script, served as `/preview/app.js` (the page's Content-Security-Policy allows
 * scripts from the page's own origin only). It posts clicks to the preview's routes and applies
 * the server-rendered fragments that arrive over server-sent events. Talks only to its origin.
 */

export const CLIENT_SCRIPT = `'use strict';
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const status = (text) => { $('#status').textContent = text; };
  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-threadline-preview': '1' }, body: JSON.stringify(body || {}) });
    let json = {};
    try { json = await res.json(); } catch (_) { /* no body */ }
    if (!res.ok) throw new Error(json.reason || ('HTTP ' + res.status));
    return json;
  };
  const fail = (err) => status('Failed: ' + err.message);
  const byId = (id) => document.getElementById(id);
  const fragment = (html) => { const t = document.createElement('template'); t.innerHTML = html; return t.content.firstElementChild; };

  function apply(change) {
    if (change.nav !== undefined) $('#channels').innerHTML = change.nav;
    if (change.kind === 'cleared') { $('#channel-list').innerHTML = ''; $('#modal-root').innerHTML = ''; }
    if (change.section && !byId(change.sectionId)) $('#channel-list').prepend(fragment(change.section));
    const section = change.sectionId ? byId(change.sectionId) : null;
    if (change.kind === 'thread' && section) {
      const old = byId(change.id);
      const el = fragment(change.html);
      if (old) old.replaceWith(el);
      else $('.threads', section).prepend(el);
    }
    if (change.kind === 'channel' && section) $('.ephemerals', section).innerHTML = change.html;
    if (change.kind === 'modal') {
      const old = byId('modal-' + change.id);
      if (old) old.remove();
      if (change.html) {
        const wrap = document.createElement('div');
        wrap.id = 'modal-' + change.id;
        wrap.innerHTML = change.html;
        $('#modal-root').append(wrap);
        const field = $('textarea', wrap);
        if (field) field.focus();
      }
    }
    document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates || '0') + 1);
  }

  const events = new EventSource('/preview/events');
  events.addEventListener('change', (e) => apply(JSON.parse(e.data)));
  events.addEventListener('open', () => { document.body.dataset.live = 'yes'; });
  events.addEventListener('error', () => { document.body.dataset.live = 'no'; });

  async function copy(text) {
    try { await navigator.clipboard.writeText(text); }
    catch (_) {
      const area = document.createElement('textarea');
      area.value = text; document.body.append(area); area.select(); document.execCommand('copy'); area.remove();
    }
    status('JSON copied to the clipboard.');
  }

  function actionOf(el) {
    const m = el.closest('.message');
    return { channel: m.dataset.channel, ts: m.dataset.ts, actionId: el.dataset.actionId, blockId: el.dataset.blockId };
  }

  document.addEventListener('click', (e) => {
    const el = e.target.closest('button');
    if (!el) return;
    if (el.dataset.scenario) {
      status('Running ' + el.textContent + '…');
      post('/preview/scenarios/' + encodeURIComponent(el.dataset.scenario)).then(() => status(el.textContent + ': every delivery handed to the pipeline.'), fail);
    } else if (el.classList.contains('copy')) {
      copy(el.dataset.json);
    } else if (el.dataset.close) {
      post('/preview/views/' + encodeURIComponent(el.dataset.close) + '/close').catch(fail);
    } else if (el.dataset.actionId && el.classList.contains('act')) {
      status(el.textContent + '…');
      post('/preview/actions', Object.assign(actionOf(el), { value: el.dataset.value })).then(() => status(el.textContent + ': done.'), fail);
    }
  });

  document.addEventListener('change', (e) => {
    const el = e.target;
    if (!(el instanceof HTMLSelectElement) || !el.classList.contains('act') || !el.value) return;
    const body = actionOf(el);
    if (el.dataset.kind === 'user') body.selectedUser = el.value; else body.selectedOption = el.value;
    status('Sending…');
    post('/preview/actions', body).then(() => status('Done.'), fail);
  });

  document.addEventListener('submit', (e) => {
    const form = e.target.closest('form.view');
    if (!form) return;
    e.preventDefault();
    const values = {};
    for (const field of form.querySelectorAll('textarea[name]')) {
      const [block, action] = field.name.split('/');
      (values[block] = values[block] || {})[action] = field.value;
    }
    post('/preview/views/' + encodeURIComponent(form.dataset.viewId), { values }).then((r) => {
      if (r.errors) $('.error', form).textContent = Object.values(r.errors).join(' ');
    }, fail);
  });
})();
`;
