/**
 * @module demo/page
 * The demo's sample blog post. The embed in it is the same two lines the README gives.
 */
const escape = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function demoPage(publicUrl: string): string {
  const base = escape(publicUrl);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notes from a small garden</title>
<link rel="icon" href="data:,">
<style>
  body { font: 18px/1.6 Georgia, 'Times New Roman', serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; background: #fdfcf8; }
  @media (prefers-color-scheme: dark) { body { color: #e8e6e1; background: #1b1c1e; } a { color: #9cc4ff; } }
  header p, .meta { color: #777; font-size: 0.9em; }
  .demo-note { border: 1px dashed #aaa; padding: 0.5rem 1rem; font: 14px/1.5 system-ui, sans-serif; }
</style>
</head>
<body>
<header>
  <p><a href="/">A Small Garden</a> — a weblog about growing things in small places</p>
</header>
<main>
<article>
  <h1>Notes from a small garden</h1>
  <p class="meta">Posted on 14 March 2026 by Ada</p>
  <p>Three summers ago I turned a strip of gravel behind the flat into four raised beds. They are
  barely two metres long, and they have taught me more than every gardening book on my shelf.</p>
  <p>The first lesson: soil is the whole game. I spent the first year fighting aphids and the second
  year feeding the soil instead, and the aphids mostly left with the bad soil.</p>
  <p>The second: plant what you will actually eat. Nobody needs eleven courgette plants. Nobody.</p>
  <p>The third: write it down. This blog started as a planting log, and the comments below have
  been the best part of it. Tell me what grows in your small place.</p>
</article>
<p class="demo-note">This is the Confab demo. The comment section below is the real widget, served by
this server and embedded with the two lines from the README. Post as a guest, or sign in with
the demo's own sign-in (pick any name; no real account is involved). Nothing leaves this machine.</p>
<section>
<script type="module" src="${base}/confab.js"></script>
<confab-thread site="demo"></confab-thread>
</section>
</main>
</body>
</html>
`;
}
