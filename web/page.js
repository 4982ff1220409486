/* The public 名录 page (/public/): reads /public/directory as GeoJSON, page by page, and shows
 * it as a table and on a Leaflet map, filtered by district. Text from the data goes into the
 * page as text nodes only. */
(function () {
  'use strict';

  // Colours by status; the legend's labels are the Chinese ones the data carries.
  const STATUS_ORDER = ['listed', 'under_control', 'effect_evaluation'];
  const STATUS_COLOURS = {
    listed: '#c0392b',
    under_control: '#d68910',
    effect_evaluation: '#2471a3',
  };
  const OTHER_COLOUR = '#707b7c';
  const PAGE_SIZE = 1000;

  const app = document.getElementById('app');
  const select = document.getElementById('district');
  const summary = document.getElementById('summary');
  const tbody = document.querySelector('#directory tbody');
  const settings = JSON.parse(document.getElementById('settings').textContent || '{}');

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

  function colour(status) {
    return STATUS_COLOURS[status] || OTHER_COLOUR;
  }

  function statusBadge(p) {
    const badge = el('span', { class: 'status', title: p.status }, p.status_zh || p.status);
    badge.style.setProperty('--status', colour(p.status));
    return badge;
  }

  const area = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

  // Every page of the 名录, following the `next` links.
  async function loadDirectory() {
    const features = [];
    let url = new URL(`directory?f=geojson&limit=${PAGE_SIZE}`, location.href);
    while (url) {
      const r = await fetch(url, { headers: { Accept: 'application/geo+json' } });
      if (!r.ok) {
        let detail = '';
        try {
          detail = (await r.json()).detail || '';
        } catch (e) {
          /* not a problem document */
        }
        throw new Error(`HTTP ${r.status}${detail ? ': ' + detail : ''}`);
      }
      const page = await r.json();
      features.push(...page.features);
      const next = (page.links || []).find((l) => l.rel === 'next');
      url = next ? new URL(next.href, location.href) : null;
    }
    return features;
  }

  function makeMap() {
    // Without zoom animation: Leaflet drops a new view asked for while one animates (a filter
    // chosen just after a row's plot was zoomed to).
    const map = L.map('map', {
      attributionControl: Boolean(settings.tiles), zoomSnap: 0.25, zoomAnimation: false,
    });
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { maxZoom: 19 }).addTo(map);
      app.dataset.tiles = 'on';
    }
    map.setView([40.05, 116.4], 9); // Beijing, until the plots are in
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function addLegend(map, features) {
    const labels = {};
    for (const f of features) labels[f.properties.status] = f.properties.status_zh;
    const legend = L.control({ position: 'bottomright' });
    legend.onAdd = function () {
      const box = el('div', { class: 'legend' }, el('strong', null, '状态 ', el('span', { lang: 'en' }, 'Status')));
      const statuses = STATUS_ORDER.filter((s) => s in labels).concat(
        Object.keys(labels).filter((s) => !STATUS_ORDER.includes(s)));
      for (const s of statuses) {
        const swatch = el('i');
        swatch.style.setProperty('--status', colour(s));
        box.append(el('div', null, swatch, labels[s] || s));
      }
      return box;
    };
    legend.addTo(map);
  }

  function popupContent(p) {
    return el('div', { class: 'popup' },
      el('strong', null, p.name),
      el('div', null, statusBadge(p)),
      el('div', null, `${p.district_zh || p.district} · ${p.address || ''}`),
      el('div', null, `面积 ${area.format(p.area_m2)} m² · 列入 ${p.listed_on || '—'}`),
      el('div', { class: 'id' }, p.id));
  }

  // The plot's outline and a marker at its centre, both with its popup.
  function plotLayer(f) {
    const p = f.properties;
    if (!f.geometry) return null;
    const group = L.featureGroup();
    let centre;
    if (f.geometry.type === 'Point') {
      centre = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    } else {
      const outline = L.geoJSON(f, {
        style: {
          className: 'plot-area', color: colour(p.status), weight: 2, fillOpacity: 0.25,
        },
      });
      outline.addTo(group);
      centre = outline.getBounds().getCenter();
    }
    const marker = L.circleMarker(centre, {
      className: 'plot-marker', radius: 7, color: '#fff', weight: 2,
      fillColor: colour(p.status), fillOpacity: 1,
    });
    marker.bindTooltip(() => el('span', null, `${p.name}（${p.status_zh || p.status}）`));
    marker.addTo(group);
    group.bindPopup(() => popupContent(p));
    group.centre = centre;
    return group;
  }

  function tableRow(f, layer, map) {
    const p = f.properties;
    const name = el('td', null, el('span', { class: 'name' }, p.name), el('div', { class: 'id' }, p.id));
    if (!layer) name.append(el('div', { class: 'note' }, '无图形 no geometry'));
    const row = el('tr', { 'data-id': p.id, 'data-district': p.district },
      name,
      el('td', null, p.district_zh || p.district),
      el('td', null, p.address || ''),
      el('td', { class: 'number' }, p.area_m2 === null || p.area_m2 === undefined ? '' : area.format(p.area_m2)),
      el('td', null, (p.pollutants_zh || p.pollutants || []).join('、')),
      el('td', null, statusBadge(p)),
      el('td', { class: 'date' }, p.listed_on || ''));
    if (layer) {
      row.tabIndex = 0;
      row.classList.add('on-map');
      const show = () => {
        map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [40, 40] });
        layer.openPopup(layer.centre);
        document.getElementById('map').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      };
      row.addEventListener('click', show);
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') show();
      });
    }
    return row;
  }

  function fillDistricts(features) {
    const names = new Map();
    for (const f of features) {
      const p = f.properties;
      const d = names.get(p.district) || { name: p.district_zh || p.district, n: 0 };
      d.n++;
      names.set(p.district, d);
    }
    for (const code of [...names.keys()].sort()) {
      const d = names.get(code);
      select.append(el('option', { value: code }, `${d.name}（${d.n}）`));
    }
    select.disabled = false;
    return names;
  }

  function downloads(district) {
    const q = district ? `&district=${encodeURIComponent(district)}` : '';
    document.getElementById('download-csv').href = `directory?f=csv&bom=1&limit=${PAGE_SIZE}${q}`;
    document.getElementById('download-geojson').href = `directory?f=geojson&limit=${PAGE_SIZE}${q}`;
  }

  function show(plots, map, districts, district) {
    const shown = plots.filter((x) => !district || x.feature.properties.district === district);
    tbody.replaceChildren(...shown.map((x) => x.row));
    if (!shown.length) {
      tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: 7 }, '名录中暂无地块 No plots in the directory')));
    }
    map.closePopup();
    const bounds = L.latLngBounds([]);
    for (const x of plots) {
      if (!x.layer) continue;
      if (shown.includes(x)) {
        x.layer.addTo(map);
        bounds.extend(x.layer.getBounds());
      } else {
        map.removeLayer(x.layer);
      }
    }
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30] });
    const where = district ? `${districts.get(district).name}：` : '';
    summary.replaceChildren(`${where}共 ${shown.length} 个地块`, ' ',
      el('span', { lang: 'en' }, `${shown.length} plot${shown.length === 1 ? '' : 's'}`));
    app.dataset.district = district;
    downloads(district);
  }

  async function main() {
    const map = makeMap();
    let features;
    try {
      features = await loadDirectory();
    } catch (e) {
      app.dataset.state = 'error';
      summary.replaceChildren('加载失败 ', el('span', { lang: 'en' }, `Could not load the directory: ${e.message}`));
      return;
    }
    addLegend(map, features);
    const districts = fillDistricts(features);
    const plots = features.map((f) => {
      const layer = plotLayer(f);
      return { feature: f, layer, row: tableRow(f, layer, map) };
    });
    const params = new URLSearchParams(location.search);
    let district = params.get('district') || '';
    if (!districts.has(district)) district = '';
    select.value = district;
    show(plots, map, districts, district);
    select.addEventListener('change', () => {
      const d = select.value;
      const q = new URLSearchParams(location.search);
      if (d) q.set('district', d);
      else q.delete('district');
      const s = q.toString();
      history.replaceState(null, '', s ? `?${s}` : location.pathname);
      show(plots, map, districts, d);
    });
    app.dataset.state = 'ready';
  }

  main();
})();
