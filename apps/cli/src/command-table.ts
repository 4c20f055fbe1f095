import { EXECUTION_STATUSES, ROLES } from '@app/domain';
import type { CommandSpec, OptionSpec } from './command-spec';

/**
 * Every command and option the CLI knows, declared once: the parser (args.ts), the help text
 * (help-text.ts) and shell completion (completion.ts) all read this table, so a command or flag
 * added here parses, shows in help and completes.
 */

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;

export const GLOBAL: Record<string, OptionSpec> = {
  output: { type: 'string', hint: 'FORMAT', choices: OUTPUT_FORMATS, description: 'table (default), json or yaml (following: one object per line, or one YAML document each)' },
  json: { type: 'boolean', description: 'the same as --output json' },
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
    options: { file: { type: 'string', short: 'f', hint: 'FILE', file: true, description: 'job definition (YAML or JSON; - for stdin)' } },
    required: ['file'],
    summary: 'create a job from a job.yaml file',
  },
  {
    name: 'jobs update',
    args: ['JOB'],
    options: { file: { type: 'string', short: 'f', hint: 'FILE', file: true, description: 'job definition (YAML or JSON; - for stdin)' } },
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
      out: { type: 'string', short: 'o', hint: 'FILE', file: true, description: 'save the private key here (0600) and the public key in FILE.pub' },
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
  { name: 'servers list', args: [], options: PAGE, summary: 'list the registered servers' },
  { name: 'servers get', args: ['NAME'], options: {}, summary: 'show a server' },
  {
    name: 'servers create',
    args: ['NAME'],
    options: {
      ip: { type: 'string', hint: 'ADDRESS', description: 'its IP address' },
      port: { type: 'string', hint: 'N', description: 'SSH port (default 22)', integer: { min: 1, max: 65_535 } },
      group: { type: 'string', hint: 'GROUP', description: 'inventory group (default "Default Group")' },
      'ssh-user': { type: 'string', hint: 'USER', description: 'the user Ansible logs in as (default root)' },
      description: { type: 'string', hint: 'TEXT', description: 'what it is for' },
      os: { type: 'string', hint: 'OS', description: 'its operating system, for the record' },
      location: { type: 'string', hint: 'ID', description: 'location id (also an inventory group)' },
      'password-stdin': { type: 'boolean', description: 'read a bootstrap password for the first key deployment from standard input' },
    },
    required: ['ip'],
    summary: 'register a server that jobs with useDynamicInventory target',
  },
  { name: 'servers delete', args: ['NAME'], options: {}, summary: 'remove a server' },
  { name: 'schedules list', args: ['JOB'], options: PAGE, summary: 'list the schedules of a job with their next fire time' },
  { name: 'schedules get', args: ['JOB', 'SCHEDULE'], options: {}, summary: 'show a schedule' },
  {
    name: 'schedules create',
    args: ['JOB'],
    options: {
      cron: { type: 'string', hint: 'EXPRESSION', description: 'five-field cron in UTC, e.g. "0 3 * * *"' },
      at: { type: 'string', hint: 'DATE', description: 'once, at this ISO-8601 date-time' },
      'service-account': { type: 'string', hint: 'ALIAS', description: 'the service account the runs act as' },
      description: { type: 'string', hint: 'TEXT', description: 'what it is for' },
      overlap: { type: 'string', hint: 'MODE', choices: ['allow', 'skip', 'queue'], description: 'while the previous run is active: allow, skip or queue' },
      'catch-up': { type: 'string', hint: 'MODE', choices: ['one', 'none'], description: 'fire times missed while no worker ran: one run, or none' },
      disabled: { type: 'boolean', description: 'create it disabled' },
    },
    required: ['service-account'],
    summary: 'schedule a job (--cron or --at)',
  },
  { name: 'schedules enable', args: ['JOB', 'SCHEDULE'], options: {}, summary: 'let a schedule fire again' },
  { name: 'schedules disable', args: ['JOB', 'SCHEDULE'], options: {}, summary: 'keep a schedule from firing' },
  { name: 'schedules delete', args: ['JOB', 'SCHEDULE'], options: {}, summary: 'delete a schedule' },
  { name: 'service-accounts list', args: [], options: {}, summary: 'list service accounts (the users scheduled runs act as)' },
  { name: 'service-accounts get', args: ['ALIAS'], options: {}, summary: 'show a service account' },
  {
    name: 'service-accounts create',
    args: ['ALIAS'],
    options: {
      username: { type: 'string', short: 'u', hint: 'USER', description: 'the user scheduled runs act as' },
      'password-stdin': { type: 'boolean', description: 'read its password from standard input' },
    },
    required: ['username'],
    summary: 'create a service account (password: --password-stdin or a prompt)',
  },
  { name: 'service-accounts delete', args: ['ALIAS'], options: {}, summary: 'delete a service account' },
  { name: 'vpn list', args: [], options: {}, summary: 'list VPN connections and their last check' },
  { name: 'vpn get', args: ['ID'], options: {}, summary: 'show a VPN connection' },
  {
    name: 'vpn create',
    args: ['NAME'],
    options: {
      network: { type: 'string', multiple: true, hint: 'CIDR', description: 'a network reached through the gateway (repeatable)' },
      gateway: { type: 'string', hint: 'HOST[:PORT]', description: 'the SSH gateway' },
      'gateway-user': { type: 'string', hint: 'USER', description: 'the user on the gateway' },
      'key-pair': { type: 'string', hint: 'ALIAS', description: 'the stored key pair that logs in to the gateway' },
    },
    required: ['network', 'gateway', 'gateway-user', 'key-pair'],
    summary: 'add a VPN connection (an SSH gateway to other networks)',
  },
  { name: 'vpn test', args: ['ID'], options: {}, summary: 'check the gateway now: prints its status and latency, exit 1 when down' },
  { name: 'vpn delete', args: ['ID'], options: {}, summary: 'delete a VPN connection' },
  { name: 'users list', args: [], options: PAGE, summary: 'list the users of the account with their roles' },
  {
    name: 'users create',
    args: ['USER'],
    options: {
      role: { type: 'string', multiple: true, hint: 'ROLE', choices: ROLES, description: 'AccountViewer, ServerOperator, ServerAdmin or AccountAdmin (repeatable)' },
      'password-stdin': { type: 'boolean', description: 'read the new user\'s password from standard input' },
    },
    required: ['role'],
    summary: 'add a user to the account (--account for a sub-account; password: --password-stdin or a prompt)',
  },
  {
    name: 'users set-roles',
    args: ['USER'],
    options: { role: { type: 'string', multiple: true, hint: 'ROLE', choices: ROLES, description: 'the new roles, replacing the old (repeatable)' } },
    required: ['role'],
    summary: 'replace a user\'s roles (not your own; never above your own)',
  },
  { name: 'users delete', args: ['USER'], options: {}, summary: 'remove a user' },
  { name: 'accounts list', args: [], options: {}, summary: 'list the direct sub-accounts of the account' },
  { name: 'accounts get', args: ['ALIAS?'], options: {}, summary: 'show an account (default: the current one), its parent and sub-accounts' },
  {
    name: 'accounts create',
    args: ['ALIAS'],
    options: { name: { type: 'string', hint: 'NAME', description: 'its display name' } },
    required: ['name'],
    summary: 'create a sub-account below the account',
  },
  {
    name: 'activity',
    args: [],
    options: {
      ...PAGE,
      status: { type: 'string', hint: 'STATUS', choices: EXECUTION_STATUSES, description: 'only runs in (with --follow: reaching) this status' },
      job: { type: 'string', hint: 'JOB', description: 'only runs of this job' },
      follow: { type: 'boolean', description: 'then print each new run and status change live, until Ctrl-C' },
    },
    summary: 'every run of the account and its sub-accounts, newest first',
  },
  {
    name: 'completion',
    args: ['SHELL'],
    argChoices: { SHELL: ['bash', 'zsh'] },
    options: {},
    summary: 'print a completion script: source <(automation-runner completion bash)',
  },
  { name: 'version', args: [], options: {}, summary: 'print the CLI version' },
];

/** `jobs`, `executions`, …: the first word of every two-word command. */
export const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
