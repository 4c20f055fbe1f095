'use strict';
// Runs one autocannon load in its own process (the load generator must not share the bench's event
// loop, nor the api's) and prints autocannon's result as one JSON line. Arguments: one JSON object
// {url, method, headers, body, connections, duration, warmupSeconds}.
const autocannon = require('autocannon');

async function main() {
  const options = JSON.parse(process.argv[2]);
  const base = { url: options.url, method: options.method, headers: options.headers, body: options.body };
  if (options.warmupSeconds) await autocannon({ ...base, connections: options.connections, duration: options.warmupSeconds });
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ ...base, connections: options.connections, duration: options.duration });
  const cpu = process.cpuUsage(cpuBefore);
  // The load generator's own CPU share: on 2 cores it competes with the api and PostgreSQL.
  result.loadGeneratorCpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
