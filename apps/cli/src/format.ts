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

/** The paging fields of a paged answer (API.md "Paging"). */
export interface Paged {
  totalSize: number;
  page: number;
  size: number;
}

/** Paged answers: `page 0 of 3 (205 in all)` when there is more than one page. */
export function pageNote(paged: Paged): string[] {
  const pages = Math.max(1, Math.ceil(paged.totalSize / paged.size));
  return pages > 1 ? [`page ${paged.page} of ${pages - 1} (${paged.totalSize} in all; --page N for more)`] : [];
}

/** A table column: its header and how a row shows in it. */
export type Column<T> = [header: string, cell: (row: T) => unknown];

/** A cell as text: '-' for nothing, lists comma-separated. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.map(cellText).join(',') : '-';
  return String(value);
}

/** `table` over documents: the columns say what to show of each. */
export function tableOf<T>(rows: T[], columns: Column<T>[]): string[] {
  return table(
    columns.map(([header]) => header),
    rows.map((row) => columns.map(([, cell]) => cellText(cell(row)))),
  );
}

/** One document as `label  value` lines, the values aligned. */
export function fields(pairs: [label: string, value: unknown][]): string[] {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${cellText(value)}`);
}
