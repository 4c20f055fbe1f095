import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The Python helpers (callback plugin, run guard) ship as source: beside this file when run by
 * ts-jest, in the repository when built (tsc does not copy .py files into dist). The callback plugin
 * has a folder of its own: Ansible tries to load every .py in callback_plugins as a plugin.
 */
export const PLUGIN_DIR = [path.join(__dirname, 'plugin'), path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'ansible', 'src', 'plugin')].find((dir) =>
  fs.existsSync(path.join(dir, 'callbacks', 'runner_events.py')),
)!;

export const CALLBACK_PLUGIN_DIR = path.join(PLUGIN_DIR, 'callbacks');
