import { useState, type FormEvent } from 'react';
import type { StaffRoleName, StaffUserDto } from '@seatrush/shared';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { useStaffSession } from '../session.tsx';
import { Badge, ErrorNote, Field, PageHeader, StaffQuery, SuccessNote, When, useAction } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

/** Who is staff also decides the token owners and the signed-in member's own record. */
const usersChanged = { invalidate: [queryKeys.staff.users, queryKeys.staff.tokens, queryKeys.staff.me] };

function NewUser({ onSaved }: { onSaved: (u: StaffUserDto) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRoleName>('box_office');
  const [password, setPassword] = useState('');
  const save = useAction(async () => {
    const u = await staffApi.createUser({ email: email.trim(), name: name.trim(), role, password });
    onSaved(u);
    setEmail('');
    setName('');
    setPassword('');
  }, usersChanged);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  return (
    <form className="bo-card" onSubmit={submit} aria-label="New staff account">
      <h2 className="bo-card-title">New staff account</h2>
      <div className="bo-row">
        <Field label="Name">
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Email">
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Role">
          <select value={role} onChange={(e) => setRole(e.target.value as StaffRoleName)}>
            <option value="box_office">Box office (sell, refund, block seats)</option>
            <option value="admin">Admin (everything)</option>
            <option value="door">Door (scan tickets only)</option>
          </select>
        </Field>
        <Field label="Initial password" hint="At least 8 characters">
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      </div>
      {save.error !== null && <ErrorNote error={save.error} />}
      <button type="submit" className="bo-btn bo-btn-primary" disabled={save.pending}>
        Create account
      </button>
    </form>
  );
}

function UserRow({
  user,
  self,
  onSaved,
}: {
  user: StaffUserDto;
  self: boolean;
  onSaved: (u: StaffUserDto) => void;
}) {
  const [password, setPassword] = useState('');
  const update = useAction(async (patch: Parameters<typeof staffApi.updateUser>[1]) => {
    const u = await staffApi.updateUser(user.id, patch);
    setPassword('');
    onSaved(u);
  }, usersChanged);
  return (
    <tr data-user={user.email}>
      <td>{user.name}</td>
      <td>{user.email}</td>
      <td>
        <select
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={self || update.pending}
          onChange={(e) => void update.run({ role: e.target.value as StaffRoleName })}
        >
          <option value="box_office">box office</option>
          <option value="admin">admin</option>
          <option value="door">door</option>
        </select>
      </td>
      <td>{user.active ? <Badge value="active" /> : <Badge value="released" label="deactivated" />}</td>
      <td className="bo-small">
        <When iso={user.createdAt} />
      </td>
      <td className="bo-actions">
        {!self && (
          <button
            type="button"
            className="bo-btn bo-btn-small"
            disabled={update.pending}
            onClick={() => void update.run({ active: !user.active })}
          >
            {user.active ? 'Deactivate' : 'Reactivate'}
          </button>
        )}
        <form
          className="bo-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void update.run({ password });
          }}
        >
          <input
            type="password"
            autoComplete="new-password"
            placeholder="New password"
            aria-label={`New password for ${user.email}`}
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button
            type="submit"
            className="bo-btn bo-btn-small"
            disabled={update.pending || password.length < 8}
          >
            Set
          </button>
        </form>
        {update.error !== null && <ErrorNote error={update.error} />}
      </td>
    </tr>
  );
}

/** Staff accounts and their roles (admin). Changing a role or deactivating ends that person's sessions. */
export function StaffUsersPage() {
  const { me } = useStaffSession();
  const [saved, setSaved] = useState<string | null>(null);
  const users = useQuery({
    queryKey: queryKeys.staff.users,
    queryFn: ({ signal }) => staffApi.users(signal),
  });
  const onSaved = (u: StaffUserDto) => setSaved(`Saved ${u.email}.`);
  return (
    <section>
      <PageHeader title="Staff" />
      {saved && <SuccessNote>{saved}</SuccessNote>}
      <StaffQuery query={users}>
        {(data) => (
          <ListTable label="Staff accounts" columns={['Name', 'Email', 'Role', 'Status', 'Since']} actions>
            {data.users.map((u) => (
              <UserRow key={u.id} user={u} self={u.id === me?.id} onSaved={onSaved} />
            ))}
          </ListTable>
        )}
      </StaffQuery>
      <NewUser onSaved={onSaved} />
    </section>
  );
}

export default StaffUsersPage;
