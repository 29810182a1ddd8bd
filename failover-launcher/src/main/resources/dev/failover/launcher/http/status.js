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

function providerCard(p, data) {
  const status = data.status;
  const isMain = status.main && status.main.provider === p.id;
  const card = el('article', {
    class: 'provider' + (isMain ? ' main' : ''),
    'data-provider': p.id,
    'data-state': p.state,
    'data-main': String(isMain),
  });
  const title = el('h3');
  title.appendChild(el('span', { class: 'name' }, p.id));
  title.appendChild(el('span', { class: 'badge ' + p.state }, p.state));
  if (isMain) {
    title.appendChild(el('span', { class: 'badge mainflag' }, 'MAIN'));
  }
  if (!p.link_usable) {
    title.appendChild(el('span', { class: 'badge linkdown' }, 'LINK DOWN'));
  }
  card.appendChild(title);
  card.appendChild(el('p', { class: 'reason' }, `since ${dateTime(p.since)}: ${p.reason}`));

  const series = (data.samples && data.samples[p.id]) || { t: [], rtt_ms: [], loss_percent: [] };
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

function timelineRow(e) {
  const row = el('tr', { class: e.kind, 'data-kind': e.kind, 'data-at': e.at });
  row.appendChild(el('td', {}, dateTime(e.at)));
  if (e.kind === 'main_switched') {
    row.appendChild(el('td', {}, `main: ${e.from || '(none)'} \u2192 ${e.to} (${e.reason})`));
  } else {
    row.appendChild(el('td', {}, `${e.provider}: ${e.from} \u2192 ${e.to}`));
  }
  row.appendChild(el('td', {}, e.detail));
  return row;
}

function render(data) {
  const status = data.status;
  const main = status.main || {};
  document.getElementById('summary').textContent =
    `main provider: ${main.provider || '(none yet)'}` +
    ` \u00b7 policy ${status.policy} \u00b7 ${status.ticks} ticks \u00b7 checks every ${status.interval} s`;
  document.getElementById('freshness').textContent = 'daemon time ' + time(data.now);
  document.getElementById('freshness').className = 'muted';
  document.getElementById('window').textContent =
    `(charts: last ${data.window_seconds / 60} min, ${data.bucket_seconds} s buckets)`;

  const mainBox = document.getElementById('main-provider');
  mainBox.replaceChildren();
  mainBox.appendChild(
    el(
      'strong',
      { id: 'main-name' },
      main.provider ? `${main.provider} is main` : 'no main provider yet',
    ),
  );
  if (main.provider) {
    mainBox.appendChild(
      el('span', {}, ` since ${dateTime(main.since)} (${ago(main.since, data.now)}), ${main.reason}: `),
    );
    mainBox.appendChild(el('span', { class: 'reason' }, main.detail));
  }
  if (status.last_apply_error) {
    mainBox.appendChild(el('p', { class: 'stale' }, 'last apply failed: ' + status.last_apply_error));
  }

  const providers = document.getElementById('providers');
  providers.replaceChildren(...status.providers.map((p) => providerCard(p, data)));

  const body = document.querySelector('#timeline tbody');
  body.replaceChildren(...data.timeline.slice().reverse().map(timelineRow));
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
