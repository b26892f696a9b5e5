import { COLORS, pinnedCharts, ratioChart, serverChart, SIZE } from '../../bench/lib/charts.mjs';

/**
 * The bench's chart writer (bench/lib/charts.mjs): the SVG it renders is well-formed XML with one bar
 * per input entry, bar heights in proportion to the values, the input's labels and a named value axis.
 * The SVG is read back with the small XML reader below, not with the library that wrote it.
 */

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses XML elements, attributes, text and CDATA; throws on a tag that does not close, or closes another. */
function parseXml(xml: string): Element {
  const root: Element = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of xml.matchAll(token)) {
    const top = stack[stack.length - 1]!;
    if (m[7] !== undefined) throw new Error(`stray < at ${m.index}`);
    if (m[1] !== undefined) {
      top.text += m[1];
    } else if (m[2] !== undefined) {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of m[4]!.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = a[2] ?? a[3]!;
      const element: Element = { name: m[3], attrs, children: [], text: '' };
      top.children.push(element);
      if (m[5] !== '/') stack.push(element);
    } else if (m[6] !== undefined) {
      top.text += m[6];
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> never closes`);
  return root;
}

const all = (e: Element): Element[] => [e, ...e.children.flatMap(all)];
const texts = (svg: Element) => all(svg).filter((e) => e.name === 'text').map((e) => e.text.trim());
/** The bars of a series: the chart's (not the legend's) paths filled with the series colour. */
const bars = (svg: Element, color: string) => all(svg).filter((e) => e.name === 'path' && e.attrs.fill === color && e.attrs.ecmeta_ssr_type === 'chart');
/** A vertical bar's height from its outline `M x y l w 0 l 0 -h l -w 0 Z`. */
const height = (bar: Element) => Number(/l\s*0\s*-([\d.]+)/.exec(bar.attrs.d!)![1]);

const demos = [
  { name: 'alpha-demo', vsBaseline: 1.5, vsOidcProvider: 3 },
  { name: 'beta-demo', vsBaseline: 0.75, vsOidcProvider: 1.5 },
  { name: 'gamma-demo', vsBaseline: 3, vsOidcProvider: 2.25 },
];

describe('bench charts', () => {
  it('reads back what it is given: the XML reader refuses a tag that does not close', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow('</svg> closes <g>');
    expect(() => parseXml('<svg><text>a</text>')).toThrow('<svg> never closes');
    expect(() => parseXml('<svg><text>a < b</text></svg>')).toThrow('stray <');
    expect(texts(parseXml('<svg><text> a </text><g/></svg>'))).toEqual(['a']);
  });

  it('ratio chart: an SVG document of the set size, two bars per demo in proportion to the ratios', () => {
    const doc = parseXml(ratioChart({ title: 'Pinned ratios', demos, targets: { baseline: 1.2, oidcProvider: 1.5 } }));
    expect(doc.children).toHaveLength(1);
    const svg = doc.children[0]!;
    expect(svg.name).toBe('svg');
    expect([Number(svg.attrs.width), Number(svg.attrs.height)]).toEqual([SIZE.width, SIZE.height]);

    const baseline = bars(svg, COLORS.baseline);
    const oidc = bars(svg, COLORS.oidcProvider);
    expect(baseline).toHaveLength(demos.length);
    expect(oidc).toHaveLength(demos.length);
    // One value axis for both series: every height over its value is the same scale.
    const scale = height(baseline[0]!) / demos[0]!.vsBaseline;
    const heights = [...baseline.map(height), ...oidc.map(height)];
    const values = [...demos.map((d) => d.vsBaseline), ...demos.map((d) => d.vsOidcProvider)];
    heights.forEach((h, i) => expect(h / values[i]!).toBeCloseTo(scale, 1));
  });

  it('ratio chart: the demo names, the value labels, a named value axis with ticks and the target lines', () => {
    const labels = texts(parseXml(ratioChart({ title: 'Pinned ratios', demos, targets: { baseline: 1.2, oidcProvider: 1.5 } })));
    for (const d of demos) expect(labels).toContain(d.name);
    expect(labels).toEqual(expect.arrayContaining(['1.50x', '0.75x', '3.00x', '2.25x']));
    expect(labels).toEqual(expect.arrayContaining(['Pinned ratios', 'req/s ratio', 'target 1.20x', 'target 1.50x']));
    expect(labels).toContain('0');
    expect(labels.filter((t) => /^\d+(\.\d+)?$/.test(t)).length).toBeGreaterThanOrEqual(3);
  });

  it('server chart: one bar per server (peers grey), named, on a value axis with its name', () => {
    const servers = [
      { name: 'baseline', value: 4000, peer: true },
      { name: 'oidc-provider', value: 1000, peer: true },
      { name: 'koa-demo', value: 5000 },
      { name: 'nest-demo', value: 2000 },
    ];
    const svg = parseXml(serverChart({ title: 'req/s', servers, axis: 'req/s per core' }));
    const demosDrawn = bars(svg, COLORS.server);
    const peersDrawn = bars(svg, COLORS.peer);
    expect([peersDrawn.length, demosDrawn.length]).toEqual([2, 2]);
    expect(height(demosDrawn[0]!) / height(peersDrawn[1]!)).toBeCloseTo(5, 1);
    expect(height(peersDrawn[0]!) / height(demosDrawn[1]!)).toBeCloseTo(2, 1);
    expect(texts(svg)).toEqual(expect.arrayContaining([...servers.map((s) => s.name), 'req/s per core']));
  });

  it('pinned charts: three files from a pinned result, skipped demos left out; none without one', () => {
    const peer = (rps: number) => ({ rps, p99: 1 });
    const charts = pinnedCharts(
      {
        servers: [
          { name: 'baseline', rps: 3000, p99: 20 },
          { name: 'oidc-provider', rps: 1500, p99: 40 },
          { name: 'koa-demo', rps: 4500, p99: 10 },
        ],
        demos: [
          { demo: 'koa-demo', vsBaseline: peer(1.5), vsOidcProvider: peer(3) },
          { demo: 'broken-demo', skipped: 'did not start' },
        ],
      },
      { baseline: 1.2, oidcProvider: 1.5 },
    );
    expect(charts.map((c) => c.file)).toEqual(['pinned-ratios.svg', 'pinned-rps.svg', 'pinned-p99.svg']);
    const ratios = parseXml(charts[0]!.svg);
    expect(bars(ratios, COLORS.baseline)).toHaveLength(1);
    expect(texts(ratios)).not.toContain('broken-demo');
    const p99 = parseXml(charts[2]!.svg);
    expect([bars(p99, COLORS.peer).length, bars(p99, COLORS.server).length]).toEqual([2, 1]);
    expect(bars(p99, COLORS.peer).map(height)[1]! / bars(p99, COLORS.server).map(height)[0]!).toBeCloseTo(4, 1);
    expect(pinnedCharts(undefined, { baseline: 1.2, oidcProvider: 1.5 })).toEqual([]);
  });
});
