// The series chart (uPlot): views, events and unique users per hour or day of the page's time
// zone, labelled in that zone, in the colours
// of the current colour scheme; resized with its container, redrawn when the scheme changes.
// Buckets still in the future (the rest of today) are left empty.
import uPlot from 'uplot';

export interface Bucket {
  start: string;
  views: number;
  events: number;
  uniqueUsers: number;
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export class Chart {
  private plot: uPlot | null = null;
  private data: uPlot.AlignedData = [[], [], [], []];
  private interval: 'HOUR' | 'DAY' = 'HOUR';
  private timeZone = 'UTC';

  constructor(private readonly el: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(el);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.rebuild());
  }

  private size() {
    return { width: Math.max(this.el.clientWidth, 200), height: this.el.clientWidth < 500 ? 200 : 260 };
  }

  show(buckets: Bucket[], interval: 'HOUR' | 'DAY', timeZone: string): void {
    // Hours and days that have not begun yet are gaps, not zeros.
    const now = Date.now();
    const starts = buckets.map((b) => Date.parse(b.start));
    const values = (pick: (b: Bucket) => number) =>
      buckets.map((b, i) => ((starts[i] as number) > now ? null : pick(b)));
    this.data = [
      starts.map((ms) => ms / 1000),
      values((b) => b.views),
      values((b) => b.events),
      values((b) => b.uniqueUsers),
    ];
    if (this.plot && this.interval === interval && this.timeZone === timeZone) this.plot.setData(this.data);
    else {
      this.interval = interval;
      this.timeZone = timeZone;
      this.rebuild();
    }
  }

  private rebuild(): void {
    this.plot?.destroy();
    const fg = css('--muted');
    const grid = css('--grid');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const line = (label: string, color: string): uPlot.Series => ({
      label,
      stroke: color,
      width: 2,
      points: { show: this.data[0].length <= 62 },
    });
    const opts: uPlot.Options = {
      ...this.size(),
      // Buckets are hours and days of the page's zone: label them in it.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), this.timeZone),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [axis, { ...axis, size: 56 }],
      series: [
        { label: this.interval === 'HOUR' ? 'Hour' : 'Day' },
        line('Views', css('--c-views')),
        line('Events', css('--c-events')),
        line('Unique users', css('--c-users')),
      ],
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(opts, this.data, this.el);
  }
}
