const MASK = '********';
/** Shorter fragments would mask ordinary words; a key's lines are 64–70 characters. */
const MIN_FRAGMENT = 12;

/**
 * Replaces known secret values (and every long line of a multi-line secret such as a PEM key,
 * and its base64 form) in output before it is stored.
 */
export class SecretMasker {
  private readonly needles: string[];

  constructor(secrets: (string | undefined | null)[]) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      for (const form of [secret, Buffer.from(secret, 'utf8').toString('base64')]) {
        if (form.length >= 4) needles.add(form);
        for (const line of form.split('\n')) if (line.trim().length >= MIN_FRAGMENT) needles.add(line.trim());
      }
    }
    // Longest first, so a whole secret is masked before its fragments.
    this.needles = [...needles].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
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
}
