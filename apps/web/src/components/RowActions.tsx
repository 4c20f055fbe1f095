import type { ReactNode } from 'react';

/** A list row's last cell: its buttons, only for a role that may use them (hidden, never disabled, for the rest). */
export function RowActions({ show = true, children }: { show?: boolean; children: ReactNode }) {
  return <td className="actions">{show && children}</td>;
}

/** A row's small button; `label` names it with its row ("Edit east") where the visible word alone is ambiguous. */
export function RowButton({ label, ghost, onClick, children }: { label?: string; ghost?: boolean; onClick(): void; children: ReactNode }) {
  return (
    <button type="button" className={ghost ? 'small ghost' : 'small'} aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}

/**
 * Delete, once `question` (what is lost, in the row's words) is confirmed; a cancelled confirm
 * changes nothing and sends nothing.
 */
export function ConfirmDelete({ label, question, onDelete }: { label?: string; question: string; onDelete(): Promise<unknown> }) {
  return (
    <RowButton ghost label={label} onClick={() => window.confirm(question) && void onDelete()}>
      Delete
    </RowButton>
  );
}
