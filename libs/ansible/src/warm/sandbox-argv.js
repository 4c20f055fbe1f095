// Prints the run guard command the worker would build for one run ({argv, sandbox}), from the
// worker's own compiled code (dist/), so that the prototype's sandbox is the real one:
//   node sandbox-argv.js '{"workspace": "/…", "account": 7, "command": ["ansible-playbook", …]}'
// Creates the run's cgroups (as the worker does per run); the caller removes them afterwards.
const path = require('node:path');
// Compiled from this worktree (the main checkout's dist/ is rebuilt by the bench):
//   node_modules/.bin/tsc --ignoreConfig --outDir .warm-dist --rootDir . --module commonjs --target es2020 \
//     --skipLibCheck --esModuleInterop --types node libs/ansible/src/sandbox.ts   (type errors only)
const dist = process.env.RUNNER_DIST || path.resolve(__dirname, '../../../../.warm-dist/libs/ansible/src');
const { Sandbox } = require(path.join(dist, 'sandbox.js'));

const { workspace, account, command } = JSON.parse(process.argv[2]);
const sandbox = new Sandbox({ enabled: true, uidBase: 2_000_000_000, memoryMb: 2048, pids: 4096, cpus: 2 });
sandbox.start();
const run = sandbox.forRun(workspace, account);
const wrapped = run.wrap(command);
process.stdout.write(JSON.stringify({ ...wrapped, uid: run.uid, limitBackend: sandbox.limitBackend }) + '\n');
