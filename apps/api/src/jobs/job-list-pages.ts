import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { Account, JobListFilter, JobRepository } from '@app/database';
import { rolesAllow } from '@app/domain';
import { paged } from '../common/paged';
import type { Principal } from '../common/principal';
import { shapeJob } from './job.shape';

/** A page of the job list as sent: its JSON bytes, their ETag, and their gzip once asked for. */
export interface RenderedPage {
  body: Buffer;
  etag: string;
  gzip?: Buffer;
}

/**
 * All pages one api node keeps (not counting their gzip, about a tenth), and the largest it keeps
 * (larger ones are rendered every time).
 */
const KEPT_BYTES = 32 * 1024 * 1024;
const KEPT_PAGE_BYTES = 2 * 1024 * 1024;

/**
 * The job list is the most requested page (consoles and scripts poll it), and rendering one costs
 * the page query, 100 entities and their JSON. An api node keeps each page as sent and serves it
 * again only while the account's job list version (job_list_versions, moved by a trigger on every
 * change to the account's jobs, whichever node made it) is the one it was rendered at: one key
 * lookup per request. So no client sees a list older than its own last write, on any node.
 */
@Injectable()
export class JobListPages {
  private readonly kept = new Map<string, { version: string; page: RenderedPage }>();
  private keptBytes = 0;

  constructor(private readonly jobs: JobRepository) {}

  /**
   * A `search` page is kept under its text like any page (it depends on the jobs only). A
   * `lastStatus` page is rendered every time: it depends on runs, which do not move the version.
   */
  async render(account: Account, principal: Principal, page: number, size: number, filter: JobListFilter = {}): Promise<RenderedPage> {
    // The version is read before the rows, so a page is never kept under a version newer than its rows.
    const version = await this.jobs.listVersion(account.id);
    // A page's links depend on the caller only through these two permissions.
    const roles = principal.user.roles;
    const key = `${account.id}:${page}:${size}:${rolesAllow(roles, 'manage')}:${rolesAllow(roles, 'operate')}:${filter.search ?? ''}`;
    const keepable = !filter.lastStatus;
    const kept = keepable ? this.kept.get(key) : undefined;
    if (kept?.version === version) {
      this.kept.delete(key); // to the back of the Map: the least recently used is first
      this.kept.set(key, kept);
      return kept.page;
    }
    const [jobs, total] = await this.jobs.pageByAccount(account.id, page, size, filter);
    const shaped = jobs.map((job) => shapeJob(job, account, principal));
    const body = Buffer.from(JSON.stringify(paged({ page, size }, shaped, total)));
    const rendered = { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    if (keepable) this.keep(key, version, rendered);
    return rendered;
  }

  /** The page gzipped (what browsers, fetch, axios and requests ask for), made once per page. */
  gzipped(page: RenderedPage): Buffer {
    return (page.gzip ??= gzipSync(page.body));
  }

  private keep(key: string, version: string, page: RenderedPage): void {
    this.forget(key);
    if (page.body.length > KEPT_PAGE_BYTES) return;
    this.kept.set(key, { version, page });
    this.keptBytes += page.body.length;
    for (const oldest of this.kept.keys()) {
      if (this.keptBytes <= KEPT_BYTES) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    this.keptBytes -= kept.page.body.length;
    this.kept.delete(key);
  }
}
