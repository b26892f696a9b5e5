// Types of charts.mjs for the TypeScript tests that import it.

export declare const SIZE: Readonly<{ width: number; height: number }>;
export declare const COLORS: Readonly<{ baseline: string; oidcProvider: string; server: string; peer: string }>;

export interface DemoRatios {
  name: string;
  vsBaseline: number;
  vsOidcProvider: number;
}

export declare function ratioChart(input: { title: string; demos: DemoRatios[]; targets: { baseline: number; oidcProvider: number } }): string;
export declare function serverChart(input: { title: string; servers: { name: string; value: number; peer?: boolean }[]; axis: string }): string;

export interface PeerRatios {
  rps: number;
  p99: number;
}
export interface PinnedResult {
  servers: { name: string; rps: number; p99: number }[];
  demos: ({ demo: string; vsBaseline: PeerRatios; vsOidcProvider: PeerRatios } | { demo: string; skipped: string })[];
}
export declare function pinnedCharts(pinned: PinnedResult | undefined, targets: { baseline: number; oidcProvider: number }): { file: string; alt: string; svg: string }[];
