/**
 * The forms a secret may take in a playbook's output, as regular-expression alternatives: as it is,
 * escaped for JSON (to any depth), a Python repr, YAML or a URL, hex, and base64 in each alignment
 * and alphabet; and the base64 runs that LineMasker looks for wrapped across lines. Pure; the
 * masker that applies them is secret-masker.ts.
 */

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
 * Characters that URL-encoding leaves as they are and JSON never escapes: for these the masker
 * looks for the character itself only (a percent or \u form of a letter is deliberate obfuscation,
 * which masking cannot stop anyway, not something a playbook prints by accident).
 */
const PLAIN = /^[A-Za-z0-9._~-]$/;

/** The alternatives that find a secret in any of its forms, longest first; and its base64 runs. */
export function secretForms(secrets: (string | undefined | null)[]): { needles: string[]; base64Runs: string[] } {
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
  return { needles: [...needles].sort((a, b) => b.length - a.length), base64Runs: [...runs] };
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
