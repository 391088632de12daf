/**
 * @module routes/auth-pages
 * The small pages the sign-in popup shows. The callback page hands the ticket to the
 * window that opened it, at the exact origin recorded for the transaction, never `*`;
 * the ticket travels in the page body, never in a URL. The pages cannot be framed, send
 * no referrer, and run only their own nonce'd script.
 */
import { randomBytes } from 'node:crypto';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export interface Page {
  html: string;
  headers: Record<string, string>;
}

function page(title: string, message: string, script: string | null): Page {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}</style>
</head><body><h1>${escapeHtml(title)}</h1><p id="message">${escapeHtml(message)}</p>
${script === null ? '' : `<script nonce="${nonce}">${script}</script>`}
</body></html>`;
  return {
    html,
    headers: {
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}

/**
 * The popup's first page. It tells the window that opened it that it is ready (only that
 * window, at the registered origin, can hear it), waits for the start key from exactly that
 * window, hands it to the server and follows the server to the provider.
 */
export function startPage(data: { tx: string; origin: string; label: string; post: string }): Page {
  const script = `(function(){var t=${scriptJson(data.tx)},o=${scriptJson(data.origin)},p=${scriptJson(data.post)};
var m=document.getElementById('message');
if(!window.opener){m.textContent='Start signing in from the comment form of the page you came from.';return;}
addEventListener('message',function(e){var d=e.data;
if(e.origin!==o||e.source!==window.opener||!d||d.type!=='confab:start'||d.tx!==t||typeof d.startKey!=='string')return;
fetch(p,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({tx:t,startKey:d.startKey})})
.then(function(r){return r.ok?r.json():Promise.reject(r.status);})
.then(function(j){location.replace(j.redirect);})
.catch(function(){m.textContent='This sign-in could not start. Close this window and try again.';});});
window.opener.postMessage({type:'confab:ready',tx:t},o);})();`;
  const result = page(`Signing in with ${data.label}`, 'Connecting…', script);
  return {
    ...result,
    headers: {
      ...result.headers,
      'Content-Security-Policy': (result.headers['Content-Security-Policy'] ?? '').replace(
        "default-src 'none'",
        "default-src 'none'; connect-src 'self'",
      ),
    },
  };
}

/** Posts `{type, tx, ticket}` to the opener at `origin` and closes; says what to do otherwise. */
export function signedInPage(data: { tx: string; ticket: string; origin: string }): Page {
  const script = `(function(){var d=${scriptJson({ type: 'confab:signed-in', tx: data.tx, ticket: data.ticket })};var o=${scriptJson(data.origin)};
if(window.opener&&!window.opener.closed){window.opener.postMessage(d,o);window.close();}
else{document.getElementById('message').textContent='You are signed in. Go back to the page you came from; this window can be closed.';}})();`;
  return page('Signed in', 'Returning you to the comments…', script);
}

export function signInFailedPage(
  message: string,
  data?: { tx: string; origin: string; code: string },
): Page {
  const script =
    data === undefined
      ? null
      : `(function(){var o=${scriptJson(data.origin)};if(window.opener&&!window.opener.closed){window.opener.postMessage(${scriptJson({ type: 'confab:sign-in-failed', tx: data.tx, code: data.code })},o);}})();`;
  return page('Sign-in failed', message, script);
}

/** The demo identity provider's "log in" page: choose a name. */
export function demoAuthorizePage(state: string): Page {
  const result = page(
    'Demo sign-in',
    'This is the Confab demo’s own sign-in, for trying things out. No account anywhere is involved: pick a name and you are signed in as that name on this server.',
    null,
  );
  const form = `<form method="get" action="/auth/demo/callback">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<label>Name <input name="name" required maxlength="40" autocomplete="nickname"></label>
<button type="submit">Sign in</button></form>`;
  return {
    ...result,
    html: result.html.replace('</body>', `${form}</body>`),
    headers: {
      ...result.headers,
      'Content-Security-Policy': (result.headers['Content-Security-Policy'] ?? '').replace(
        "form-action 'none'",
        "form-action 'self'",
      ),
    },
  };
}
