// The live status page: polls api/status every 2 s and redraws. Plain DOM and SVG, no library,
// nothing loaded from elsewhere; text goes in through textContent only, never as markup.
'use strict';

const POLL_MILLIS = 2000;
const SVG = 'http://www.w3.org/2000/svg';
const CHART_WIDTH = 300;
const CHART_HEIGHT = 50;

function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function svgEl(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, String(value));
  }
  return node;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '-';
}

function dateTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '-';
}

function ago(iso, nowIso) {
  if (!iso) {
    return '';
  }
  let seconds = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(iso)) / 1000));
  if (seconds < 90) {
    return seconds + ' s ago';
  }
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? minutes + ' min ago' : Math.round(minutes / 60) + ' h ago';
}

// x of an epoch second within the window that ends at `now` (epoch seconds).
function xOf(t, now, window) {
  return ((t - (now - window)) / window) * CHART_WIDTH;
}

function rttChart(series, now, window) {
  const svg = svgEl('svg', {
    class: 'chart rtt',
    viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
  });
  const values = series.rtt_ms.filter((v) => v !== null);
  const top = Math.max(1, ...values) * 1.15;
  let points = [];
  let drawn = 0;
  const flush = () => {
    if (points.length > 0) {
      // A lone point still shows, as a short flat line.
      if (points.length === 1) {
        const [x, y] = points[0].split(',');
        points.push(`${Number(x) + 1.5},${y}`);
      }
      svg.appendChild(svgEl('polyline', { points: points.join(' ') }));
      points = [];
    }
  };
  series.t.forEach((t, i) => {
    const v = series.rtt_ms[i];
    if (v === null) {
      flush(); // no successful check in that bucket: a gap, not a zero
      return;
    }
    const x = xOf(t, now, window).toFixed(1);
    const y = (CHART_HEIGHT - (v / top) * (CHART_HEIGHT - 4)).toFixed(1);
    points.push(`${x},${y}`);
    drawn++;
  });
  flush();
  svg.setAttribute('data-points', String(drawn));
  const title = svgEl('title');
  title.textContent = values.length ? `round-trip time, up to ${Math.max(...values)} ms` : 'no data';
  svg.appendChild(title);
  return { svg, max: values.length ? Math.max(...values) : null };
}

function lossChart(series, now, window, bucket) {
  const svg = svgEl('svg', {
    class: 'chart loss',
    viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
  });
  svg.appendChild(
    svgEl('line', { class: 'axis', x1: 0, y1: CHART_HEIGHT - 0.5, x2: CHART_WIDTH, y2: CHART_HEIGHT - 0.5 }),
  );
  const width = Math.max(1, (bucket / window) * CHART_WIDTH);
  series.t.forEach((t, i) => {
    const loss = series.loss_percent[i];
    if (loss > 0) {
      const height = Math.max(1, (loss / 100) * CHART_HEIGHT);
      svg.appendChild(
        svgEl('rect', {
          class: 'loss',
          x: xOf(t, now, window).toFixed(1),
          y: (CHART_HEIGHT - height).toFixed(1),
          width: width.toFixed(1),
          height: height.toFixed(1),
        }),
      );
    }
  });
  svg.setAttribute('data-points', String(series.t.length));
  const title = svgEl('title');
  title.textContent = 'share of lost checks per bucket';
  svg.appendChild(title);
  return svg;
}

// The family labels; the status document's keys are 'ipv4' and 'ipv6'.
const FAMILY_TEXT = { ipv4: 'IPv4', ipv6: 'IPv6' };

// Whether the daemon runs an IPv6 engine: the status document then has an 'ipv6' block.
function dualStack(data) {
  return Boolean(data.status.ipv6);
}

// One provider's verdict in one family: `engine` is that family's block of the status document
// (the top level for IPv4), `samples` that family's chart data.
function providerCard(p, data, family, engine, samples) {
  const dual = dualStack(data);
  const isMain = Boolean(engine.main && engine.main.provider === p.id);
  const card = el('article', {
    class: 'provider' + (isMain ? ' main' : ''),
    'data-provider': p.id,
    'data-family': family,
    'data-state': p.state,
    'data-main': String(isMain),
  });
  const title = el('h3');
  title.appendChild(el('span', { class: 'name' }, p.id));
  if (dual) {
    title.appendChild(el('span', { class: 'badge family' }, FAMILY_TEXT[family]));
  }
  title.appendChild(el('span', { class: 'badge ' + p.state }, p.state));
  if (isMain) {
    title.appendChild(el('span', { class: 'badge mainflag' }, 'MAIN'));
  }
  if (!p.link_usable) {
    title.appendChild(el('span', { class: 'badge linkdown' }, 'LINK DOWN'));
  }
  card.appendChild(title);
  card.appendChild(el('p', { class: 'reason' }, `since ${dateTime(p.since)}: ${p.reason}`));

  const series = (samples && samples[p.id]) || { t: [], rtt_ms: [], loss_percent: [] };
  const now = Date.parse(data.now) / 1000;
  const rtt = rttChart(series, now, data.window_seconds);
  let checks = 0;
  let lost = 0;
  series.loss_percent.forEach((loss) => {
    checks += 1;
    lost += loss;
  });
  const figures = el('div', { class: 'figures' });
  figures.appendChild(
    el('span', {}, 'loss (history): ' + Number(p.loss_percent).toFixed(1) + ' %'),
  );
  figures.appendChild(
    el(
      'span',
      {},
      'mean RTT: ' + (p.mean_latency_ms === null ? '-' : Number(p.mean_latency_ms).toFixed(1) + ' ms'),
    ),
  );
  figures.appendChild(el('span', {}, 'reliable: ' + (p.reliable ? 'yes' : 'no')));
  card.appendChild(figures);
  card.appendChild(
    el(
      'div',
      { class: 'chart-label' },
      'round-trip time, last 15 min' + (rtt.max === null ? ' (no answer)' : `, max ${rtt.max} ms`),
    ),
  );
  card.appendChild(rtt.svg);
  card.appendChild(
    el(
      'div',
      { class: 'chart-label' },
      'loss, last 15 min' + (checks ? `: ${(lost / checks).toFixed(1)} % on average` : ''),
    ),
  );
  card.appendChild(lossChart(series, now, data.window_seconds, data.bucket_seconds));
  return card;
}

function timelineRow(e, dual) {
  const family = e.family || 'ipv4';
  const row = el('tr', { class: e.kind, 'data-kind': e.kind, 'data-at': e.at, 'data-family': family });
  row.appendChild(el('td', {}, dateTime(e.at)));
  // With two engines, every event says which family it is about.
  const label = dual ? FAMILY_TEXT[family] + ' ' : '';
  if (e.kind === 'main_switched') {
    row.appendChild(el('td', {}, `${label}main: ${e.from || '(none)'} \u2192 ${e.to} (${e.reason})`));
  } else {
    row.appendChild(el('td', {}, `${e.provider}${dual ? ' ' + FAMILY_TEXT[family] : ''}: ${e.from} \u2192 ${e.to}`));
  }
  row.appendChild(el('td', {}, e.detail));
  return row;
}

// The line saying which provider is main in one family: `label` is '' for an IPv4-only daemon.
function mainLine(box, main, label, id, nowIso) {
  const line = el('div', { class: 'main-line' });
  line.appendChild(
    el(
      'strong',
      { id },
      main.provider ? `${main.provider} is ${label}main` : `no ${label}main provider yet`,
    ),
  );
  if (main.provider) {
    line.appendChild(
      el('span', {}, ` since ${dateTime(main.since)} (${ago(main.since, nowIso)}), ${main.reason}: `),
    );
    line.appendChild(el('span', { class: 'reason' }, main.detail));
  }
  box.appendChild(line);
}

function render(data) {
  const status = data.status;
  const main = status.main || {};
  const six = status.ipv6;
  const dual = dualStack(data);
  const mains = dual
    ? `IPv4 main: ${main.provider || '(none yet)'} \u00b7 IPv6 main: ${(six.main || {}).provider || '(none yet)'}`
    : `main provider: ${main.provider || '(none yet)'}`;
  document.getElementById('summary').textContent =
    mains +
    ` \u00b7 policy ${status.policy} \u00b7 ${status.ticks} ticks \u00b7 checks every ${status.interval} s`;
  document.getElementById('freshness').textContent = 'daemon time ' + time(data.now);
  document.getElementById('freshness').className = 'muted';
  document.getElementById('window').textContent =
    `(charts: last ${data.window_seconds / 60} min, ${data.bucket_seconds} s buckets)`;

  const mainBox = document.getElementById('main-provider');
  mainBox.replaceChildren();
  mainLine(mainBox, main, dual ? 'IPv4 ' : '', 'main-name', data.now);
  if (dual) {
    mainLine(mainBox, six.main || {}, 'IPv6 ', 'main-name-ipv6', data.now);
  }
  if (status.last_apply_error) {
    mainBox.appendChild(
      el('p', { class: 'stale' }, `last ${dual ? 'IPv4 ' : ''}apply failed: ` + status.last_apply_error),
    );
  }
  if (dual && six.last_apply_error) {
    mainBox.appendChild(el('p', { class: 'stale' }, 'last IPv6 apply failed: ' + six.last_apply_error));
  }

  // Each provider's families side by side, IPv4 first; then the providers with IPv6 only.
  const cards = [];
  const ipv6ById = new Map(dual ? six.providers.map((p) => [p.id, p]) : []);
  for (const p of status.providers) {
    cards.push(providerCard(p, data, 'ipv4', status, data.samples));
    if (ipv6ById.has(p.id)) {
      cards.push(providerCard(ipv6ById.get(p.id), data, 'ipv6', six, data.ipv6_samples));
      ipv6ById.delete(p.id);
    }
  }
  for (const p of ipv6ById.values()) {
    cards.push(providerCard(p, data, 'ipv6', six, data.ipv6_samples));
  }
  document.getElementById('providers').replaceChildren(...cards);

  const body = document.querySelector('#timeline tbody');
  body.replaceChildren(...data.timeline.slice().reverse().map((e) => timelineRow(e, dual)));
  document.body.setAttribute('data-ticks', String(status.ticks));
}

async function poll() {
  try {
    const response = await fetch('api/status', { cache: 'no-store' });
    if (!response.ok) {
      throw new Error('HTTP ' + response.status);
    }
    render(await response.json());
  } catch (error) {
    const freshness = document.getElementById('freshness');
    freshness.textContent = `cannot reach the daemon (${error.message}); retrying`;
    freshness.className = 'stale';
  } finally {
    setTimeout(poll, POLL_MILLIS);
  }
}

poll();
