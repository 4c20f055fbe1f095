import { BREAK, LineMasker, MASK } from './line-masker';
import { secretForms } from './secret-forms';

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
    const { needles, base64Runs } = secretForms(secrets);
    this.pattern = needles.length ? new RegExp(needles.join('|'), 'g') : null;
    this.base64Runs = base64Runs;
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
