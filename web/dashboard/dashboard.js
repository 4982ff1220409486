/* The operators' dashboard (/dashboard/): reads /v1 with the agency key typed into the page,
 * which it keeps for this tab only (sessionStorage), and shows the open findings by rule and
 * district, the datasets, the plots on a map coloured by status and the plan's figures, all
 * filtered by district. Text from the data goes into the page as text nodes only. */
(function () {
  'use strict';

  const KEY_ITEM = 'soilshare.key';
  const PAGE_SIZE = 1000;

  // The rules' titles, as the OpenAPI document's FindingRule gives them.
  const RULES = {
    'sensitive-use-before-clearance': ['敏感用途先于调查评估', 'Sensitive use before the plot is cleared'],
    'construction-on-listed-plot': ['名录内地块违规开工', 'Construction on a plot in the 名录'],
    'construction-without-survey': ['未完成调查评估即开工', 'Construction before the survey is complete'],
    'transfer-without-survey': ['未调查即收回或转让', 'Land right recovered or transferred without a survey'],
    'closed-enterprise-unscreened': ['关停企业用地未纳入筛查', "Closed enterprise's site not screened"],
    'sample-exceeds-screening': ['样品超过筛选值', 'Sample above the screening value'],
    'sample-exceeds-intervention': ['样品超过管制值', 'Sample above the intervention value'],
    'farmland-class-mismatch': ['农用地类别与监测结果不符', 'Farmland class does not match its samples'],
  };
  // Plot statuses in lifecycle order: the Chinese labels the public 名录 shows
  // (plot_status_zh in sql/), English, and the map's colours (the 名录's as on /public/).
  const STATUSES = {
    suspected: ['疑似污染地块', 'suspected', '#d2b4de'],
    preliminary_survey: ['初步调查', 'preliminary survey', '#bb8fce'],
    exceeds_screening: ['超过筛选值', 'exceeds screening values', '#a569bd'],
    detailed_survey: ['详细调查', 'detailed survey', '#8e44ad'],
    risk_assessment: ['风险评估', 'risk assessment', '#6c3483'],
    listed: ['列入名录', 'listed', '#c0392b'],
    under_control: ['风险管控或修复', 'under control or remediation', '#d68910'],
    effect_evaluation: ['效果评估', 'effect evaluation', '#2471a3'],
    cleared: ['调查评估完成（无需管控）', 'cleared', '#28b463'],
    delisted: ['移出名录', 'delisted', '#58d68d'],
    post_management: ['后期管理', 'post-management', '#45b39d'],
    closed: ['销号', 'closed', '#839192'],
  };
  const IN_DIRECTORY = ['listed', 'under_control', 'effect_evaluation'];
  const OTHER_COLOUR = '#566573';
  const RATES = ['key_construction_land_safe_use', 'contaminated_plot_safe_use', 'contaminated_farmland_safe_use'];

  const $ = (id) => document.getElementById(id);
  const app = $('app');
  const keyForm = $('key-form');
  const keyInput = $('key');
  const message = $('message');
  const select = $('district');
  const summary = $('summary');
  const asOf = $('as-of');
  const settings = JSON.parse($('settings').textContent || '{}');

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }
  const en = (text) => el('span', { lang: 'en' }, text);
  const number = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 });
  const beijing = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  });
  const beijingDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' });

  function ruleLabel(rule) {
    const r = RULES[rule];
    return r ? [r[0], ' ', en(r[1])] : [rule];
  }
  function statusColour(status) {
    return (STATUSES[status] || [])[2] || OTHER_COLOUR;
  }
  function statusBadge(status) {
    const s = STATUSES[status];
    const badge = el('span', { class: 'status', title: status }, s ? s[0] : status || '—');
    badge.style.setProperty('--status', statusColour(status));
    return badge;
  }

  // --- the API, with the key of this tab ---------------------------------------------------

  class KeyRefused extends Error {}

  let key = null;

  async function api(path) {
    const url = new URL(path, new URL('../', location.href));
    const r = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      /* not JSON: the status says it */
    }
    if (r.status === 401) throw new KeyRefused((body && body.detail) || 'the key was refused');
    if (!r.ok) throw new Error(`${url.pathname}: HTTP ${r.status}${body && body.detail ? ': ' + body.detail : ''}`);
    return body;
  }

  // Every page of a list, following next_cursor.
  async function allItems(path, params) {
    const items = [];
    let cursor = null;
    do {
      const q = new URLSearchParams(params);
      q.set('limit', PAGE_SIZE);
      if (cursor) q.set('cursor', cursor);
      const page = await api(`${path}?${q}`);
      items.push(...page.items);
      cursor = page.next_cursor || null;
    } while (cursor);
    return items;
  }

  // Every feature of a GeoJSON list, following its `next` links.
  async function allFeatures(path, params) {
    const features = [];
    const q = new URLSearchParams(params);
    q.set('f', 'geojson');
    q.set('limit', PAGE_SIZE);
    let next = `${path}?${q}`;
    while (next) {
      const page = await api(next);
      features.push(...page.features);
      const link = (page.links || []).find((l) => l.rel === 'next');
      // The server's links are absolute paths; the API lives next to /dashboard/.
      next = link ? link.href.replace(/^\//, '') : null;
    }
    return features;
  }

  function recordLink(dataset, id) {
    const a = el('a', { class: 'record', href: `../v1/${dataset}/${encodeURIComponent(id)}`, 'data-dataset': dataset, 'data-id': id }, id);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      showRecord(dataset, id);
    });
    return a;
  }

  // A record, read with the key (a plain link would go without it), in a dialog.
  async function showRecord(dataset, id) {
    const dialog = $('record');
    $('record-title').replaceChildren(`${dataset} / ${id}`);
    $('record-body').textContent = '…';
    delete dialog.dataset.id;
    if (!dialog.open) dialog.showModal();
    try {
      const record = await api(`v1/${dataset}/${encodeURIComponent(id)}`);
      $('record-body').textContent = JSON.stringify(record, null, 2);
      dialog.dataset.id = id;
    } catch (e) {
      $('record-body').textContent = e.message;
      dialog.dataset.id = '';
    }
  }

  // --- the views --------------------------------------------------------------------------

  let districts = new Map(); // code -> {name_zh, name_en}
  const districtName = (code) => (code ? (districts.get(code) || {}).name_zh || code : '无 none');

  function showByRule(findings) {
    const counts = new Map(Object.keys(RULES).map((r) => [r, 0]));
    for (const f of findings) counts.set(f.rule, (counts.get(f.rule) || 0) + 1);
    $('by-rule').tBodies[0].replaceChildren(...[...counts].map(([rule, n]) =>
      el('tr', { 'data-rule': rule, class: n ? '' : 'zero' },
        el('th', { scope: 'row' }, ...ruleLabel(rule)),
        el('td', { class: 'number count' }, n))));
    $('by-rule-total').textContent = findings.length;
  }

  function showByDistrict(findings) {
    const counts = new Map();
    for (const f of findings) counts.set(f.district || '', (counts.get(f.district || '') || 0) + 1);
    const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([code, n]) =>
      el('tr', { 'data-district': code },
        el('th', { scope: 'row' }, districtName(code), ' ', en((districts.get(code) || {}).name_en || '')),
        el('td', { class: 'number count' }, n)));
    if (!rows.length) rows.push(el('tr', { class: 'empty' }, el('td', { colspan: 2 }, '没有开放的发现 No open findings')));
    $('by-district').tBodies[0].replaceChildren(...rows);
  }

  function showFindings(findings) {
    const rows = findings.map((f) => {
      const records = el('td', { class: 'records' });
      for (const r of f.records) records.append(el('div', null, el('span', { class: 'dataset' }, r.dataset), ' ', recordLink(r.dataset, r.id)));
      return el('tr', { 'data-id': f.id, 'data-rule': f.rule, 'data-district': f.district || '' },
        el('td', { class: 'id' }, f.id),
        el('td', null, el('span', { class: `severity ${f.severity}` }, f.severity === 'high' ? '高' : '中'), ' ', ...ruleLabel(f.rule)),
        el('td', null, districtName(f.district)),
        records,
        el('td', { class: 'date' }, f.opened_at ? beijingDay.format(new Date(f.opened_at)) : ''),
        el('td', { class: 'message' }, f.message_zh, el('div', { lang: 'en' }, f.message_en)));
    });
    if (!rows.length) rows.push(el('tr', { class: 'empty' }, el('td', { colspan: 6 }, '没有开放的发现 No open findings')));
    $('findings').tBodies[0].replaceChildren(...rows);
  }

  function showDatasets(catalogue) {
    $('datasets').tBodies[0].replaceChildren(...catalogue.items.map((d) =>
      el('tr', { 'data-dataset': d.name },
        el('th', { scope: 'row' }, d.title_zh, el('div', { class: 'id' }, d.name)),
        el('td', { class: 'number count' }, d.count),
        el('td', { class: 'date', title: d.last_changed_at || '' }, d.last_changed_at ? beijing.format(new Date(d.last_changed_at)) : '—'))));
  }

  function rateCell(rate) {
    const mu = rate.unit === 'mu';
    const fraction = `${number.format(rate.numerator)} / ${number.format(rate.denominator)}${mu ? ' 亩' : ''}`;
    return el('td', { class: 'number rate', 'data-numerator': rate.numerator, 'data-denominator': rate.denominator },
      el('strong', null, rate.rate === null ? '—' : percent.format(rate.rate)),
      el('div', { class: 'fraction' }, fraction));
  }

  function statsRow(code, name, nameEn, s) {
    const plots = Object.values(s.plots_by_status).reduce((a, b) => a + b, 0);
    const listed = IN_DIRECTORY.reduce((a, k) => a + (s.plots_by_status[k] || 0), 0);
    const open = Object.values(s.open_findings_by_rule).reduce((a, b) => a + b, 0);
    return el('tr', { 'data-district': code },
      el('th', { scope: 'row' }, name, ' ', en(nameEn)),
      el('td', { class: 'number plots' }, plots),
      el('td', { class: 'number listed' }, listed),
      el('td', { class: 'number open' }, open),
      ...RATES.map((r) => rateCell(s.rates[r])));
  }

  // Plots by status and open findings by rule of the city, or of the district chosen.
  function showBreakdown(stats, district) {
    const d = district && stats.districts.find((x) => x.code === district);
    const s = d || stats.city;
    const title = d ? `${d.name_zh} ${d.name_en}` : '全市 City';
    const statusItems = Object.keys(STATUSES).map((k) =>
      el('li', { 'data-status': k }, statusBadge(k), ' ', en(STATUSES[k][1]), el('b', null, s.plots_by_status[k] || 0)));
    const ruleItems = Object.keys(RULES).map((k) =>
      el('li', { 'data-rule': k }, ...ruleLabel(k), el('b', null, s.open_findings_by_rule[k] || 0)));
    $('breakdown').replaceChildren(
      el('div', null, el('h3', null, `${title}：地块状态 `, en('plots by status')), el('ul', null, ...statusItems)),
      el('div', null, el('h3', null, `${title}：开放发现 `, en('open findings by rule')), el('ul', null, ...ruleItems)));
  }

  let stats = null;

  function showStatistics(district) {
    if (!stats) return;
    const rows = [statsRow('', '全市', 'City', stats.city)];
    for (const d of stats.districts) rows.push(statsRow(d.code, d.name_zh, d.name_en, d));
    for (const r of rows) if (district && r.dataset.district === district) r.classList.add('chosen');
    $('statistics').tBodies[0].replaceChildren(...rows);
    $('stats-summary').replaceChildren(`统计至 ${stats.as_of}（北京时间）`, ' ', en(`as of the end of ${stats.as_of}, Beijing`));
    showBreakdown(stats, district);
  }

  async function loadStatistics(district) {
    const day = asOf.value;
    stats = await api(`v1/statistics${day ? `?as_of=${encodeURIComponent(day)}` : ''}`);
    if (!day) asOf.value = stats.as_of;
    showStatistics(district);
  }

  // --- the map ------------------------------------------------------------------------------

  let map = null;
  let plotLayers = null;

  function makeMap() {
    map = L.map('map', { attributionControl: Boolean(settings.tiles), zoomSnap: 0.25, zoomAnimation: false });
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { maxZoom: 19 }).addTo(map);
      app.dataset.tiles = 'on';
    }
    map.setView([40.05, 116.4], 9); // Beijing, until the plots are in
    L.control.scale({ imperial: false }).addTo(map);
    const legend = L.control({ position: 'bottomright' });
    legend.onAdd = () => el('div', { class: 'legend' },
      el('strong', null, '状态 ', en('Status')),
      ...Object.keys(STATUSES).map((k) => {
        const swatch = el('i');
        swatch.style.setProperty('--status', statusColour(k));
        return el('div', { 'data-status': k }, swatch, STATUSES[k][0]);
      }));
    legend.addTo(map);
    plotLayers = L.featureGroup().addTo(map);
  }

  function popup(p) {
    return el('div', { class: 'popup' },
      el('strong', null, p.name || p.id),
      el('div', null, statusBadge(p.status), ' ', en((STATUSES[p.status] || [])[1] || p.status)),
      el('div', null, `${districtName(p.district)} · ${p.address || ''}`),
      el('div', null, recordLink('plots', p.id)));
  }

  // Each plot: its outline (an area) and a marker at its centre, coloured by its status.
  function showPlots(features) {
    plotLayers.clearLayers();
    for (const f of features) {
      if (!f.geometry) continue;
      const p = f.properties;
      const colour = statusColour(p.status);
      const group = L.featureGroup();
      let centre;
      if (f.geometry.type === 'Point') {
        centre = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      } else {
        const outline = L.geoJSON(f, { style: { className: `plot-area status-${p.status}`, color: colour, weight: 2, fillOpacity: 0.25 } });
        outline.addTo(group);
        centre = outline.getBounds().getCenter();
      }
      const marker = L.circleMarker(centre, {
        className: `plot-marker status-${p.status}`, radius: 7, color: '#fff', weight: 2, fillColor: colour, fillOpacity: 1,
      });
      marker.bindTooltip(() => el('span', null, `${p.name || p.id}（${(STATUSES[p.status] || [p.status])[0]}）`));
      marker.addTo(group);
      group.bindPopup(() => popup(p));
      group.addTo(plotLayers);
    }
    const bounds = plotLayers.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30] });
    else map.setView([40.05, 116.4], 9);
  }

  // --- putting it together ----------------------------------------------------------------

  let generation = 0;

  // The findings and the plots of one district (or all), and the figures shown for it.
  async function showDistrict(district) {
    const mine = ++generation;
    app.dataset.state = 'loading';
    summary.replaceChildren('正在加载… ', en('Loading…'));
    const params = district ? { district } : {};
    const [findings, features] = await Promise.all([
      allItems('v1/findings', { status: 'open', ...params }),
      allFeatures('v1/plots', params),
    ]);
    if (mine !== generation) return; // another district was chosen meanwhile
    showByRule(findings);
    showByDistrict(findings);
    showFindings(findings);
    showPlots(features);
    showStatistics(district);
    const where = district ? `${districtName(district)}：` : '全市：';
    const located = features.filter((f) => f.geometry).length;
    summary.replaceChildren(`${where}${findings.length} 个开放发现，${features.length} 个地块（${located} 个在地图上）`, ' ',
      en(`${findings.length} open finding${findings.length === 1 ? '' : 's'}, ${features.length} plot${features.length === 1 ? '' : 's'} (${located} on the map)`));
    app.dataset.district = district;
    app.dataset.state = 'ready';
  }

  function locked(text, textEn, isError) {
    app.dataset.state = isError ? 'refused' : 'locked';
    message.hidden = false;
    message.classList.toggle('error', Boolean(isError));
    message.replaceChildren(text, ' ', en(textEn));
  }

  function failed(e) {
    if (e instanceof KeyRefused) {
      forget();
      locked('密钥无效、已过期或已吊销。', `The key was refused: ${e.message}.`, true);
      return;
    }
    app.dataset.state = 'error';
    summary.replaceChildren('加载失败 ', en(`Could not load: ${e.message}`));
  }

  function forget() {
    key = null;
    sessionStorage.removeItem(KEY_ITEM);
  }

  async function connect(typed) {
    key = typed;
    app.dataset.state = 'loading';
    message.replaceChildren('正在连接… ', en('Connecting…'));
    const me = await api('v1/me'); // refuses a bad key before anything else is asked
    sessionStorage.setItem(KEY_ITEM, typed);
    keyInput.value = '';
    const [agencies, list, catalogue] = await Promise.all([api('v1/agencies'), api('v1/districts'), api('v1/datasets')]);
    const agency = (agencies.items || []).find((a) => a.code === me.agency);
    districts = new Map(list.items.map((d) => [d.code, d]));
    keyForm.hidden = true;
    $('who').hidden = false;
    $('who-text').replaceChildren(`${agency ? agency.name_zh : me.agency}${me.district ? `（${districtName(me.district)}）` : ''}`, ' ',
      en(`key ${me.key_id}`));
    message.hidden = true;
    app.dataset.connected = 'yes';

    for (const d of list.items) select.append(el('option', { value: d.code }, `${d.name_zh} ${d.name_en}`));
    const wanted = new URLSearchParams(location.search).get('district') || '';
    select.value = districts.has(wanted) ? wanted : '';
    showDatasets(catalogue);
    makeMap();
    await loadStatistics(select.value);
    await showDistrict(select.value);
  }

  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const typed = keyInput.value.trim();
    if (typed) connect(typed).catch(failed);
  });
  $('forget').addEventListener('click', () => {
    forget();
    location.reload();
  });
  select.addEventListener('change', () => {
    const d = select.value;
    const q = new URLSearchParams(location.search);
    if (d) q.set('district', d);
    else q.delete('district');
    const s = q.toString();
    history.replaceState(null, '', s ? `?${s}` : location.pathname);
    showDistrict(d).catch(failed);
  });
  asOf.addEventListener('change', () => {
    loadStatistics(select.value).catch(failed);
  });

  const kept = sessionStorage.getItem(KEY_ITEM);
  if (kept) connect(kept).catch(failed);
})();
