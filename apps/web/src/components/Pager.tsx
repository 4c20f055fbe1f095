/** Previous / next for the API's 0-based pages. */
export function Pager({ page, size, total, onPage }: { page: number; size: number; total: number; onPage(page: number): void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (total <= size) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={() => onPage(page - 1)} disabled={page === 0}>
        ← Newer
      </button>
      <span>
        Page {page + 1} of {pages}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page + 1 >= pages}>
        Older →
      </button>
    </nav>
  );
}
