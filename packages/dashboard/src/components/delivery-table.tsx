import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Delivery } from '../api/types.ts';
import { Empty, StatusBadge, time } from './ui.tsx';

/** Deliveries as a table; `select` adds a checkbox column (the dead-letter page). */
export function DeliveryTable({
  deliveries,
  empty = 'No deliveries yet: send a test event from an endpoint page.',
  select,
}: {
  deliveries: Delivery[];
  empty?: ReactNode;
  select?: { selected: Set<string>; toggle: (id: string) => void };
}) {
  if (deliveries.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {select && (
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
            )}
            <th scope="col">Created</th>
            <th scope="col">Event type</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last result</th>
            <th scope="col">Delivery</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              {select && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select delivery ${d.id}`}
                    checked={select.selected.has(d.id)}
                    onChange={() => select.toggle(d.id)}
                  />
                </td>
              )}
              <td>{time(d.created_at)}</td>
              <td>
                <code>{d.event_type}</code>
              </td>
              <td>
                <StatusBadge status={d.status} />
              </td>
              <td>{d.attempt_count}</td>
              <td className="clip">{d.last_status_code ?? d.last_error ?? '—'}</td>
              <td>
                <Link to={`/deliveries/${d.id}`}>
                  Open<span className="sr-only"> delivery {d.id}</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
