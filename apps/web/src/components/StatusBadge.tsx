/** An execution status as a coloured label (colour is never the only signal: the text is there). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="badge badge-none">never run</span>;
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}
