#!/usr/bin/env node
/**
 * automation-runner: the command-line client (README "Command line"). A plain Node program: no
 * NestJS, only node:util parseArgs, global fetch, yaml and socket.io-client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine } from './args';
import { helpText } from './help-text';
import { createJob, deleteJob, getJob, listJobs, updateJob } from './commands/jobs';
import { followCommand, getExecution, kill, listExecutions, restart, run, stdout, stop } from './commands/executions';
import { createKeypair, deleteKeypair, deployKeypair, getKeypair, listKeypairs } from './commands/keypairs';
import { login, logout } from './commands/session';
import { activity } from './commands/activity';
import { createAccount, getAccount, listAccounts } from './commands/accounts';
import { createSchedule, deleteSchedule, disableSchedule, enableSchedule, getSchedule, listSchedules } from './commands/schedules';
import { createServer, deleteServer, getServer, listServers } from './commands/servers';
import { createServiceAccount, deleteServiceAccount, getServiceAccount, listServiceAccounts } from './commands/service-accounts';
import { createUser, deleteUser, listUsers, setUserRoles } from './commands/users';
import { createVpn, deleteVpn, getVpn, listVpn, testVpn } from './commands/vpn';
import { completionScript } from './completion';
import { Command, Context } from './context';
import { CliError, EXIT } from './exit-codes';

const COMMANDS: Record<string, Command> = {
  login,
  logout,
  'jobs list': listJobs,
  'jobs get': getJob,
  'jobs create': createJob,
  'jobs update': updateJob,
  'jobs delete': deleteJob,
  run,
  'executions list': listExecutions,
  'executions get': getExecution,
  'executions follow': followCommand,
  'executions stdout': stdout,
  'executions stop': stop,
  'executions kill': kill,
  'executions restart': restart,
  'keypairs list': listKeypairs,
  'keypairs get': getKeypair,
  'keypairs create': createKeypair,
  'keypairs deploy': deployKeypair,
  'keypairs delete': deleteKeypair,
  'servers list': listServers,
  'servers get': getServer,
  'servers create': createServer,
  'servers delete': deleteServer,
  'schedules list': listSchedules,
  'schedules get': getSchedule,
  'schedules create': createSchedule,
  'schedules enable': enableSchedule,
  'schedules disable': disableSchedule,
  'schedules delete': deleteSchedule,
  'service-accounts list': listServiceAccounts,
  'service-accounts get': getServiceAccount,
  'service-accounts create': createServiceAccount,
  'service-accounts delete': deleteServiceAccount,
  'vpn list': listVpn,
  'vpn get': getVpn,
  'vpn create': createVpn,
  'vpn test': testVpn,
  'vpn delete': deleteVpn,
  'users list': listUsers,
  'users create': createUser,
  'users set-roles': setUserRoles,
  'users delete': deleteUser,
  'accounts list': listAccounts,
  'accounts get': getAccount,
  'accounts create': createAccount,
  activity,
  completion: async (ctx) => {
    process.stdout.write(completionScript(ctx.arg('SHELL')));
  },
  version: async () => {
    process.stdout.write(`${version()}\n`);
  },
};

function version(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return String(JSON.parse(fs.readFileSync(file, 'utf8')).version);
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.command === 'help') {
      process.stdout.write(helpText(parsed.args.TOPIC));
      return EXIT.ok;
    }
    const code = await COMMANDS[parsed.command](new Context(parsed.args, parsed.options));
    return code ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`automation-runner: ${error.message}\n`);
      return error.code;
    }
    process.stderr.write(`automation-runner: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.refused;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    // Let stdout drain (a pipe may still be writing) before the exit code is set.
    process.exitCode = code;
  });
}
