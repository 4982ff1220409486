// Opens the operators' dashboard (/dashboard/) of a running server in Debian's Chromium with an
// agency key and checks it against what the API answers that key: the open findings by rule
// and by district and their table (GET /v1/findings?status=open), the datasets' counts
// (GET /v1/datasets), one marker per plot on the map coloured by status (GET /v1/plots as
// GeoJSON) and the plan's figures (GET /v1/statistics); a district chosen narrows the findings
// and the plots to it. The key is kept for the tab only and goes with every /v1 request;
// nothing is asked of another server and no script error logged. Saves screenshots.
//
//   KEY=ss_… node dashboard.mjs URL [SCREENSHOT.png]    (or URL=… SCREENSHOT=…)
//
// Exits 1 on any failure, including a browser that does not start.
import { args, checks, checkWatched, deadline, launch, watch } from './harness.mjs';

const { base, shot } = args('KEY=ss_… node dashboard.mjs URL [SCREENSHOT.png]', 'dashboard.png');
const key = process.env.KEY || '';
if (!key) {
  console.error('dashboard.mjs: KEY must hold an agency key');
  process.exit(2);
}
const t = checks('dashboard');
const { check } = t;
const watchdog = deadline(t, 180000);

async function api(path) {
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
  if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
  return r.json();
}

// The open findings (all pages), optionally of one district.
async function openFindings(district) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ status: 'open', limit: '1000' });
    if (district) q.set('district', district);
    if (cursor) q.set('cursor', cursor);
    const page = await api(`/v1/findings?${q}`);
    items.push(...page.items);
    cursor = page.next_cursor || null;
  } while (cursor);
  return items;
}

// The plots as GeoJSON features (all pages, following `next`), optionally of one district.
async function plotFeatures(district) {
  const features = [];
  const q = new URLSearchParams({ f: 'geojson', limit: '1000' });
  if (district) q.set('district', district);
  let next = `/v1/plots?${q}`;
  while (next) {
    const page = await api(next);
    features.push(...page.features);
    next = (page.links || []).find((l) => l.rel === 'next')?.href || null;
  }
  return features;
}

function tally(list, keyOf) {
  const counts = {};
  for (const x of list) counts[keyOf(x)] = (counts[keyOf(x)] || 0) + 1;
  return counts;
}
const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const isArea = (g) => g && (g.type === 'Polygon' || g.type === 'MultiPolygon');

// What the page shows.
async function shown(page) {
  return page.evaluate(() => {
    const num = (s) => Number(s.trim());
    const box = document.getElementById('map').getBoundingClientRect();
    const markers = [...document.querySelectorAll('#map path.plot-marker')];
    return {
      rules: Object.fromEntries([...document.querySelectorAll('#by-rule tbody tr[data-rule]')]
        .map((r) => [r.dataset.rule, num(r.querySelector('.count').textContent)])),
      ruleLabels: [...document.querySelectorAll('#by-rule tbody tr[data-rule] th')].map((c) => c.textContent),
      total: num(document.getElementById('by-rule-total').textContent),
      districts: Object.fromEntries([...document.querySelectorAll('#by-district tbody tr[data-district]')]
        .map((r) => [r.dataset.district, num(r.querySelector('.count').textContent)])),
      findings: [...document.querySelectorAll('#findings tbody tr[data-id]')].map((r) => r.dataset.id),
      markers: markers.map((m) => ({
        status: [...m.classList].find((c) => c.startsWith('status-'))?.slice(7),
        fill: m.getAttribute('fill'),
      })),
      inView: markers.filter((m) => {
        const r = m.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        return x > box.left && x < box.right && y > box.top && y < box.bottom;
      }).length,
      areas: document.querySelectorAll('#map path.plot-area').length,
    };
  });
}

function compare(label, view, findings, features) {
  const rules = Object.fromEntries(Object.keys(view.rules).map((r) => [r, 0]));
  Object.assign(rules, tally(findings, (f) => f.rule));
  check(same(view.rules, rules) && Object.keys(view.rules).length === 8,
    `${label}: the open findings by rule are those of GET /v1/findings?status=open (${findings.length})`,
    `page ${JSON.stringify(view.rules)}, API ${JSON.stringify(tally(findings, (f) => f.rule))}`);
  check(view.total === findings.length, `${label}: the total is ${findings.length}`, String(view.total));
  check(same(view.districts, tally(findings, (f) => f.district || '')), `${label}: the open findings by district are the API's`,
    `page ${JSON.stringify(view.districts)}, API ${JSON.stringify(tally(findings, (f) => f.district || ''))}`);
  check(JSON.stringify(view.findings) === JSON.stringify(findings.map((f) => f.id)),
    `${label}: the findings table lists those findings in order`, JSON.stringify(view.findings.slice(0, 5)));
  const located = features.filter((f) => f.geometry);
  check(view.markers.length === located.length, `${label}: one marker per plot with a geometry (${located.length})`, `${view.markers.length} markers`);
  check(same(tally(view.markers, (m) => m.status), tally(located, (f) => f.properties.status)),
    `${label}: the markers' statuses are the plots'`, JSON.stringify(tally(view.markers, (m) => m.status)));
  check(view.inView === view.markers.length, `${label}: the map's view holds every marker`, `${view.inView} of ${view.markers.length}`);
  check(view.areas === located.filter((f) => isArea(f.geometry)).length, `${label}: one outline per plot with an area`, `${view.areas} outlines`);
  // Coloured by status: one colour per status, a different one for each.
  const colours = {};
  for (const m of view.markers) (colours[m.status] ||= new Set()).add(m.fill);
  const fills = Object.values(colours).map((s) => [...s]);
  check(fills.every((f) => f.length === 1) && new Set(fills.flat()).size === fills.length,
    `${label}: the markers are coloured by status, one colour each`, JSON.stringify(Object.fromEntries(Object.entries(colours).map(([k, v]) => [k, [...v]]))));
}

let browser;
try {
  const me = await api('/v1/me');
  check(Boolean(me.agency), `the key is an agency's (${me.agency})`);
  const [allFindings, allFeatures, catalogue, stats] = await Promise.all([
    openFindings(null), plotFeatures(null), api('/v1/datasets'), api('/v1/statistics')]);
  check(allFindings.length > 0 && allFeatures.length > 0, `the demo data has open findings (${allFindings.length}) and plots (${allFeatures.length})`);
  // The district with the most open findings among those holding some but not all findings
  // and plots, so that the filter changes both.
  const plotsBy = tally(allFeatures, (f) => f.properties.district);
  const district = Object.entries(tally(allFindings, (f) => f.district || ''))
    .filter(([d, n]) => d && n < allFindings.length && plotsBy[d] > 0 && plotsBy[d] < allFeatures.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  check(Boolean(district), 'a district holds some of the findings and plots, so the filter can be seen to work');
  const [someFindings, someFeatures] = district ? await Promise.all([openFindings(district), plotFeatures(district)]) : [[], []];

  browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const seen = await watch(context, page, new URL(base).origin);
  const apiRequests = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) apiRequests.push({ url: r.url(), auth: r.headers().authorization || '' });
  });

  const response = await page.goto(`${base}/dashboard`);
  check(response && response.ok() && page.url() === `${base}/dashboard/`, '/dashboard leads to the page at /dashboard/', page.url());
  const csp = response ? response.headers()['content-security-policy'] || '' : '';
  check(/default-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) && !/https?:/.test(csp),
    'its Content-Security-Policy allows this server only, and no framing', csp);
  check((await page.getAttribute('#app', 'data-state')) === 'locked' && await page.isVisible('#key'),
    'without a key the page asks for one');
  check(apiRequests.length === 0, 'without a key the page asks nothing of /v1', apiRequests.map((r) => r.url).join(', '));

  // A key the server does not know: refused, and not kept. Its 401 is the one expected failure.
  await page.fill('#key', 'ss_000000000000_not-a-key-at-all');
  await page.click('#key-form button[type="submit"]');
  await page.waitForSelector('#app[data-state="refused"]', { timeout: 15000 });
  check(await page.isVisible('#message.error'), 'an unknown key is refused with a message', await page.textContent('#message'));
  check(await page.evaluate(() => sessionStorage.length === 0), 'a refused key is not kept');
  check(apiRequests.length === 1 && new URL(apiRequests[0].url).pathname === '/v1/me',
    'a key is tried on /v1/me before anything else is asked', apiRequests.map((r) => r.url).join(', '));
  seen.errors.length = 0;
  seen.failed.length = 0;
  apiRequests.length = 0;

  await page.fill('#key', key);
  await page.click('#key-form button[type="submit"]');
  await page.waitForSelector('#app[data-state="ready"], #app[data-state="error"], #app[data-state="refused"]', { timeout: 60000 });
  check((await page.getAttribute('#app', 'data-state')) === 'ready', 'with the key the page loads', await page.textContent('#summary'));
  check((await page.getAttribute('#app', 'data-tiles')) === null, 'no tile layer without --map-tiles');
  const storage = await page.evaluate(() => ({
    session: sessionStorage.getItem('soilshare.key'), local: localStorage.length, cookie: document.cookie, field: document.getElementById('key').value,
  }));
  check(storage.session === key && storage.local === 0 && storage.cookie === '' && storage.field === '',
    'the key is kept in the tab\'s sessionStorage only (no localStorage, no cookie, not left in the field)', JSON.stringify({ ...storage, session: Boolean(storage.session) }));
  check(!page.url().includes(key), 'the key is not in the address');
  const keyless = apiRequests.filter((r) => r.auth !== `Bearer ${key}`);
  check(apiRequests.length > 0 && keyless.length === 0, `every /v1 request carries the key as a bearer token (${apiRequests.length})`,
    keyless.map((r) => r.url).join(', '));

  const all = await shown(page);
  compare('all districts', all, allFindings, allFeatures);
  check(all.ruleLabels.every((l) => /[\u4e00-\u9fff]/.test(l)), 'the rules are named in Chinese', JSON.stringify(all.ruleLabels));

  const datasets = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#datasets tbody tr[data-dataset]')]
    .map((r) => [r.dataset.dataset, { count: Number(r.querySelector('.count').textContent), changed: r.querySelector('.date').title }])));
  const wrongSets = catalogue.items.filter((d) => !datasets[d.name] || datasets[d.name].count !== d.count || datasets[d.name].changed !== (d.last_changed_at || ''));
  check(Object.keys(datasets).length === catalogue.items.length && wrongSets.length === 0,
    `each of the ${catalogue.items.length} datasets shows its count and last change from GET /v1/datasets`, JSON.stringify(wrongSets.slice(0, 3)));

  const rows = await page.evaluate(() => [...document.querySelectorAll('#statistics tbody tr')].map((r) => ({
    district: r.dataset.district,
    rates: [...r.querySelectorAll('td.rate')].map((c) => [Number(c.dataset.numerator), Number(c.dataset.denominator)]),
    rateText: [...r.querySelectorAll('td.rate strong')].map((c) => c.textContent),
  })));
  const RATES = ['key_construction_land_safe_use', 'contaminated_plot_safe_use', 'contaminated_farmland_safe_use'];
  const expected = [{ code: '', ...stats.city }, ...stats.districts];
  const wrongRows = expected.filter((s, i) => {
    const row = rows[i];
    return !row || row.district !== s.code || RATES.some((k, j) => row.rates[j][0] !== s.rates[k].numerator || row.rates[j][1] !== s.rates[k].denominator ||
      (s.rates[k].rate === null) !== (row.rateText[j] === '—'));
  });
  check(rows.length === expected.length && wrongRows.length === 0,
    `the statistics show the city and each of the ${stats.districts.length} districts with the three rates' numerators and denominators`,
    JSON.stringify(wrongRows.slice(0, 2).map((s) => s.code)));

  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // A finding's record, read with the key, in a dialog.
  const link = page.locator('#findings a.record').first();
  const id = await link.getAttribute('data-id');
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForSelector('#record[open][data-id]', { timeout: 10000 });
  const record = JSON.parse(await page.textContent('#record-body'));
  check(record.id === id && href.startsWith('../v1/'), `a finding's record link (${href}) opens the record, read with the key`, JSON.stringify(record).slice(0, 200));
  await page.click('#record button[type="submit"]');

  if (district) {
    await page.selectOption('#district', district);
    await page.waitForSelector(`#app[data-district="${district}"][data-state="ready"]`, { timeout: 30000 });
    const view = await shown(page);
    compare(`district ${district}`, view, someFindings, someFeatures);
    check(view.total < all.total && view.markers.length < all.markers.length,
      `the filter to ${district} shows fewer findings (${view.total} of ${all.total}) and plots (${view.markers.length} of ${all.markers.length})`);
    check(new URL(page.url()).searchParams.get('district') === district, 'the filter is kept in the address');
    check(await page.locator(`#statistics tr.chosen[data-district="${district}"]`).count() === 1, 'the district\'s figures are marked');
    await page.screenshot({ path: shot.replace(/(\.png)?$/, `-${district}.png`), fullPage: true });

    // The tab keeps the key: a reload needs no typing, and the filter stays.
    await page.reload();
    await page.waitForSelector(`#app[data-district="${district}"][data-state="ready"]`, { timeout: 30000 });
    const again = await shown(page);
    check(same(again.rules, view.rules) && again.markers.length === view.markers.length,
      'after a reload the tab still has the key and the district');
  }

  // Another tab has no key; forgetting it locks this one.
  const other = await context.newPage();
  await other.goto(`${base}/dashboard/`);
  check((await other.getAttribute('#app', 'data-state')) === 'locked' && await other.evaluate(() => sessionStorage.length === 0),
    'another tab does not have the key');
  await other.close();
  await Promise.all([page.waitForEvent('load'), page.click('#forget')]); // it reloads the page
  await page.waitForSelector('#app[data-state="locked"]', { timeout: 10000 });
  check(await page.evaluate(() => sessionStorage.length === 0) && await page.isVisible('#key'), '"Forget key" removes it from the tab');

  checkWatched(t, seen, 'the page');
} catch (e) {
  check(false, 'the test runs to its end', e.stack || String(e));
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
}
t.finish();
