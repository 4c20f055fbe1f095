/**
 * Inventory names: letters, digits, `_ . -`, or an IPv6 address (checked in job-validation.ts). No
 * `[ ]`, which Ansible's inventory expands as a range (`h[0:99999999]` would be 10^8 hosts), and no
 * other `:`, `!`, `&`, `*`, `@` or `~`, which a --limit would read as a pattern (`x:all`).
 */
export const HOST_ID = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}|[0-9A-Fa-f.:]{2,45})$/;
export const HOST_ID_RULE = 'must be an inventory host name (letters, digits, _ . -) or an IPv6 address';
