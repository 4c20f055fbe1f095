'use strict';
// A socket.io subscriber on /automation, as a user's client would be: it subscribes to a job and
// sees every record of every run of it. It notes each record's arrival time (to time the event
// path and the end of a run) and checks that counters arrive 1, 2, 3… without gaps or repeats.
const { io } = require('socket.io-client');
const { now } = require('./proc');
const { ACCOUNT } = require('./client');

class Subscriber {
  constructor(url, token) {
    this.url = url;
    this.token = token;
    /** executionId → {last, gaps, duplicates, count, results: [{counter, at, timestamp, type}] (if kept)} */
    this.executions = new Map();
    this.waiters = [];
    this.keep = new Set();
  }

  connect() {
    this.socket = io(`${this.url}/automation`, { auth: { token: this.token }, transports: ['websocket'], reconnection: false });
    this.socket.on('status', (record) => this.onRecord(record));
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('connect_error', reject);
    });
  }

  async subscribeJob(jobId) {
    const answer = await this.socket.timeout(10_000).emitWithAck('subscribe', { accountAlias: ACCOUNT, jobId });
    if (!answer?.ok) throw new Error(`subscribe failed: ${answer?.message}`);
  }

  /** Keep every record's arrival time for this execution (figure 4); otherwise only counts. */
  keepRecords(executionId) {
    this.keep.add(executionId);
  }

  state(executionId) {
    let s = this.executions.get(executionId);
    if (!s) {
      s = { last: 0, gaps: 0, duplicates: 0, count: 0, results: [], finalAt: null, final: null };
      this.executions.set(executionId, s);
    }
    return s;
  }

  onRecord(record) {
    const at = now();
    const s = this.state(record.execution_id);
    if (record.counter <= s.last) s.duplicates++;
    else if (record.counter !== s.last + 1) s.gaps += record.counter - s.last - 1;
    s.last = Math.max(s.last, record.counter);
    s.count++;
    if (this.keep.has(record.execution_id)) {
      s.results.push({ counter: record.counter, at, timestamp: record.timestamp, type: record.event_type });
    }
    if (record.event_type === 'playbook_result') {
      s.finalAt = at;
      s.final = record;
    }
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  /** Resolves with the arrival time of the run's last record (`playbook_result`). */
  waitFinal(executionId, timeoutMs = 600_000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const s = this.executions.get(executionId);
          if (!s?.finalAt) return false;
          clearTimeout(timer);
          resolve(s);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no final record for ${executionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!waiter.check()) this.waiters.push(waiter);
    });
  }

  /** Forget an execution's state (keeps memory flat over hundreds of runs). */
  forget(executionId) {
    this.executions.delete(executionId);
    this.keep.delete(executionId);
  }

  close() {
    this.socket?.close();
  }
}

module.exports = { Subscriber };
