import { parseArgs } from 'node:util';
import { usageError } from './exit-codes';

/**
 * The command line grammar: `automation-runner [GROUP] COMMAND ARGS… [OPTIONS]`. Pure: turns argv
 * into a command name, named positional arguments and options, or throws a usage error that says
 * what is wrong and shows the command's usage line.
 */

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `--file FILE`. */
  hint?: string;
  description: string;
  /** Must be a whole number (validated here, returned as a string). */
  integer?: { min: number; max: number };
}

export interface CommandSpec {
  /** `jobs list`, `run`, … */
  name: string;
  /** Positional arguments in order; a trailing `?` marks an optional one. */
  args: string[];
  options: Record<string, OptionSpec>;
  /** Options that must be given. */
  required?: string[];
  summary: string;
}

const GLOBAL: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print JSON for scripts (one object per line when following)' },
  url: { type: 'string', hint: 'URL', description: 'server URL (default: the login\'s, or AUTOMATION_RUNNER_URL)' },
  account: { type: 'string', hint: 'ALIAS', description: 'account alias (default: the login\'s, or AUTOMATION_RUNNER_ACCOUNT)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const PAGE: Record<string, OptionSpec> = {
  page: { type: 'string', hint: 'N', description: 'page number, from 0', integer: { min: 0, max: 1_000_000 } },
  size: { type: 'string', hint: 'N', description: 'results per page, 1-100', integer: { min: 1, max: 100 } },
};
const FOLLOW: Record<string, OptionSpec> = {
  follow: { type: 'boolean', description: 'follow the run live and exit with its result' },
};

export const COMMANDS: CommandSpec[] = [
  {
    name: 'login',
    args: [],
    options: {
      username: { type: 'string', short: 'u', hint: 'USER', description: 'user name' },
      'password-stdin': { type: 'boolean', description: 'read the password from standard input' },
    },
    required: ['username'],
    summary: 'log in and keep the token in the config folder (password: --password-stdin, AUTOMATION_RUNNER_PASSWORD or a prompt)',
  },
  { name: 'logout', args: [], options: {}, summary: 'revoke the token and forget it' },
  { name: 'jobs list', args: [], options: PAGE, summary: 'list jobs, newest first' },
  { name: 'jobs get', args: ['JOB'], options: {}, summary: 'show a job as job.yaml (the playbook decoded)' },
  {
    name: 'jobs create',
    args: [],
    options: { file: { type: 'string', short: 'f', hint: 'FILE', description: 'job definition (YAML or JSON; - for stdin)' } },
    required: ['file'],
    summary: 'create a job from a job.yaml file',
  },
  {
    name: 'jobs update',
    args: ['JOB'],
    options: { file: { type: 'string', short: 'f', hint: 'FILE', description: 'job definition (YAML or JSON; - for stdin)' } },
    required: ['file'],
    summary: 'replace a job with the definition in a job.yaml file',
  },
  {
    name: 'jobs delete',
    args: ['JOB'],
    options: { force: { type: 'boolean', description: 'kill its active executions first' } },
    summary: 'delete a job',
  },
  {
    name: 'run',
    args: ['JOB'],
    options: {
      ...FOLLOW,
      host: { type: 'string', multiple: true, hint: 'HOST', description: 'run only on this host of the job (repeatable)' },
      property: { type: 'string', multiple: true, hint: 'KEY=VALUE', description: 'extra variable for this run, VALUE read as YAML (repeatable)' },
    },
    summary: 'start a job; with --follow, show its progress and exit 0 only on SUCCESS',
  },
  {
    name: 'executions list',
    args: ['JOB?'],
    options: { ...PAGE, status: { type: 'string', hint: 'STATUS', description: 'only executions in this status' } },
    summary: 'list executions of a job (or of the whole account), newest first',
  },
  { name: 'executions get', args: ['JOB', 'EXECUTION'], options: {}, summary: 'show an execution' },
  { name: 'executions follow', args: ['JOB', 'EXECUTION'], options: {}, summary: 'show an execution\'s progress from the start, until it ends' },
  { name: 'executions stdout', args: ['JOB', 'EXECUTION'], options: {}, summary: 'print the transcript as ansible-playbook printed it' },
  {
    name: 'executions stop',
    args: ['JOB', 'EXECUTION'],
    options: {
      ...FOLLOW,
      expiry: { type: 'string', hint: 'SECONDS', description: 'kill it if still running after this long (server default 30)', integer: { min: 0, max: 86_400 } },
    },
    summary: 'stop gracefully after the current task',
  },
  { name: 'executions kill', args: ['JOB', 'EXECUTION'], options: FOLLOW, summary: 'kill the run\'s whole process group at once' },
  { name: 'executions restart', args: ['JOB', 'EXECUTION'], options: FOLLOW, summary: 're-run the failed hosts of a FAILURE' },
  { name: 'keypairs list', args: [], options: {}, summary: 'list key pairs' },
  { name: 'keypairs get', args: ['ALIAS'], options: {}, summary: 'show a key pair (public part)' },
  {
    name: 'keypairs create',
    args: ['ALIAS'],
    options: {
      type: { type: 'string', hint: 'ed25519|rsa', description: 'key type (default ed25519)' },
      bits: { type: 'string', hint: 'N', description: 'RSA size, 3072 or 4096', integer: { min: 1, max: 16384 } },
      out: { type: 'string', short: 'o', hint: 'FILE', description: 'save the private key here (0600) and the public key in FILE.pub' },
    },
    summary: 'generate a key pair; the private key is shown once, so only --out saves it',
  },
  {
    name: 'keypairs deploy',
    args: ['ALIAS', 'SERVER'],
    options: {
      user: { type: 'string', short: 'u', multiple: true, hint: 'USER', description: 'install the key for this user (repeatable)' },
      'no-wait': { type: 'boolean', description: 'return at once instead of waiting for the deployment' },
    },
    required: ['user'],
    summary: 'install the public key in authorized_keys on a registered server',
  },
  { name: 'keypairs delete', args: ['ALIAS'], options: {}, summary: 'delete a key pair' },
  { name: 'version', args: [], options: {}, summary: 'print the CLI version' },
];

const GROUPS = ['jobs', 'executions', 'keypairs'];

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  /** A name from COMMANDS, or `help`. */
  command: string;
  /** Positional arguments by name (JOB, EXECUTION, …). */
  args: Record<string, string | undefined>;
  options: OptionValues;
}

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

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `automation-runner jobs create -f FILE [--json] …` */
export function usageLine(spec: CommandSpec): string {
  const args = spec.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : a));
  const options = Object.entries(spec.options).map(([name, s]) => {
    const flag = `--${name}${s.hint ? ` ${s.hint}` : ''}`;
    return spec.required?.includes(name) ? flag : `[${flag}]`;
  });
  return ['automation-runner', spec.name, ...args, ...options].join(' ');
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  // First pass, lenient, with every option known: only to find the command words.
  let loose: { values: OptionValues; positionals: string[] };
  try {
    loose = parseArgs({ args: argv, options: toParseArgsOptions(allOptions()), strict: false, allowPositionals: true }) as typeof loose;
  } catch (error) {
    throw usageError((error as Error).message);
  }
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
  let strict: { values: OptionValues; positionals: string[] };
  try {
    strict = parseArgs({ args: argv, options: toParseArgsOptions({ ...GLOBAL, ...spec.options }), strict: true, allowPositionals: true }) as typeof strict;
  } catch (error) {
    throw usageError(`${(error as Error).message.split('\n')[0]}\nUsage: ${usageLine(spec)}`);
  }
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
  for (const [option, s] of Object.entries(spec.options)) {
    const value = strict.values[option];
    if (s.integer && typeof value === 'string') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < s.integer.min || n > s.integer.max) {
        throw usageError(`--${option} must be a whole number from ${s.integer.min} to ${s.integer.max}, not "${value}".`);
      }
    }
    if (s.type === 'string' && !s.multiple && value === '') throw usageError(`--${option} must not be empty.`);
  }
  const args: Record<string, string | undefined> = {};
  spec.args.forEach((a, i) => (args[a.replace(/\?$/, '')] = given[i]));
  return { command: spec.name, args, options: strict.values };
}

/** `automation-runner help` or the help of one command. */
export function helpText(topic?: string): string {
  const spec = topic ? (findCommand(topic) ?? COMMANDS.find((c) => c.name.startsWith(`${topic} `))) : undefined;
  const globals = Object.entries(GLOBAL).map(([name, s]) => `  --${name}${s.hint ? ` ${s.hint}` : ''}`.padEnd(26) + s.description);
  if (spec && topic && findCommand(topic)) {
    const options = Object.entries(spec.options).map(
      ([name, s]) => `  ${s.short ? `-${s.short}, ` : ''}--${name}${s.hint ? ` ${s.hint}` : ''}`.padEnd(26) + s.description,
    );
    return [`Usage: ${usageLine(spec)}`, '', spec.summary, ...(options.length ? ['', 'Options:', ...options] : []), '', 'Global options:', ...globals, ''].join('\n');
  }
  const listed = COMMANDS.filter((c) => !topic || !spec || c.name.startsWith(`${topic} `));
  return [
    'Usage: automation-runner COMMAND [ARGS] [OPTIONS]',
    '',
    'Commands:',
    ...listed.map((c) => `  ${[c.name, ...c.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : a))].join(' ')}`.padEnd(38) + c.summary),
    '',
    'Global options:',
    ...globals,
    '',
    '"automation-runner help COMMAND" shows a command\'s options. Exit codes: 0 success, 1 execution FAILURE,',
    '2 usage, 3 INIT_FAILURE/STOPPED/KILLED, 4 auth, 5 not found, 6 server unreachable, 7 request refused, 130 interrupted.',
    '',
  ].join('\n');
}
