#!/usr/bin/env node
// The installed command (`npm install -g .` or `npx automation-runner`): runs the built CLI.
const path = require('node:path');
const main = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write(`automation-runner: the CLI is not built yet (${main} is missing); run "npm run build" in ${path.dirname(__dirname)}\n`);
  process.exit(2);
}
require(main)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
