// SVG charts of a run, rendered in Node by Apache ECharts' server-side renderer (no browser): ratios
// per demo against the thin baseline and node-oidc-provider, req/s per core and p99 per server (the
// pinned scenario). RESULTS.md embeds the files run.mjs writes.
import * as echarts from 'echarts';

/** Width and height of every chart, in CSS pixels. */
export const SIZE = Object.freeze({ width: 760, height: 360 });
/** Bar colours, by series: what a bar is compared with decides its colour. */
export const COLORS = Object.freeze({ baseline: '#4e79a7', oidcProvider: '#f28e2b', server: '#59a14f', peer: '#9d9d9d' });

/** Renders one ECharts option to an SVG string (no animation, fixed size). */
function render(option) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...SIZE });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const valueAxis = (name) => ({ type: 'value', name, nameLocation: 'middle', nameGap: 48, axisLine: { show: true } });
const categoryAxis = (names) => ({ type: 'category', data: names, axisLabel: { interval: 0 } });
const bars = (name, values, color, extra = {}) => ({ type: 'bar', name, data: values, itemStyle: { color }, label: { show: true, position: 'top' }, ...extra });
/** A dashed horizontal line at `value` labelled `label` (a target). */
const targetLine = (value, label, color) => ({ silent: true, symbol: 'none', lineStyle: { type: 'dashed', color }, label: { formatter: label, position: 'end' }, data: [{ yAxis: value }] });

/**
 * Ratio of each demo's req/s to the thin baseline's and to node-oidc-provider's (two bars a demo),
 * with the two targets as dashed lines. demos: [{ name, vsBaseline, vsOidcProvider }] (ratios).
 */
export function ratioChart({ title, demos, targets }) {
  const fmt = (v) => `${v.toFixed(2)}x`;
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0, itemGap: 60 },
    // Room on the right for the target lines' labels, outside the bars.
    grid: { top: 50, left: 70, right: 110, bottom: 70 },
    xAxis: categoryAxis(demos.map((d) => d.name)),
    yAxis: valueAxis('req/s ratio'),
    series: [
      bars('vs thin Express 5 + jose baseline', demos.map((d) => d.vsBaseline), COLORS.baseline, { label: { show: true, position: 'top', formatter: (p) => fmt(p.value) }, markLine: targetLine(targets.baseline, `target ${fmt(targets.baseline)}`, COLORS.baseline) }),
      bars('vs node-oidc-provider', demos.map((d) => d.vsOidcProvider), COLORS.oidcProvider, { label: { show: true, position: 'top', formatter: (p) => fmt(p.value) }, markLine: targetLine(targets.oidcProvider, `target ${fmt(targets.oidcProvider)}`, COLORS.oidcProvider) }),
    ],
  });
}

/** One bar per server: servers [{ name, value, peer? }] (a peer's bar is grey), the value axis named `axis`. */
export function serverChart({ title, servers, axis }) {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    grid: { top: 50, left: 70, right: 30, bottom: 40 },
    xAxis: categoryAxis(servers.map((s) => s.name)),
    yAxis: valueAxis(axis),
    series: [bars(axis, servers.map((s) => (s.peer ? { value: s.value, itemStyle: { color: COLORS.peer } } : s.value)), COLORS.server)],
  });
}

/**
 * The charts of a run's pinned scenario: [{ file, alt, svg }] (files named for bench/charts/). Empty
 * when the pinned scenario did not run. `targets`: { baseline, oidcProvider } rps ratios.
 */
export function pinnedCharts(pinned, targets) {
  if (!pinned) return [];
  const demos = pinned.demos.filter((d) => !d.skipped).map((d) => ({ name: d.demo, vsBaseline: d.vsBaseline.rps, vsOidcProvider: d.vsOidcProvider.rps }));
  const peers = new Set(['baseline', 'oidc-provider']);
  const servers = pinned.servers.map((s) => ({ ...s, peer: peers.has(s.name) }));
  return [
    {
      file: 'pinned-ratios.svg',
      alt: 'req/s of each demo over the thin baseline and over node-oidc-provider, pinned, with the targets',
      svg: ratioChart({ title: 'Pinned req/s per demo over its peers (one core each)', demos, targets }),
    },
    {
      file: 'pinned-rps.svg',
      alt: 'req/s per core of every server, pinned',
      svg: serverChart({ title: 'Pinned: req/s per core (median of the rounds)', servers: servers.map((s) => ({ name: s.name, value: s.rps, peer: s.peer })), axis: 'req/s per core' }),
    },
    {
      file: 'pinned-p99.svg',
      alt: 'p99 latency of every server, pinned',
      svg: serverChart({ title: 'Pinned: p99 latency, 32 connections (median of the rounds)', servers: servers.map((s) => ({ name: s.name, value: s.p99, peer: s.peer })), axis: 'p99 (ms)' }),
    },
  ];
}
