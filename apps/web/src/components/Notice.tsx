/** What just happened (saved, deleted), announced politely to screen readers (role=status). */
export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p className="banner banner-info" role="status">
      {text}
    </p>
  );
}
