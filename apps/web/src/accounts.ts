import { ROLES, type Role } from '../../../libs/domain/src/roles';
import { api, type Link, seg } from './api';

/** An account as `GET /v2/accounts/{alias}` returns it: its direct sub-accounts are `subAccount` links. */
export interface AccountDoc {
  alias: string;
  name: string;
  parentAlias: string | null;
  createdTime: number;
  links: (Link & { id?: string; name?: string })[];
}

export interface AccountNode {
  alias: string;
  name: string;
  children: AccountNode[];
}

/** The most accounts the tree loads (one request each): a guard against a runaway tree, not a page size. */
export const TREE_LIMIT = 200;

/**
 * The account and everything below it, as far as the caller may see. The API answers one account
 * with its direct sub-accounts (as the CLI's `accounts list` shows them), so the tree is walked one
 * level at a time, each level's requests together.
 */
export async function loadAccountTree(alias: string): Promise<{ root: AccountNode; truncated: boolean }> {
  const doc = await api.get<AccountDoc>(`/v2/accounts/${seg(alias)}`);
  const root: AccountNode = { alias: doc.alias, name: doc.name, children: [] };
  let level: [AccountNode, AccountDoc][] = [[root, doc]];
  let loaded = 1;
  let truncated = false;
  while (level.length) {
    const next: [AccountNode, AccountDoc][] = [];
    const wanted: AccountNode[] = [];
    for (const [node, account] of level) {
      for (const link of account.links.filter((l) => l.rel === 'subAccount' && l.id)) {
        if (loaded >= TREE_LIMIT) {
          truncated = true;
          break;
        }
        const child: AccountNode = { alias: link.id!, name: link.name ?? link.id!, children: [] };
        node.children.push(child);
        wanted.push(child);
        loaded++;
      }
    }
    const docs = await Promise.all(wanted.map((child) => api.get<AccountDoc>(`/v2/accounts/${seg(child.alias)}`)));
    wanted.forEach((child, i) => next.push([child, docs[i]]));
    level = next;
  }
  return { root, truncated };
}

/** Every alias of the tree, parents before their children. */
export function aliasesOf(node: AccountNode): string[] {
  return [node.alias, ...node.children.flatMap(aliasesOf)];
}

/** What each role may do, in the words of the role table (README, API.md). */
export const ROLE_HELP: Record<Role, string> = {
  AccountViewer: 'sees jobs, runs, servers and key pairs; changes nothing',
  ServerOperator: 'a viewer who also starts, stops, kills and restarts runs',
  ServerAdmin: 'an operator who also manages jobs, key pairs, servers, VPN connections and schedules',
  AccountAdmin: 'everything, with users, sub-accounts, service accounts and the account’s settings',
};

export { ROLES, type Role };
