import { parseCommandLine } from './args';
import { COMMANDS } from './command-table';
import { helpText, usageLine } from './help-text';
import { CliError, EXIT } from './exit-codes';

const usage = (argv: string[]): CliError => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    return error as CliError;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('finds a grouped command, its positional arguments and options, wherever the options are', () => {
    expect(parseCommandLine(['--json', 'executions', 'stop', 'J', 'E', '--expiry', '10', '--follow'])).toEqual({
      command: 'executions stop',
      args: { JOB: 'J', EXECUTION: 'E' },
      options: { json: true, expiry: '10', follow: true },
    });
    expect(parseCommandLine(['jobs', 'create', '-f', 'job.yaml'])).toMatchObject({ command: 'jobs create', options: { file: 'job.yaml' } });
  });

  it('collects repeatable options and leaves optional arguments undefined', () => {
    expect(parseCommandLine(['run', 'J', '--host', 'a', '--host', 'b', '--property', 'x=1'])).toMatchObject({
      args: { JOB: 'J' },
      options: { host: ['a', 'b'], property: ['x=1'] },
    });
    expect(parseCommandLine(['executions', 'list']).args).toEqual({ JOB: undefined });
    expect(parseCommandLine(['keypairs', 'deploy', 'k', 'web', '-u', 'alice', '-u', 'bob']).options.user).toEqual(['alice', 'bob']);
  });

  it('gives help for no command, "help", and --help on a command', () => {
    expect(parseCommandLine([]).command).toBe('help');
    expect(parseCommandLine(['help', 'jobs', 'create'])).toMatchObject({ command: 'help', args: { TOPIC: 'jobs create' } });
    expect(parseCommandLine(['run', '--help'])).toMatchObject({ command: 'help', args: { TOPIC: 'run' } });
    expect(helpText('run')).toContain('Usage: automation-runner run JOB [--follow]');
    expect(helpText()).toContain('executions restart JOB EXECUTION');
  });

  it('refuses what it cannot mean with a usage error (exit 2) that says what is wrong', () => {
    expect(usage(['frobnicate']).message).toContain('Unknown command "frobnicate"');
    expect(usage(['jobs']).message).toContain('"jobs" needs a command: list, get, create, update, delete');
    expect(usage(['jobs', 'frob']).message).toContain('Unknown command "jobs frob"');
    expect(usage(['run']).message).toMatch(/Missing JOB\.\nUsage: automation-runner run JOB/);
    expect(usage(['executions', 'stop', 'J']).message).toContain('Missing EXECUTION');
    expect(usage(['jobs', 'get', 'a', 'b']).message).toContain('Unexpected argument "b"');
    expect(usage(['jobs', 'create']).message).toContain('Missing --file');
    expect(usage(['run', 'J', '--expiry', '3']).message).toContain("Unknown option '--expiry'");
    expect(usage(['jobs', 'list', '--size', '0']).message).toContain('--size must be a whole number from 1 to 100');
    expect(usage(['jobs', 'list', '--page', '-1']).code).toBe(EXIT.usage);
    expect(usage(['login', '--username', '']).message).toContain('--username must not be empty');
  });

  it('checks --output and the options and arguments that take one of a few values', () => {
    expect(parseCommandLine(['servers', 'list', '--output', 'yaml']).options.output).toBe('yaml');
    expect(usage(['servers', 'list', '--output', 'xml']).message).toContain('--output must be table, json, yaml, not "xml"');
    expect(usage(['users', 'create', 'bob', '--role', 'AccountViewer', '--role', 'Root']).message).toContain('--role must be AccountViewer');
    expect(usage(['completion', 'fish']).message).toContain('SHELL must be bash or zsh, not "fish"');
    expect(usage(['activity', '--status', 'DONE']).code).toBe(EXIT.usage);
    expect(parseCommandLine(['vpn', 'create', 'office', '--network', '10.1.0.0/24', '--network', '10.2.0.0/24', '--gateway', 'gw:2222', '--gateway-user', 'u', '--key-pair', 'k']).options.network).toEqual(['10.1.0.0/24', '10.2.0.0/24']);
  });

  it('gives every command its own --help with its usage line', () => {
    for (const spec of COMMANDS) {
      const argv = [...spec.name.split(' '), '--help'];
      expect(parseCommandLine(argv)).toMatchObject({ command: 'help', args: { TOPIC: spec.name } });
      expect(helpText(spec.name)).toContain(`Usage: ${usageLine(spec)}`);
    }
  });
});
