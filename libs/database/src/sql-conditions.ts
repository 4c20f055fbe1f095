/**
 * The conditions of a query built from optional filters, and its parameters, numbered as they are
 * added: every value reaches SQL as a parameter, never as text.
 */
export class SqlConditions {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  /** A parameter's placeholder. */
  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `condition` with its `?` as the placeholder of `value`; nothing when `value` is undefined. */
  add(condition: string, value: unknown): this {
    if (value !== undefined) this.parts.push(condition.replace('?', this.value(value)));
    return this;
  }

  /** The conditions added so far after `keyword` (WHERE, or AND after the caller's own); nothing if none. */
  sql(keyword: 'WHERE' | 'AND'): string {
    return this.parts.length ? `${keyword} ${this.parts.join(' AND ')}` : '';
  }
}
