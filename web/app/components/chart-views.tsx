// The charts of the dashboard, drawn with uPlot (about a sixth of the gzip weight recharts had) and
// loaded after hydration, so the page's first JavaScript stays small. The figures are also in a
// visually hidden table beside each chart (charts.tsx), so the canvas itself is decorative.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { familyLabel } from '#app/lib/file-types.js';
import { formatBytes } from '#app/lib/format.js';

const DAY_SECONDS = 86_400;
// Room under the plot for the legend, which doubles as the hover read-out.
const LEGEND_HEIGHT = 32;

/** Colours come from the page's CSS variables, which a canvas cannot read by itself. */
function themeColours(element: Element) {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { accent: read('--accent', '#2f5bea'), muted: read('--muted', '#667085'), border: read('--border', '#d0d5dd') };
}

/**
 * One uPlot chart that fills its container: rebuilt when the data or the theme changes, resized
 * with its container, destroyed on unmount.
 */
function useUPlot(build: (element: HTMLDivElement, size: { width: number; height: number }) => uPlot, dependencies: unknown[]) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const size = () => ({ width: Math.max(element.clientWidth, 100), height: Math.max(element.clientHeight - LEGEND_HEIGHT, 100) });
    let chart = build(element, size());
    const resize = new ResizeObserver(() => chart.setSize(size()));
    resize.observe(element);
    // The theme toggle flips data-theme on <html>; the OS preference flips the media query.
    const rebuild = () => {
      chart.destroy();
      chart = build(element, size());
    };
    const themeAttribute = new MutationObserver(rebuild);
    themeAttribute.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const darkScheme = window.matchMedia('(prefers-color-scheme: dark)');
    darkScheme.addEventListener('change', rebuild);
    return () => {
      resize.disconnect();
      themeAttribute.disconnect();
      darkScheme.removeEventListener('change', rebuild);
      chart.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what `build` reads
  }, dependencies);
  return container;
}

/** A translucent fill of the accent colour (a canvas takes no color-mix()). */
function translucent(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!hex) return colour;
  const [red, green, blue] = hex.slice(1).map((pair) => Number.parseInt(pair, 16));
  return `rgba(${red}, ${green}, ${blue}, ${alpha})`;
}

function axis(colours: ReturnType<typeof themeColours>, values: uPlot.Axis['values']): uPlot.Axis {
  return { stroke: colours.muted, grid: { stroke: colours.border, width: 1, dash: [3, 3] }, ticks: { show: false }, values };
}

const bytesAxis = (_: uPlot, ticks: number[]) => ticks.map((tick) => formatBytes(tick));
const bytesAxisOf = (colours: ReturnType<typeof themeColours>): uPlot.Axis => ({ ...axis(colours, bytesAxis), size: 72, incrs: binaryIncrements });

// Ticks at 1, 2, 5, 10, 20, 50, 100, 200 and 500 of a binary unit (B, KiB, MiB, …), so labels read
// "4 MiB" rather than "4.77 MiB".
const binaryIncrements = [0, 1, 2, 3, 4, 5].flatMap((power) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((step) => step * 1024 ** power));

export function ByTypeBars({ data }: { data: Array<{ type: string; bytes: number }> }) {
  const container = useUPlot((element, size) => {
    const colours = themeColours(element);
    const labels = data.map((row) => familyLabel(row.type));
    return new uPlot(
      {
        ...size,
        scales: { x: { time: false, range: [-0.5, data.length - 0.5] }, y: { range: (_, __, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { ...axis(colours, (_, ticks) => ticks.map((tick) => labels[tick] ?? '')), grid: { show: false }, incrs: [1] },
          bytesAxisOf(colours),
        ],
        // The legend doubles as the hover read-out: the type under the cursor and its bytes.
        series: [
          { label: 'Type', value: (_, index) => (index === null ? '' : labels[index] ?? '') },
          { label: 'Stored', value: (_, bytes) => (bytes === null ? '' : formatBytes(bytes)), fill: colours.accent, stroke: colours.accent, paths: uPlot.paths.bars!({ size: [0.6, 64] }), points: { show: false } },
        ],
      },
      [data.map((_, index) => index), data.map((row) => row.bytes)],
      element,
    );
  }, [data]);
  return <div ref={container} style={{ width: '100%', height: '100%' }} />;
}

export function TrendArea({ data }: { data: Array<{ date: string; storedBytes: number }> }) {
  const container = useUPlot((element, size) => {
    const colours = themeColours(element);
    // Dates are UTC days; uPlot's time scale counts seconds.
    const days = data.map((row) => Date.parse(`${row.date}T00:00:00Z`) / 1000);
    return new uPlot(
      {
        ...size,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        scales: { y: { range: (_, __, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { ...axis(colours, (_, ticks) => ticks.map((tick) => new Date(tick * 1000).toISOString().slice(5, 10))), incrs: [DAY_SECONDS, 7 * DAY_SECONDS], grid: { show: false } },
          bytesAxisOf(colours),
        ],
        series: [
          { label: 'Day', value: (_, seconds) => (seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 10)) },
          { label: 'Stored', value: (_, bytes) => (bytes === null ? '' : formatBytes(bytes)), stroke: colours.accent, width: 2, fill: translucent(colours.accent, 0.18), points: { show: false } },
        ],
      },
      [days, data.map((row) => row.storedBytes)],
      element,
    );
  }, [data]);
  return <div ref={container} style={{ width: '100%', height: '100%' }} />;
}
