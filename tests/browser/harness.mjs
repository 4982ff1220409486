// What the browser tests share: checks and their result line, Chromium, a time limit, and a
// watch on what a page asks of the network and writes to its console.
import { chromium } from 'playwright-core';

// check(ok, what, detail) prints one line per check; finish() prints the result line that
// scripts/test reads, `browser: NAME passed (N checks)` or `browser: NAME FAILED (F of N checks
// failed)`, and exits 0 or 1.
export function checks(name) {
  let count = 0;
  const failures = [];
  function check(ok, what, detail) {
    count++;
    if (ok) {
      console.log(`ok - ${what}`);
    } else {
      failures.push(what);
      console.log(`not ok - ${what}${detail ? `: ${detail}` : ''}`);
    }
    return ok;
  }
  function finish() {
    if (failures.length) {
      console.log(`browser: ${name} FAILED (${failures.length} of ${count} checks failed)`);
      process.exit(1);
    }
    console.log(`browser: ${name} passed (${count} checks)`);
    process.exit(0);
  }
  return { check, finish };
}

// A failed check and the result line when the run takes longer than `ms`.
export function deadline(t, ms) {
  return setTimeout(() => {
    t.check(false, `the run finishes within ${ms / 1000} s`);
    t.finish();
  }, ms);
}

// Debian's Chromium (CHROMIUM names another); a browser that does not start is a failed check.
export async function launch(t) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  try {
    return await chromium.launch({ executablePath, timeout: 30000 });
  } catch (e) {
    t.check(false, `Chromium starts (${executablePath})`, e.message.split('\n')[0]);
    t.finish();
  }
  return null;
}

// Watches a page: requests to any origin but `origin` are refused and kept (`outside`), as are
// script errors and console errors (CSP violations among them) and failed requests.
export async function watch(context, page, origin) {
  const seen = { outside: [], errors: [], failed: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    seen.outside.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('requestfailed', (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) seen.failed.push(`${r.url()}: HTTP ${r.status()}`); });
  return seen;
}

// The three checks of a watched page.
export function checkWatched(t, seen, what) {
  t.check(seen.outside.length === 0, `${what} asks nothing of any other server`, seen.outside.join(', '));
  t.check(seen.errors.length === 0, `${what} logs no script error or policy violation`, seen.errors.join(' | '));
  t.check(seen.failed.length === 0, `every request ${what} makes succeeds`, seen.failed.join(', '));
}

// Command-line arguments: URL and the screenshot's path (or URL=… SCREENSHOT=…).
export function args(usage, defaultShot) {
  const base = (process.argv[2] || process.env.URL || '').replace(/\/+$/, '');
  const shot = process.argv[3] || process.env.SCREENSHOT || defaultShot;
  if (!base) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { base, shot };
}
