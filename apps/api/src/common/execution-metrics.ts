import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { ExecutionReads } from '@app/database';
import { EXECUTION_STATUSES } from '@app/domain';
import { HttpMetrics } from './http-metrics';

/**
 * Execution figures on /metrics. Workers have no HTTP port, and any api node should answer the
 * same, so the figures come from the database at scrape time, not from in-process counters.
 */
@Injectable()
export class ExecutionMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: HttpMetrics,
    private readonly executions: ExecutionReads,
  ) {}

  onModuleInit(): void {
    const registry: Registry = this.metrics.registry;
    const executions = this.executions;
    let pending: ReturnType<ExecutionReads['figures']> | undefined;
    // Every gauge below reads the same snapshot; the first collect of a scrape takes it.
    const snapshot = () => (pending ??= executions.figures().finally(() => setTimeout(() => (pending = undefined), 0)));
    new Gauge({
      name: 'runner_executions',
      help: 'Executions by status (PENDING = queued; INITIALIZING, RUNNING, STOPPING, KILLING = running)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const figures = await snapshot();
        for (const status of EXECUTION_STATUSES) this.set({ status }, figures.byStatus[status] ?? 0);
      },
    });
    new Gauge({
      name: 'runner_status_records_stored',
      help: 'Status records stored, all executions',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).recordsStored);
      },
    });
    new Gauge({
      name: 'runner_execution_duration_seconds_bucket',
      help: 'Finished runs (each timer of a restarted run counts) by duration, cumulative',
      labelNames: ['le'],
      registers: [registry],
      async collect() {
        const { durations } = await snapshot();
        for (const [le, n] of Object.entries(durations.buckets)) this.set({ le }, n);
        this.set({ le: '+Inf' }, durations.count);
      },
    });
    new Gauge({
      name: 'runner_execution_duration_seconds_sum',
      help: 'Total seconds of finished runs',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).durations.sum);
      },
    });
  }
}
