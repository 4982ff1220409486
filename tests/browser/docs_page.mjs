// Opens the API reference (/docs) of a running server in Debian's Chromium and checks that Redoc,
// served by the server itself, renders its /openapi.json: every operation of the document has
// its section, and the plots' operations are listed with their methods and summaries. Nothing
// may be asked of another server and no script error logged. Saves screenshots: the top of
// the page, and the section of GET /v1/plots (its name with -plots).
//
//   node docs_page.mjs URL [SCREENSHOT.png]     (or URL=… SCREENSHOT=… node docs_page.mjs)
//
// Exits 1 on any failure, including a browser that does not start.
import { args, checks, checkWatched, deadline, launch, watch } from './harness.mjs';

const { base, shot } = args('node docs_page.mjs URL [SCREENSHOT.png]', 'docs.png');
const t = checks('API reference');
const { check } = t;
const watchdog = deadline(t, 120000);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let browser;
try {
  const r = await fetch(`${base}/openapi.json`);
  check(r.ok, '/openapi.json is served', `HTTP ${r.status}`);
  const doc = await r.json();
  // Every operation: its path, method, tag (Redoc's sections are per tag) and summary.
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      if (item[m]) operations.push({ path, method: m, id: item[m].operationId, tag: (item[m].tags || [])[0], summary: item[m].summary });
    }
  }
  const plots = operations.filter((o) => o.path === '/v1/plots' || o.path.startsWith('/v1/plots/'));
  check(plots.length >= 2 && plots.some((o) => o.path === '/v1/plots' && o.method === 'get'),
    `the document has the plots' operations (${plots.length}), GET /v1/plots among them`);

  browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const seen = await watch(context, page, new URL(base).origin);

  const response = await page.goto(`${base}/docs`);
  check(response && response.ok(), '/docs answers 200', response && `HTTP ${response.status()}`);
  const csp = response ? response.headers()['content-security-policy'] || '' : '';
  check(/default-src 'self'/.test(csp) && !/https?:/.test(csp), 'its Content-Security-Policy allows this server only', csp);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 60000 });
  check((await page.getAttribute('body', 'data-state')) === 'ready', 'Redoc renders /openapi.json',
    await page.textContent('body').then((s) => s.slice(0, 300)));

  const shown = await page.evaluate(() => ({
    title: document.querySelector('h1')?.textContent || '',
    sections: [...document.querySelectorAll('[data-section-id]')].map((s) => s.getAttribute('data-section-id')),
    menu: Object.fromEntries([...document.querySelectorAll('li[data-item-id]')].map((li) => [li.getAttribute('data-item-id'), li.textContent])),
    download: document.querySelector('a[download]')?.href || '',
  }));
  check(shown.title.includes(doc.info.title), `the heading names the API (${doc.info.title})`, shown.title);
  const sections = new Set(shown.sections);
  const missing = operations.filter((o) => !sections.has(`tag/${o.tag}/operation/${o.id}`));
  check(missing.length === 0, `each of the ${operations.length} operations has its section`,
    missing.slice(0, 5).map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', '));

  // The side menu lists the plots' operations: method and summary.
  const unlisted = plots.filter((o) => {
    const text = shown.menu[`tag/${o.tag}/operation/${o.id}`] || '';
    const verb = o.method === 'delete' ? 'del' : o.method;
    return !text.startsWith(verb) || !text.includes(o.summary);
  });
  check(unlisted.length === 0, `the menu lists the ${plots.length} operations of the plots with their methods and summaries`,
    unlisted.map((o) => `${o.method} ${o.path}: ${JSON.stringify(shown.menu[`tag/${o.tag}/operation/${o.id}`])}`).join('; '));

  // GET /v1/plots: its section shows the method and the path.
  const list = plots.find((o) => o.path === '/v1/plots' && o.method === 'get');
  const listSection = page.locator(`[id="tag/${list.tag}/operation/${list.id}"]`);
  await listSection.evaluate((e) => e.scrollIntoView());
  const listText = await listSection.textContent();
  check(listText.includes(list.summary) && /get\s*\/v1\/plots/.test(listText),
    `the section of GET /v1/plots shows "${list.summary}", its method and its path`, listText.slice(0, 200));
  check(new URL(shown.download || 'x:', base).pathname === '/openapi.json', 'the download link is this server\'s /openapi.json', shown.download);
  await page.screenshot({ path: shot.replace(/(\.png)?$/, '-plots.png') });

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot });
  console.log(`screenshots: ${shot} and the section of GET /v1/plots beside it`);
  checkWatched(t, seen, 'the page');
} catch (e) {
  check(false, 'the test runs to its end', e.stack || String(e));
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
}
t.finish();
