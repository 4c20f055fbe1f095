import { useRef, useState } from 'react';

/** A read-only secret with a copy button; the text stays selectable for a manual copy. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context or permission; select it so Ctrl+C works.
      area.current?.select();
      setCopied('no');
    }
  };
  return (
    <div className="copy-field">
      <label>
        {label}
        <textarea ref={area} readOnly className="code-editor" rows={Math.min(12, value.split('\n').length)} value={value} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="form-actions">
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <span role="status" className="muted">
          {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
        </span>
      </div>
    </div>
  );
}
