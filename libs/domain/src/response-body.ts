/**
 * An HTTP answer's body as the service's own clients read it (the CLI's api-client.ts, the
 * console's api.ts): parsed as JSON when the server labels it JSON, the text itself otherwise.
 * Pure (no fetch), so both clients share it; each decides what invalid JSON means to it.
 */
export interface ResponseBody {
  /** The Content-Type says JSON. */
  isJson: boolean;
  /** The parsed JSON, or the text when it is not JSON (or is empty, or does not parse). */
  body: unknown;
  /** Labelled JSON, but the text does not parse. */
  invalidJson: boolean;
}

export function readResponseBody(contentType: string | null, text: string): ResponseBody {
  const isJson = (contentType ?? '').includes('json');
  if (!isJson || !text) return { isJson, body: text, invalidJson: false };
  try {
    return { isJson, body: JSON.parse(text), invalidJson: false };
  } catch {
    return { isJson, body: text, invalidJson: true };
  }
}
