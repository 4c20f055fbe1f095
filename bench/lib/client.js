'use strict';
// A minimal REST client for the bench: node:http with a keep-alive agent (no extra dependency,
// and no per-request connection set-up inflating the latencies we time).
const http = require('node:http');
const { now } = require('./proc');

const ACCOUNT = 'DEMO';
const LOCAL_HOST_VARS = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED']);

class Client {
  constructor(baseUrl) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  }

  request(method, path, body, retried = false) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
            ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            if (res.statusCode >= 400) {
              reject(new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 500)}`));
            } else resolve(json);
          });
        },
      );
      req.on('error', (error) => {
        // The api closed an idle kept-alive connection (its keepAliveTimeout) just as this request
        // went out on it: the request never reached it, so sending it again repeats nothing (the
        // pattern Node's http docs give for reusedSocket). Seen once, between two figure 1 rounds.
        if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(this.request(method, path, body, true));
        else reject(error);
      });
      req.end(payload);
    });
  }

  async login(password) {
    const answer = await this.request('POST', '/v2/authentication/login', { username: 'admin', password });
    this.token = answer.bearerToken;
    return this.token;
  }

  /** A job on local hosts. `hosts` is a count (h0001…) or omitted for just `localhost`. */
  async createJob(playbookYaml, { hosts, forks, description = 'bench' } = {}) {
    const list = hosts
      ? Array.from({ length: hosts }, (_, i) => ({ id: `h${String(i + 1).padStart(4, '0')}`, hostVars: LOCAL_HOST_VARS }))
      : [{ id: 'localhost', hostVars: LOCAL_HOST_VARS }];
    const job = await this.request('POST', `/v2/automation/jobs/${ACCOUNT}`, {
      description,
      playbook: Buffer.from(playbookYaml).toString('base64'),
      hosts: list,
      ...(forks ? { forks } : {}),
    });
    return job.id;
  }

  /** Starts a run; `sentAt` is taken just before the request leaves, `acceptedAt` at the 202. */
  async start(jobId) {
    const sentAt = now();
    const answer = await this.request('POST', `/v2/automation/jobs/${ACCOUNT}/${jobId}/start`, {});
    return { executionId: answer.execution_id ?? answer.id, status: answer.status, sentAt, acceptedAt: now() };
  }

  execution(jobId, executionId) {
    return this.request('GET', `/v2/automation/jobs/${ACCOUNT}/${jobId}/executions/${executionId}`);
  }

  /** Polls until the execution is final (used as a safety net next to the subscriber). */
  async waitFinal(jobId, executionId, timeoutMs = 600_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await this.execution(jobId, executionId);
      if (TERMINAL.has(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Every stored record of an execution, in counter order (resuming after the last counter seen). */
  async records(jobId, executionId) {
    const all = [];
    let totalSize = 0;
    for (;;) {
      const after = all.length ? all[all.length - 1].counter : 0;
      const answer = await this.request(
        'GET',
        `/v2/automation/status/${ACCOUNT}/job/${jobId}/execution/${executionId}?afterCounter=${after}&page=0&size=100`,
      );
      if (!all.length) totalSize = answer.totalSize;
      all.push(...answer.results);
      if (!answer.results.length) return { totalSize, results: all };
    }
  }

  /** Just the number of stored records (one small request). */
  async recordCount(jobId, executionId) {
    const answer = await this.request('GET', `/v2/automation/status/${ACCOUNT}/job/${jobId}/execution/${executionId}?page=0&size=1`);
    return answer.totalSize;
  }

  close() {
    this.agent.destroy();
  }
}

module.exports = { Client, ACCOUNT, LOCAL_HOST_VARS, TERMINAL };
