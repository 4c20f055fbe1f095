/**
 * The masking of a transcript as it streams, line by line: base64 of a secret that `base64` or
 * Ansible's `stdout_lines` wrapped across lines is masked piece by piece (whole forms are the
 * SecretMasker's).
 */

/** What a secret's form is replaced with. */
export const MASK = '********';
/**
 * The shortest piece of a wrapped base64 run masked at a line's start or end: 6 characters match
 * ordinary text by chance about once in 10^11 lines, and leave at most 3 bytes of a secret unmasked.
 */
const MIN_WRAPPED = 6;
/**
 * Where a wrapped encoding may be broken: a real line break, or one escaped as in JSON. Wrapped
 * base64 is found piece by piece (LineMasker), not by a pattern that allows a break between any two
 * characters: V8 took about half a second to compile that pattern for one token, once per run.
 */
export const BREAK = /(\r?\n|(?:\\r)?\\n)/;

/** The part of SecretMasker a LineMasker uses (an interface, so the two files need not import each other). */
export interface WholeFormMasker {
  /** The value with every whole form of a secret masked. */
  flat(value: string): string;
  /** The base64 runs of short secrets. */
  readonly base64Runs: string[];
}

/**
 * Masks a transcript line by line, including base64 of a secret wrapped across lines (`base64`
 * wraps at 76 columns; Ansible shows `stdout_lines` one quoted piece a line). Each run of base64
 * characters on a line is a piece: a piece inside a secret's run, or starting with its end, or
 * ending with its start, is masked; the first piece of the next line continuing the run is too.
 */
export class LineMasker {
  /** Where the previous line's last piece left off inside a secret's run. */
  private open: { run: string; at: number }[] = [];

  constructor(private readonly masker: WholeFormMasker) {}

  line(value: string): string {
    return this.pieces(this.masker.flat(value));
  }

  /** Masks the pieces of wrapped base64 in a line that may itself hold (escaped) line breaks. */
  pieces(masked: string): string {
    return masked
      .split(BREAK)
      .map((part, i) => (i % 2 ? part : this.segment(part)))
      .join('');
  }

  /**
   * One line: each run of base64 characters is a piece (piece()). A scan rather than a replace with
   * a callback: most pieces are short words, and this runs on every line of output.
   */
  private segment(text: string): string {
    let continued = this.open;
    this.open = [];
    let out = '';
    let copied = 0;
    for (let start = 0; start < text.length; ) {
      if (!isBase64(text.charCodeAt(start))) {
        start++;
        continue;
      }
      let end = start + 1;
      while (end < text.length && isBase64(text.charCodeAt(end))) end++;
      if (end - start >= MIN_WRAPPED || continued.length) {
        const token = text.slice(start, end);
        const { masked, open } = this.piece(token, continued);
        this.open = open;
        if (masked !== token) {
          out += text.slice(copied, start) + masked;
          copied = end;
        }
      } else {
        this.open = [];
      }
      continued = []; // the last piece's open runs win
      start = end;
    }
    return copied ? out + text.slice(copied) : text;
  }

  private piece(token: string, continued: { run: string; at: number }[]): { masked: string; open: { run: string; at: number }[] } {
    // Most pieces are words: too short to mask unless they continue a run from the line before.
    if (token.length < MIN_WRAPPED && !continued.length) return { masked: token, open: [] };
    let text = token;
    const open: { run: string; at: number }[] = [];
    for (const { run, at } of continued) {
      const taken = commonPrefix(text, run.slice(at));
      if (taken === 0) continue;
      if (taken === text.length && at + taken < run.length) open.push({ run, at: at + taken });
      text = MASK + text.slice(taken);
    }
    for (const run of this.masker.base64Runs) {
      const inside = text.length >= MIN_WRAPPED ? run.indexOf(text) : -1;
      if (inside >= 0) {
        if (inside + text.length < run.length) open.push({ run, at: inside + text.length });
        return { masked: MASK, open };
      }
      // Only lengths whose last (first) character matches are compared: a line's pieces are many,
      // and comparing every length against every run made this the worker's costliest step.
      const last = run[run.length - 1];
      for (let length = Math.min(run.length - 1, text.length); length >= MIN_WRAPPED; length--) {
        if (text[length - 1] === last && run.endsWith(text.slice(0, length))) {
          text = MASK + text.slice(length);
          break;
        }
      }
      for (let length = Math.min(run.length - 1, text.length); length >= MIN_WRAPPED; length--) {
        if (text[text.length - length] === run[0] && run.startsWith(text.slice(text.length - length))) {
          text = text.slice(0, text.length - length) + MASK;
          open.push({ run, at: length });
          break;
        }
      }
    }
    return { masked: text, open };
  }
}

/** The characters of either base64 alphabet, with padding. */
const BASE64_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-') BASE64_CHARS[c.charCodeAt(0)] = 1;

function isBase64(code: number): boolean {
  return code < 128 && BASE64_CHARS[code] === 1;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
