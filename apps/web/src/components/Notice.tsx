/** What just happened (saved, deleted), announced politely to screen readers (role=status); `warn` for news that needs action. */
export function Notice({ text, warn }: { text: string | null; warn?: boolean }) {
  if (!text) return null;
  return (
    <p className={`banner ${warn ? 'banner-warn' : 'banner-info'}`} role="status">
      {text}
    </p>
  );
}
