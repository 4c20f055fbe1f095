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

/**
 * The repository's Ansible collections (`ctl.runner`, README "Runs that call back"), first on every
 * run's collections path so a playbook uses them without installing anything. Found from the plugin
 * folder, which is in the repository in both layouts above.
 */
export const COLLECTIONS_DIR = path.resolve(PLUGIN_DIR, '..', '..', '..', '..', 'collection');

/** Ansible's own default collections path (ansible-config: COLLECTIONS_PATHS), kept after ours. */
export const ANSIBLE_DEFAULT_COLLECTIONS_PATH = '~/.ansible/collections:/usr/share/ansible/collections';

export const RUN_COLLECTIONS_PATH = `${COLLECTIONS_DIR}:${ANSIBLE_DEFAULT_COLLECTIONS_PATH}`;
