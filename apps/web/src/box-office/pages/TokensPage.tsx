import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { useStaffSession } from '../session.tsx';
import { Badge, ErrorNote, Field, PageHeader, StaffQuery, When, useAction } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

/** API tokens for automation (admin). The secret is shown once, right after creation, and never again. */
export function TokensPage() {
  const { me } = useStaffSession();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const query = useQuery({
    queryKey: queryKeys.staff.tokens,
    queryFn: async ({ signal }) => {
      const [tokens, users] = await Promise.all([staffApi.tokens(signal), staffApi.users(signal)]);
      return { tokens: tokens.tokens, users: users.users };
    },
  });
  const invalidate = { invalidate: [queryKeys.staff.tokens] };
  const create = useAction(async () => {
    const r = await staffApi.createToken({ name: name.trim(), ...(owner ? { staffUserId: owner } : {}) });
    setSecret({ name: r.token.name, value: r.secret });
    setCopied(false);
    setName('');
  }, invalidate);
  const revoke = useAction((id: string) => staffApi.revokeToken(id), invalidate);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };

  return (
    <section>
      <PageHeader title="API tokens" />
      {secret && (
        <div className="bo-note bo-note-success bo-secret" role="status" data-testid="token-secret">
          <p className="bo-note-title">
            Token “{secret.name}” created. Copy it now: it will not be shown again.
          </p>
          <p>
            <code data-testid="token-secret-value">{secret.value}</code>{' '}
            <button
              type="button"
              className="bo-btn bo-btn-small"
              onClick={() => {
                void navigator.clipboard?.writeText(secret.value).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </p>
          <p className="bo-small">
            Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
          <button type="button" className="bo-btn bo-btn-quiet" onClick={() => setSecret(null)}>
            I have stored it
          </button>
        </div>
      )}
      <form className="bo-card" onSubmit={submit} aria-label="New API token">
        <h2 className="bo-card-title">New token</h2>
        <div className="bo-row">
          <Field label="Token name" hint="What uses it, e.g. “QA fixtures”">
            <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Acts as" hint="The token has this staff member's role">
            <select value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value="">Me ({me?.email})</option>
              {query.data?.users
                .filter((u) => u.id !== me?.id && u.active)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} ({u.role.replace('_', ' ')})
                  </option>
                ))}
            </select>
          </Field>
        </div>
        {create.error !== null && <ErrorNote error={create.error} />}
        <button type="submit" className="bo-btn bo-btn-primary" disabled={create.pending}>
          Create token
        </button>
      </form>
      {revoke.error !== null && <ErrorNote error={revoke.error} />}
      <StaffQuery query={query}>
        {(data) => (
          <ListTable
            label="API tokens"
            columns={['Name', 'Starts with', 'Acts as', 'Created', 'Last used', 'Status']}
            actions
          >
            {data.tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>
                  {t.staffEmail} <Badge value={t.role} />
                </td>
                <td className="bo-small">
                  <When iso={t.createdAt} />
                </td>
                <td className="bo-small">
                  <When iso={t.lastUsedAt} />
                </td>
                <td>{t.revokedAt ? <Badge value="released" label="revoked" /> : <Badge value="active" />}</td>
                <td>
                  {!t.revokedAt && (
                    <button
                      type="button"
                      className="bo-btn bo-btn-small bo-btn-danger"
                      disabled={revoke.pending}
                      onClick={() => void revoke.run(t.id)}
                      aria-label={`Revoke ${t.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </StaffQuery>
    </section>
  );
}

export default TokensPage;
