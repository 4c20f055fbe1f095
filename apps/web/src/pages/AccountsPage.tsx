import { useCallback, useEffect, useState } from 'react';
import { type AccountNode, aliasesOf, loadAccountTree, ROLE_HELP, TREE_LIMIT } from '../accounts';
import { errorText, seg } from '../api';
import { AccountTree, CreateAccountForm } from '../components/AccountTree';
import { ErrorBanner } from '../components/ErrorBanner';
import { Notice } from '../components/Notice';
import { UsersPanel } from '../components/UsersPanel';
import { isRole } from '../../../../libs/domain/src/roles';
import { navigate } from '../router';
import { may, type Session } from '../session';

/**
 * The logged-in account and everything below it: the tree (read), and for an AccountAdmin new
 * sub-accounts and each account's users with their roles.
 */
export function AccountsPage({ session, selected }: { session: Session; selected: string | null }) {
  const [tree, setTree] = useState<{ root: AccountNode; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const administer = may(session, 'administer');
  const current = selected ?? session.accountAlias;

  const load = useCallback(
    (): Promise<void> => loadAccountTree(session.accountAlias).then(setTree, (e) => setError(errorText(e))),
    [session.accountAlias],
  );
  useEffect(() => void load(), [load]);

  const select = (alias: string): void => navigate(`/accounts?account=${seg(alias)}`, true);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Accounts</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      <YourAccess session={session} />
      <div className="accounts-layout">
        <div>
          <h2 id="tree-head">Account tree</h2>
          {tree && (
            <nav className="card account-tree" aria-labelledby="tree-head">
              <AccountTree nodes={[tree.root]} selected={current} onSelect={select} />
            </nav>
          )}
          {tree?.truncated && <p className="hint">Only the first {TREE_LIMIT} accounts are shown.</p>}
          {administer && tree && (
            <CreateAccountForm
              key={current}
              aliases={aliasesOf(tree.root)}
              parent={current}
              onCreated={(alias, parent) => {
                setNotice(`Account ${alias} created below ${parent}.`);
                // Selected once the tree has it, so the form's "Below" can offer it at once.
                void load().then(() => select(alias));
              }}
              onError={setError}
            />
          )}
        </div>
        <div>
          {administer ? (
            <UsersPanel key={current} session={session} alias={current} onError={setError} />
          ) : (
            <p className="hint">Users and sub-accounts are managed by an AccountAdmin.</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** Who is logged in and what their roles allow, so a user sees their rights without trying. */
function YourAccess({ session }: { session: Session }) {
  return (
    <div className="card your-access" role="region" aria-label="Your access">
      <p>
        You are <strong>{session.userName}</strong> in account <strong>{session.accountAlias}</strong> and the accounts below it.
      </p>
      <ul>
        {session.roles.filter(isRole).map((role) => (
          <li key={role}>
            <span className="strong">{role}</span>: {ROLE_HELP[role]}
          </li>
        ))}
      </ul>
    </div>
  );
}
