/** The paged list envelope. Apart from paging.ts (the query DTO) so it loads without Swagger. */
export interface Paged<T> {
  totalSize: number;
  page: number;
  size: number;
  results: T[];
}

export function paged<T>(query: { page: number; size: number }, results: T[], totalSize: number): Paged<T> {
  return { totalSize, page: query.page, size: query.size, results };
}
