const MASK = '********';
/** Shorter fragments would mask ordinary words; a key's lines are 64–70 characters. */
const MIN_FRAGMENT = 12;
/**
 * The shortest secret the API accepts (secret-variables.ts): below it a secret's encodings are
 * short enough to turn up in ordinary output, so it could not be masked reliably.
 */
export const MIN_SECRET_LENGTH = 8;
/** Beyond this a secret is a key, not a password: its encodings are matched whole and by line. */
const SHORT_SECRET = 256;
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
const BREAK = /(\r?\n|(?:\\r)?\\n)/;
/**
 * Characters that URL-encoding leaves as they are and JSON never escapes: for these the masker
 * looks for the character itself only (a percent or \u form of a letter is deliberate obfuscation,
 * which masking cannot stop anyway, not something a playbook prints by accident).
 */
const PLAIN = /^[A-Za-z0-9._~-]$/;

/**
 * Replaces known secret values in output before it is stored, in the forms a playbook is likely to
 * print them: as they are, JSON-escaped (either way Python or JavaScript escape), in a Python repr
 * or a YAML single-quoted scalar, URL-encoded, hex, and base64 (either alphabet, of the value or of
 * its JSON-escaped form) in any of its three alignments, wrapped or not. Multi-line
 * secrets such as PEM keys are also matched line by line, so a key printed in part is masked.
 */
export class SecretMasker {
  private readonly pattern: RegExp | null;
  /** The base64 runs of short secrets, for wrapped base64 that crosses transcript lines (LineMasker). */
  readonly base64Runs: string[];

  constructor(secrets: (string | undefined | null)[]) {
    const needles = new Set<string>();
    const runs = new Set<string>();
    for (const secret of new Set(secrets)) {
      if (!secret || secret.length < 4) continue;
      const short = secret.length <= SHORT_SECRET;
      if (short) for (const pattern of anyEscaping(secret)) needles.add(pattern);
      else needles.add(literal(secret));
      for (const form of [jsonEscaped(secret, false), jsonEscaped(secret, true)]) needles.add(literal(form));
      const bytes = Buffer.from(secret, 'utf8');
      needles.add(literal(bytes.toString('hex')));
      needles.add(literal(bytes.toString('hex').toUpperCase()));
      // b64encode of to_json of a dict holding the value encodes its JSON-escaped form.
      const encodedForms = short ? [...new Set([secret, jsonEscaped(secret, false), jsonEscaped(secret, true)])].map((f) => Buffer.from(f, 'utf8')) : [bytes];
      for (const run of encodedForms.flatMap((form) => base64Alignments(form, short ? [0, 1, 2] : [0]))) {
        if (run.length < MIN_SECRET_LENGTH) continue;
        needles.add(literal(run));
        if (short) runs.add(run);
      }
      for (const form of [secret, bytes.toString('base64')]) {
        for (const line of form.split('\n')) if (line.trim().length >= MIN_FRAGMENT) needles.add(literal(line.trim()));
      }
    }
    // Longest first, so a whole secret is masked before its fragments.
    const sorted = [...needles].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length ? new RegExp(sorted.join('|'), 'g') : null;
    this.base64Runs = [...runs];
  }

  get empty(): boolean {
    return this.pattern === null;
  }

  text(value: string): string {
    const masked = this.flat(value);
    // A value of several lines (a command's stdout) may hold base64 wrapped across them.
    return this.base64Runs.length && BREAK.test(masked) ? new LineMasker(this).pieces(masked) : masked;
  }

  /** The value with every whole form of a secret masked (no wrapped base64). */
  flat(value: string): string {
    return this.pattern ? value.replace(this.pattern, MASK) : value;
  }

  /** Masks every string inside a JSON-like value. */
  deep<T>(value: T): T {
    if (this.empty) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.deep(v)) as T;
    // Only plain objects: a Date (or any class instance) is not a bag of strings.
    if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)])) as T;
    }
    return value;
  }

  /** A masker for a transcript read line by line (see LineMasker). */
  lines(): LineMasker {
    return new LineMasker(this);
  }
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

  constructor(private readonly masker: SecretMasker) {}

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

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A hex digit in either case: percent and \u escapes may use either. */
function hexDigits(hex: string): string {
  return [...hex].map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join('');
}

/** How many times a JSON string may have been escaped (a to_json result inside Ansible's JSON is 2). */
const MAX_JSON_DEPTH = 3;

/**
 * Patterns for the secret with each character as itself or escaped as URL-encoding (`%2F`, `+` for
 * a space) or JSON (`\"`, `\u00e9`) would write it, so mixed escaping is matched too; one pattern
 * per JSON depth (0 to MAX_JSON_DEPTH escapes) and one for a YAML single-quoted scalar (`''`).
 *
 * Each character's forms have a fixed length within one pattern: a form like `\\+\\` (a backslash
 * escaped any number of times) next to the plain `\\` let a run of backslashes split between the
 * secret's backslashes in exponentially many ways, so a secret of backslashes and an output of more
 * backslashes hung the worker's masking (catastrophic backtracking).
 */
function anyEscaping(secret: string): string[] {
  const patterns = new Set<string>();
  for (let depth = 0; depth <= MAX_JSON_DEPTH; depth++) patterns.add(escapedAt(secret, depth, false));
  if (secret.includes("'")) patterns.add(escapedAt(secret, 0, true));
  return [...patterns];
}

function escapedAt(secret: string, depth: number, yamlSingle: boolean): string {
  // A \u escape made by the first JSON escaping has 2^(depth-1) backslashes after `depth` of them.
  const uSlashes = '\\\\'.repeat(Math.max(1, 2 ** (depth - 1)));
  return [...secret]
    .map((char) => {
      if (PLAIN.test(char)) return char;
      let escaped = char;
      for (let i = 0; i < depth; i++) escaped = jsonEscaped(escaped, false);
      const forms = new Set([literal(yamlSingle && char === "'" ? "''" : escaped)]);
      const utf8 = Buffer.from(char, 'utf8').toString('hex');
      forms.add(utf8.replace(/../g, (byte) => `%${hexDigits(byte)}`));
      if (char === ' ') forms.add('\\+');
      // Python's repr (a dict or list printed with str()) escapes a single quote, not a double one.
      if ((char === "'" || char === '"') && depth > 0) for (const quote of [char, '\\'.repeat(2 ** depth - 1) + char]) forms.add(literal(quote));
      for (const unit of char.split('')) forms.add(`${uSlashes}u${hexDigits(unit.charCodeAt(0).toString(16).padStart(4, '0'))}`);
      return forms.size === 1 ? [...forms][0] : `(?:${[...forms].join('|')})`;
    })
    .join('');
}

/** The value as it appears inside a JSON string; `ascii` as Python writes it (non-ASCII as \uXXXX). */
function jsonEscaped(secret: string, ascii: boolean): string {
  const json = JSON.stringify(secret).slice(1, -1);
  return ascii ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * The base64 characters that depend on the secret alone, for each alignment it may have inside a
 * longer encoded text (0, 1 or 2 bytes before it), in the standard and the URL-safe alphabet.
 */
function base64Alignments(bytes: Buffer, alignments: number[]): string[] {
  const runs: string[] = [];
  for (const before of alignments) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const first = Math.ceil((before * 8) / 6);
    const last = Math.floor(((before + bytes.length) * 8) / 6);
    const run = encoded.slice(first, last);
    runs.push(run, run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(runs)];
}
