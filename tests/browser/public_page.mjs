// Opens the public page (/public/) of a running server in Debian's Chromium and checks it against
// /public/directory: a table row and a marker and outline on the map for each plot of the 名录,
// the district filter, popups, no request leaving the server, no script error. Saves screenshots.
//
//   node public_page.mjs URL [SCREENSHOT.png]     (or URL=… SCREENSHOT=… node public_page.mjs)
//
// CHROMIUM names the browser (default /usr/bin/chromium). Exits 1 on any failure, including a
// browser that does not start.
import { args, checks, checkWatched, deadline, launch, watch } from './harness.mjs';

const { base, shot } = args('node public_page.mjs URL [SCREENSHOT.png]', 'public_page.png');
const t = checks('public page');
const { check } = t;

// Every item of the 名录 (JSON, all pages), optionally of one district.
async function directory(district) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '1000' });
    if (district) q.set('district', district);
    if (cursor) q.set('cursor', cursor);
    const r = await fetch(`${base}/public/directory?${q}`, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(`GET /public/directory: HTTP ${r.status}`);
    const page = await r.json();
    items.push(...page.items);
    cursor = page.next_cursor || null;
  } while (cursor);
  return items;
}

const sameIds = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const isArea = (g) => g && (g.type === 'Polygon' || g.type === 'MultiPolygon');

// What the page shows: its table rows, and the markers and outlines on its map.
async function shown(page) {
  return page.evaluate(() => ({
    rows: [...document.querySelectorAll('#directory tbody tr[data-id]')].map((r) => ({
      id: r.dataset.id,
      name: r.querySelector('.name').textContent,
      district: r.cells[1].textContent,
      pollutants: r.cells[4].textContent,
      status: r.cells[5].textContent,
      listed_on: r.cells[6].textContent,
    })),
    markers: document.querySelectorAll('#map path.plot-marker').length,
    // Markers whose centre lies inside the map's box: the view fits the plots shown.
    inView: [...document.querySelectorAll('#map path.plot-marker')].filter((m) => {
      const box = document.getElementById('map').getBoundingClientRect();
      const r = m.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      return x > box.left && x < box.right && y > box.top && y < box.bottom;
    }).length,
    areas: document.querySelectorAll('#map path.plot-area').length,
  }));
}

function compare(label, view, items) {
  check(view.rows.length === items.length && sameIds(view.rows.map((r) => r.id), items.map((i) => i.id)),
    `${label}: the table has the ${items.length} plot(s) of /public/directory`,
    `table ${JSON.stringify(view.rows.map((r) => r.id))}, API ${JSON.stringify(items.map((i) => i.id))}`);
  const byId = new Map(items.map((i) => [i.id, i]));
  const wrong = view.rows.filter((r) => {
    const i = byId.get(r.id);
    return !i || r.name !== i.name || r.district !== i.district_zh || r.status !== i.status_zh ||
      r.listed_on !== (i.listed_on || '') || r.pollutants !== (i.pollutants_zh || []).join('、');
  });
  check(wrong.length === 0, `${label}: each row shows the plot's name, 区, pollutants, status (中文) and date`,
    JSON.stringify(wrong.slice(0, 3)));
  const located = items.filter((i) => i.geometry).length;
  check(view.markers === located, `${label}: one marker per plot with a geometry (${located})`, `${view.markers} markers`);
  check(view.inView === view.markers, `${label}: the map's view holds every marker`, `${view.inView} of ${view.markers} in view`);
  const outlined = items.filter((i) => isArea(i.geometry)).length;
  check(view.areas === outlined, `${label}: one outline per plot with an area (${outlined})`, `${view.areas} outlines`);
}

const watchdog = deadline(t, 120000);

let browser;
try {
  const all = await directory(null);
  check(all.length > 0, `/public/directory has plots to show (${all.length})`);
  // The district with the most plots among those that do not hold them all.
  const counts = new Map();
  for (const i of all) counts.set(i.district, (counts.get(i.district) || 0) + 1);
  const district = [...counts.entries()].filter(([, n]) => n < all.length).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  check(Boolean(district), 'the plots lie in more than one district, so the filter can be seen to work');
  const some = district ? await directory(district) : [];

  browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const seen = await watch(context, page, new URL(base).origin);

  const response = await page.goto(`${base}/public`);
  check(response && response.ok() && page.url() === `${base}/public/`, '/public leads to the page at /public/', page.url());
  await page.waitForSelector('#app[data-state="ready"], #app[data-state="error"]', { timeout: 30000 });
  const state = await page.getAttribute('#app', 'data-state');
  check(state === 'ready', 'the page loads the 名录', await page.textContent('#summary'));
  check((await page.textContent('h1')).includes('名录'), 'the heading is in Chinese');
  check((await page.getAttribute('#app', 'data-tiles')) === null, 'no tile layer without --map-tiles');
  compare('all districts', await shown(page), all);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // A popup names the plot and its status.
  const first = all.find((i) => i.geometry);
  if (first) {
    await page.locator('#directory tbody tr.on-map').first().click();
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor({ timeout: 5000 }).catch(() => {});
    const text = (await popup.count()) ? await popup.textContent() : '';
    const row = await page.locator('#directory tbody tr.on-map').first().getAttribute('data-id');
    const item = all.find((i) => i.id === row);
    check(item && text.includes(item.name) && text.includes(item.status_zh),
      'a click on a row opens the plot\'s popup with its name and status', text);
  }

  if (district) {
    await page.selectOption('#district', district);
    await page.waitForSelector(`#app[data-district="${district}"]`, { timeout: 5000 });
    const view = await shown(page);
    compare(`district ${district}`, view, some);
    check(view.rows.length < all.length && view.markers < all.filter((i) => i.geometry).length,
      `the filter to ${district} shows fewer rows and markers than all districts`);
    check(new URL(page.url()).searchParams.get('district') === district, 'the filter is kept in the address');
    await page.waitForSelector('.leaflet-popup', { state: 'detached', timeout: 5000 });
    await page.screenshot({ path: shot.replace(/(\.png)?$/, `-${district}.png`), fullPage: true });

    await page.goto(`${base}/public/?district=${district}`);
    await page.waitForSelector('#app[data-state="ready"]', { timeout: 30000 });
    compare(`opened with ?district=${district}`, await shown(page), some);
    await page.selectOption('#district', '');
    await page.waitForSelector('#app[data-district=""]', { timeout: 5000 });
    compare('back to all districts', await shown(page), all);
  }

  checkWatched(t, seen, 'the page');
} catch (e) {
  check(false, 'the test runs to its end', e.stack || String(e));
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
}
t.finish();
