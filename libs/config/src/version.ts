import * as fs from 'node:fs';
import * as path from 'node:path';

/** This build's version, from the package.json above the running file (src or dist). */
export const RUNNER_VERSION: string = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'automation-runner') return String(pkg.version);
    }
  }
  return 'unknown';
})();
