import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotifySettings } from '@app/domain';

/**
 * A stored job. `definition` holds everything that may be shown back (no secret in it);
 * `sealedSecrets` holds the private keys, repository credentials and secret variables, encrypted by
 * the SecretBox (a secret variable stays in `definition` as STORED_SECRET).
 */
@Entity('jobs')
export class Job {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') description: string;
  @Column('text') status: string;
  @Column('jsonb') definition: JobDefinition;
  @Column('text', { name: 'sealed_secrets', nullable: true }) sealedSecrets: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

export interface JobRepositoryDefinition {
  url: string;
  branch?: string;
  defaultPlaybook: string;
  playbookTags?: string[];
  /** Inventory files or folders of the repository (relative paths), read with or instead of `hosts`. */
  inventory?: string[];
  /** Only whether credentials exist; their values live in the sealed secrets. */
  hasCredentials?: boolean;
}

export interface JobCallback {
  url: string;
  level: 'DEBUG' | 'ERROR' | 'RESULT';
}

export interface JobDefinition {
  playbook?: string;
  repository?: JobRepositoryDefinition;
  playbookTags?: string[];
  hosts: { id: string; hostVars?: JsonObject }[];
  properties?: JsonObject;
  /** Extra vars the job marked secret, each shown as STORED_SECRET; their values are sealed. */
  secretProperties?: JsonObject;
  /** Vault ids of the job's vault passwords, each shown as STORED_SECRET; the passwords are sealed. */
  vaultPasswords?: Record<string, string>;
  keyPairAlias?: string;
  useDynamicInventory?: boolean;
  callbacks: JobCallback[];
  executionTtl: number;
  limit?: string;
  verbosity?: number;
  checkMode?: boolean;
  forks?: number;
  /** Who hears about a finished run; absent: the account's default. Its chat URL is STORED_SECRET here, sealed in JobSecrets. */
  notify?: NotifySettings;
}

/** What `sealedSecrets` decrypts to. */
export interface JobSecrets {
  sshPrivateKey?: string;
  hostKeys?: Record<string, string>;
  repositoryCredentials?: { username?: string; password?: string; sshPrivateKey?: string };
  /** Secret extra vars (of `properties` and `secretProperties`), by name. */
  properties?: Record<string, string>;
  /** Secret host vars, by host id and name. */
  hostVars?: Record<string, Record<string, string>>;
  /** The `notify` chat target's incoming-webhook URL (a credential). */
  chatUrl?: string;
  /** Ansible Vault passwords, by vault id. */
  vaultPasswords?: Record<string, string>;
}

/** A JSON object as stored in jsonb (any values: TypeORM's partial-entity typing rejects `unknown`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = { [key: string]: any };
