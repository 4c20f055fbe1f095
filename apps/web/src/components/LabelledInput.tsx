import type { ComponentPropsWithRef, ReactNode } from 'react';

/** An input inside its visible label (the label's text first), so the two can never come apart. */
export function LabelledInput({ label, className, ...input }: { label: ReactNode; className?: string } & ComponentPropsWithRef<'input'>) {
  return (
    <label className={className}>
      {label}
      <input {...input} />
    </label>
  );
}
