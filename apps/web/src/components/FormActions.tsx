import type { ReactNode } from 'react';

/**
 * A form's buttons: its submit first (the primary action), then any other (`children`), then
 * Cancel when the form can be left (an edit). `busy` disables them all while the form is sent.
 */
export function FormActions({ submit, busy, onCancel, children }: { submit: string; busy?: boolean; onCancel?: () => void; children?: ReactNode }) {
  return (
    <div className="form-actions">
      <button type="submit" className="primary" disabled={busy}>
        {submit}
      </button>
      {children}
      {onCancel && (
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
