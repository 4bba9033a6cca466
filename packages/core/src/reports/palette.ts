/**
 * The report's colours: the settings' main colour first, then the console's chart palette
 * (web/console/src/ui.ts `PALETTE`, the same hexes) without a colour too close to it. The figures
 * route answers the list, the console's charts and the PDF draw with it: the same colours on
 * screen and on paper.
 */
export const BASE_PALETTE = ["#1d4e89", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#5c5c5c"] as const;

export const DEFAULT_COLOUR = BASE_PALETTE[0];

const rgbOf = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const distance = (a: string, b: string) => {
  const [x, y] = [rgbOf(a), rgbOf(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
};

/** Eight colours for the charts: the association's colour, then the base palette's others that differ from it. */
export function reportPalette(colour: string | undefined): string[] {
  const main = colour && /^#[0-9a-fA-F]{6}$/.test(colour) ? colour.toLowerCase() : DEFAULT_COLOUR;
  return [main, ...BASE_PALETTE.filter((c) => distance(c, main) > 40)].slice(0, 8);
}

/** "#1d4e89" → [0.11, 0.31, 0.54], for pdf-lib's rgb(). */
export const unitRgb = (hex: string) => rgbOf(hex).map((v) => v / 255) as [number, number, number];
