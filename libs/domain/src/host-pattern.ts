import { isIPv6 } from 'node:net';

/**
 * Ansible host patterns as a job's `limit` may use them (pure). Ansible splits a pattern list on
 * commas when there is one, else on colons (IPv6 addresses aside); each element is a host, a group
 * or a glob, optionally `!` (except) or `&` (and). What is refused: `@file` (Ansible would read a
 * file on the worker), `~regex`, `[x:y]` ranges, and anything that is no name.
 */
const ELEMENT = /^[!&]?(?:[A-Za-z0-9_*][A-Za-z0-9_.*-]*)$/;

export function splitHostPattern(pattern: string): string[] {
  const parts = pattern.includes(',') || isIPv6(pattern.replace(/^[!&]/, '')) ? pattern.split(',') : pattern.split(':');
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** What is wrong with a job's `limit`, or null. */
export function limitProblem(limit: string): string | null {
  const elements = splitHostPattern(limit);
  if (!elements.length) return 'must name at least one host or group';
  for (const element of elements) {
    if (!ELEMENT.test(element) && !isIPv6(element.replace(/^[!&]/, ''))) {
      return `"${element}" is not a host, group or glob (letters, digits, _ . - *, optionally after ! or &; no @file, ~regex or [ranges])`;
    }
  }
  return null;
}

/**
 * The --limit of a run: the job's own limit, intersected with `group` (the hosts a start request
 * or a restart selected, as a group of the run's inventory). Ansible applies every `&` after the
 * union of the plain elements, so one `&group` at the end narrows the whole list and never widens it.
 */
export function runLimit(jobLimit: string | undefined, group: string | undefined): string | undefined {
  const elements = [...(jobLimit ? splitHostPattern(jobLimit) : []), ...(group ? [`&${group}`] : [])];
  return elements.length ? elements.join(',') : undefined;
}
