import * as net from 'node:net';
import { freePort } from './free-port';

/**
 * A gate a playbook waits on and a test opens: `ansible.builtin.wait_for` on a port of 127.0.0.1
 * that starts listening when the test opens it. A run's sandbox shares the host's network, not
 * its files, so a file the test writes would never appear to the run.
 */
export class PortGate {
  private server?: net.Server;

  private constructor(readonly port: number) {}

  static async create(): Promise<PortGate> {
    return new PortGate(await freePort());
  }

  /** The task's arguments: `ansible.builtin.wait_for: { … }` as YAML flow. */
  get waitFor(): string {
    return `{ host: 127.0.0.1, port: ${this.port}, timeout: 120 }`;
  }

  open(): Promise<void> {
    this.server = net.createServer((socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  close(): void {
    this.server?.close();
  }
}
