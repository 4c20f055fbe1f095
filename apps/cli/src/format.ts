/** Small text helpers for the human output: tables and times. Pure. */

/** Left-aligned columns, two spaces apart; the header row first. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Epoch milliseconds → `2026-11-23 23:59:01Z`; '-' when absent. */
export function time(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Paged answers: `page 0 of 3 (205 in all)` when there is more than one page. */
export function pageNote(paged: { totalSize: number; page: number; size: number }): string[] {
  const pages = Math.max(1, Math.ceil(paged.totalSize / paged.size));
  return pages > 1 ? [`page ${paged.page} of ${pages - 1} (${paged.totalSize} in all; --page N for more)`] : [];
}
