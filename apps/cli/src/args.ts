import { parseArgs } from 'node:util';
import { COMMANDS, findCommand, GLOBAL, GROUPS } from './command-table';
import type { OptionSpec, OptionValues, ParsedCommand } from './command-spec';
import { usageError } from './exit-codes';
import { usageLine } from './help-text';

/**
 * The command line grammar: `automation-runner [GROUP] COMMAND ARGS… [OPTIONS]`. Pure: turns argv
 * into a command name, named positional arguments and options, or throws a usage error that says
 * what is wrong and shows the command's usage line.
 */

function allOptions(): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...GLOBAL };
  for (const spec of COMMANDS) Object.assign(all, spec.options);
  return all;
}

function toParseArgsOptions(specs: Record<string, OptionSpec>): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) }]),
  );
}

/** node's parseArgs with these options; its complaint becomes a usage error worded by `explain`. */
function parse(argv: string[], specs: Record<string, OptionSpec>, strict: boolean, explain: (message: string) => string) {
  try {
    return parseArgs({ args: argv, options: toParseArgsOptions(specs), strict, allowPositionals: true }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    throw usageError(explain((error as Error).message));
  }
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  // First pass, lenient, with every option known: only to find the command words.
  const loose = parse(argv, allOptions(), false, (message) => message);
  const words = loose.positionals;
  if (words.length === 0 || words[0] === 'help') {
    return { command: 'help', args: { TOPIC: words.slice(1).join(' ') || undefined }, options: {} };
  }
  const name = GROUPS.includes(words[0]) ? `${words[0]} ${words[1] ?? ''}`.trim() : words[0];
  const spec = findCommand(name);
  if (!spec) {
    if (GROUPS.includes(words[0])) {
      const subs = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name.split(' ')[1]);
      throw usageError(
        words[1] ? `Unknown command "${name}". "${words[0]}" takes: ${subs.join(', ')}` : `"${words[0]}" needs a command: ${subs.join(', ')}`,
      );
    }
    throw usageError(`Unknown command "${words[0]}". Run "automation-runner help" for the list of commands.`);
  }
  if (loose.values.help === true) return { command: 'help', args: { TOPIC: spec.name }, options: {} };

  // Second pass, strict, with this command's options only.
  const strict = parse(argv, { ...GLOBAL, ...spec.options }, true, (message) => `${message.split('\n')[0]}\nUsage: ${usageLine(spec)}`);
  const given = strict.positionals.slice(spec.name.split(' ').length);
  const mandatory = spec.args.filter((a) => !a.endsWith('?')).length;
  if (given.length < mandatory) {
    const missing = spec.args.slice(given.length).filter((a) => !a.endsWith('?'));
    throw usageError(`Missing ${missing.join(' and ')}.\nUsage: ${usageLine(spec)}`);
  }
  if (given.length > spec.args.length) {
    throw usageError(`Unexpected argument "${given[spec.args.length]}".\nUsage: ${usageLine(spec)}`);
  }
  for (const option of spec.required ?? []) {
    if (strict.values[option] === undefined) throw usageError(`Missing --${option}.\nUsage: ${usageLine(spec)}`);
  }
  for (const [option, s] of Object.entries({ ...GLOBAL, ...spec.options })) {
    const value = strict.values[option];
    if (s.integer && typeof value === 'string') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < s.integer.min || n > s.integer.max) {
        throw usageError(`--${option} must be a whole number from ${s.integer.min} to ${s.integer.max}, not "${value}".`);
      }
    }
    if (s.type === 'string' && !s.multiple && value === '') throw usageError(`--${option} must not be empty.`);
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    const wrong = values.find((v) => s.choices && !s.choices.includes(v));
    if (wrong !== undefined) throw usageError(`--${option} must be ${s.choices!.join(', ')}, not "${wrong}".`);
  }
  const args: Record<string, string | undefined> = {};
  spec.args.forEach((a, i) => (args[a.replace(/\?$/, '')] = given[i]));
  for (const [name, choices] of Object.entries(spec.argChoices ?? {})) {
    const value = args[name];
    if (value !== undefined && !choices.includes(value)) throw usageError(`${name} must be ${choices.join(' or ')}, not "${value}".\nUsage: ${usageLine(spec)}`);
  }
  return { command: spec.name, args, options: strict.values };
}
