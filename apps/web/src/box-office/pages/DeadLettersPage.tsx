import { deadLetterListSchema } from '@seatrush/shared';
import { request } from '../../api/client.ts';
import { useLoad } from '../../lib/hooks.ts';
import { ErrorNote, PageHeader, Spinner, When } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

/**
 * Order persistence's dead-letter list: holds whose order could not be written after their retries (a buyer row
 * that does not exist, a value the database refuses). Their seats stay held until the hold's deadline; the buyer
 * cannot check out, so a member of staff follows up, and an engineer reads the error.
 */
export default function DeadLettersPage() {
  const [result, retry] = useLoad('dead-letters', (signal) =>
    request('/api/staff/dead-letters?limit=200', { signal, schema: deadLetterListSchema }),
  );
  return (
    <section>
      <PageHeader title="Unwritten orders">
        <button type="button" className="bo-btn" onClick={retry}>
          Refresh
        </button>
      </PageHeader>
      {result.status === 'loading' && <Spinner />}
      {result.status === 'error' && <ErrorNote error={result.error} retry={retry} />}
      {result.status === 'ok' && result.data.deadLetters.length === 0 && (
        <p className="bo-muted" role="status">
          Every hold became an order.
        </p>
      )}
      {result.status === 'ok' && result.data.deadLetters.length > 0 && (
        <ListTable
          label="Holds without an order"
          columns={['Parked', 'Hold', 'Showtime', 'Buyer', 'Attempts', 'Error']}
          testId="dead-letters"
        >
          {result.data.deadLetters.map((d) => (
            <tr key={d.holdId}>
              <td className="bo-small">
                <When iso={d.at} />
              </td>
              <td className="bo-small">{d.holdId}</td>
              <td className="bo-small">{d.showtimeId}</td>
              <td className="bo-small">{d.buyerId}</td>
              <td className="bo-num">{d.attempts}</td>
              <td className="bo-small">
                {d.code ? `${d.code}: ` : ''}
                {d.error}
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
