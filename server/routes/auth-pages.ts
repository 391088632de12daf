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

/** The page with one directive of its CSP replaced (`from` by `to`): to allow a fetch, a form. */
function widened(result: Page, from: string, to: string): Page {
  return {
    ...result,
    headers: {
      ...result.headers,
      'Content-Security-Policy': (result.headers['Content-Security-Policy'] ?? '').replace(
        from,
        to,
      ),
    },
  };
}

/** Inserts `html` (already escaped) before the page's script, after its message. */
const withBody = (result: Page, html: string): Page => ({
  ...result,
  html: result.html.replace('</p>\n', () => `</p>\n${html}\n`),
});

/**
 * The emailed sign-in's page in the popup: the address (and a name for a new account),
 * then "check your mail" with a field for the code. A link opened in this browser finishes
 * the sign-in in another tab and says so here on a BroadcastChannel; a code finishes it
 * here. Either way this page hands the ticket to its opener, as the callback page does.
 */
export function emailAuthorizePage(data: {
  state: string;
  tx: string;
  origin: string;
  siteName: string;
}): Page {
  const script = `(function(){var s=${scriptJson(data.state)},t=${scriptJson(data.tx)},o=${scriptJson(data.origin)};
function $(i){return document.getElementById(i);}
function say(i,x){$(i).textContent=x;}
function hand(k){if(window.opener&&!window.opener.closed){window.opener.postMessage({type:'confab:signed-in',tx:t,ticket:k},o);window.close();}
else{$('wait').hidden=true;say('message','You are signed in. Go back to the page you came from; this window can be closed.');}}
function post(p,b){return fetch(p,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(b)});}
function why(r){return r.json().then(function(p){var e=p.errors&&p.errors[0];return{field:e&&e.field,text:(e&&e.message)||p.detail||p.title};},function(){return{text:'Something went wrong. Try again.'};});}
function offline(i){return function(){say(i,'The server could not be reached. Try again.');};}
$('ask').addEventListener('submit',function(e){e.preventDefault();say('ask-error','');
post('/auth/email/request',{state:s,email:$('email').value,name:$('name').value}).then(function(r){
if(r.ok)return r.json().then(function(j){$('ask').hidden=true;$('wait').hidden=false;
say('sent','We sent a sign-in link and a code to '+j.sentTo+'. Open the link in this browser, or type the code here. Keep this window open until then.');$('code').focus();});
return why(r).then(function(p){say('ask-error',p.text);});}).catch(offline('ask-error'));});
$('enter').addEventListener('submit',function(e){e.preventDefault();say('enter-error','');
post('/auth/email/code',{state:s,code:$('code').value,name:$('code-name').value}).then(function(r){
if(r.ok)return r.json().then(function(j){hand(j.ticket);});
return why(r).then(function(p){if(p.field==='name'){$('name-row').hidden=false;$('code-name').focus();}say('enter-error',p.text);});}).catch(offline('enter-error'));});
$('again').addEventListener('click',function(){$('wait').hidden=true;$('ask').hidden=false;$('email').focus();});
if(typeof BroadcastChannel==='function'){var c=new BroadcastChannel('confab-email-sign-in');
c.onmessage=function(e){var d=e.data;if(d&&d.tx===t&&typeof d.ticket==='string'){c.close();hand(d.ticket);}};}})();`;
  const form = `<form id="ask">
<p><label>Email address<br><input id="email" type="email" required maxlength="254" autocomplete="email"></label></p>
<p><label>Your name<br><input id="name" maxlength="80" autocomplete="name"></label><br><small>Shown with your comments. Needed the first time you sign in with this address; leave it empty to keep the name you have.</small></p>
<p><button type="submit">Email me a sign-in link</button></p><p id="ask-error" role="alert"></p></form>
<div id="wait" hidden><p id="sent" role="status"></p>
<form id="enter"><p><label>Code from the email<br><input id="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required></label></p>
<p id="name-row" hidden><label>Your name, shown with your comments<br><input id="code-name" maxlength="80" autocomplete="name"></label></p>
<p><button type="submit">Sign in</button></p><p id="enter-error" role="alert"></p></form>
<p><button type="button" id="again">Use another address, or send again</button></p></div>`;
  const result = page(
    'Sign in with your email',
    `To comment on ${data.siteName}, we email you a link and a code that sign you in. Nothing else is sent to the address, and nobody else sees it.`,
    script,
  );
  return widened(
    withBody(result, form),
    "default-src 'none'",
    "default-src 'none'; connect-src 'self'",
  );
}

/**
 * The mailed link's page: who it signs in as and a button (the GET changes nothing, so a
 * mail scanner signs nobody in), a name field for a new account; or, in another browser,
 * why it cannot sign in here and what to do instead.
 */
export function emailLinkPage(view: {
  siteName: string;
  sentTo: string;
  sameBrowser: boolean;
  needsName: boolean;
  error?: string;
}): Page {
  if (!view.sameBrowser) {
    return page(
      'Open this link where you asked',
      `This link signs in only in the browser where you asked for it, so nobody else can use it. Reading the email on another device? Type the code from the email into the sign-in window on ${view.siteName}.`,
      null,
    );
  }
  const name = view.needsName
    ? `<p><label>Your name, shown with your comments<br><input name="name" required maxlength="80" autocomplete="name"></label></p>`
    : '';
  const error = view.error === undefined ? '' : `<p role="alert">${escapeHtml(view.error)}</p>`;
  const form = `<form method="post">${name}${error}<p><button type="submit">Sign in</button></p></form>`;
  return widened(
    withBody(
      page(
        `Sign in to ${view.siteName}`,
        `Sign in to comment on ${view.siteName} as ${view.sentTo}.`,
        null,
      ),
      form,
    ),
    "form-action 'none'",
    "form-action 'self'",
  );
}

/**
 * After the link's button: the sign-in is done. The popup that asked (in this browser)
 * hears it on a BroadcastChannel and hands the ticket to the comments; if it was closed,
 * the comment form finds the sign-in finished when the reader returns (it polls).
 */
export function emailSignedInPage(data: { tx: string; ticket: string; siteName: string }): Page {
  const script = `(function(){if(typeof BroadcastChannel!=='function')return;var c=new BroadcastChannel('confab-email-sign-in');
c.postMessage(${scriptJson({ tx: data.tx, ticket: data.ticket })});c.close();})();`;
  return page(
    'Signed in',
    `You are signed in to comment on ${data.siteName}. Go back to the comments; this tab can be closed.`,
    script,
  );
}

/** A link that cannot be used (made up, used, late): what happened and what to do. */
export function emailLinkFailedPage(title: string, detail: string): Page {
  return page(title, detail, null);
}
