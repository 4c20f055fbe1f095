import { COMMANDS, findCommand, GLOBAL } from './command-table';
import type { CommandSpec } from './command-spec';

/** What `automation-runner help [COMMAND]` and usage errors show, built from the command table. Pure. */

/** A positional argument as usage shows it: an optional one (`JOB?`) in brackets. */
const argumentLabel = (arg: string): string => (arg.endsWith('?') ? `[${arg.slice(0, -1)}]` : arg);

/** `automation-runner jobs create -f FILE [--json] …` */
export function usageLine(spec: CommandSpec): string {
  const args = spec.args.map(argumentLabel);
  const options = Object.entries(spec.options).map(([name, s]) => {
    const flag = `--${name}${s.hint ? ` ${s.hint}` : ''}`;
    return spec.required?.includes(name) ? flag : `[${flag}]`;
  });
  return ['automation-runner', spec.name, ...args, ...options].join(' ');
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
    ...listed.map((c) => `  ${[c.name, ...c.args.map(argumentLabel)].join(' ')}`.padEnd(38) + c.summary),
    '',
    'Global options:',
    ...globals,
    '',
    '"automation-runner help COMMAND" shows a command\'s options. Exit codes: 0 success, 1 execution FAILURE,',
    '2 usage, 3 INIT_FAILURE/STOPPED/KILLED, 4 auth, 5 not found, 6 server unreachable, 7 request refused, 130 interrupted.',
    '',
  ].join('\n');
}
