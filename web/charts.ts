/**
 * Charts drawn on the server as SVG with Apache ECharts' server-side rendering (issue 11): no
 * client script. ECharts' SVG styles its text with `style` attributes, which the pages' CSP
 * (`style-src 'self'`) forbids in the page itself; a `data:` image (allowed by `img-src`) is its
 * own document, so the chart goes into the page as `<img src="data:image/svg+xml;…">` with alt
 * text, and every chart is followed by a table of the same figures.
 */
import * as echarts from 'echarts';

/** A CJK font first (Debian's fonts-wqy-zenhei on the test machine), so Chinese never shows as boxes. */
const FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
/** Distinguishable colours with enough contrast on white (Okabe–Ito, darkened yellow). */
const PALETTE = ['#0072b2', '#009e73', '#d55e00', '#cc79a7', '#8a6d00', '#56b4e9', '#000000'];

export interface ChartSpec {
  kind: 'bar' | 'line';
  categories: string[];
  series: Array<{ name: string; values: Array<number | null> }>;
  stacked?: boolean;
  /** Bars from the left (long category names such as districts). */
  horizontal?: boolean;
  width?: number;
  height?: number;
}

export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? (spec.horizontal ? Math.max(220, 60 + spec.categories.length * 26) : 320);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const category = {
      type: 'category' as const,
      data: spec.categories,
      axisLabel: {
        fontFamily: FONT,
        color: '#0b0c0c',
        // A few long names (departments in English) wrap under their bars; many short ones (days) thin out.
        ...(spec.horizontal
          ? {}
          : spec.categories.length <= 8
            ? { interval: 0, width: Math.floor((width - 80) / spec.categories.length) - 8, overflow: 'break' as const }
            : { hideOverlap: true }),
      },
    };
    const value = { type: 'value' as const, minInterval: 1, axisLabel: { fontFamily: FONT, color: '#0b0c0c' } };
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      legend: { top: 0, textStyle: { fontFamily: FONT, color: '#0b0c0c' } },
      grid: { left: spec.horizontal ? 110 : 50, right: 24, top: 40, bottom: 44, containLabel: false },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? { ...category, inverse: true } : value,
      series: spec.series.map((s) => ({
        type: spec.kind,
        name: s.name,
        data: s.values,
        ...(spec.stacked ? { stack: 'all' } : {}),
        ...(spec.kind === 'line' ? { symbolSize: 5 } : {}),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The SVG as an image address the pages' CSP allows. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
