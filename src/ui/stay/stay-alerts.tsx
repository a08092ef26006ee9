/**
 * A stay's alerts, newest first: kind, state, why, the hour that raised it and every move (who, when, note); forms to
 * acknowledge or resolve for a viewer allowed to, and a sentence saying who may for one who is not.
 */
import type { AlertFormState } from '@/dashboard/stay-alert-action';
import type { AlertView } from '@/dashboard/stay-page';
import { utcTime } from '../format';
import { AlertForm } from './alert-form';

type Action = (state: AlertFormState, form: FormData) => Promise<AlertFormState>;

const KIND: Record<string, string> = { sepsis: 'Sepsis risk', news2: 'NEWS2', qsofa: 'qSOFA' };

function eventText(e: AlertView['events'][number]): string {
  const who = e.actorKey ? `${e.actorKey.name} (${e.actorKey.role} key ${e.actorKey.prefix}…)` : e.actor;
  return e.from === null ? `raised by ${who}` : `${e.from} → ${e.to} by ${who}`;
}

export function StayAlerts({
  alerts,
  manage,
}: {
  alerts: readonly AlertView[];
  /** The actions, when the viewer may acknowledge and resolve; else why not. */
  manage: { acknowledge: Action; resolve: Action } | { refusal: string };
}) {
  return (
    <section aria-labelledby="alerts-heading" className="stay-alerts">
      <h2 id="alerts-heading">Alerts</h2>
      {alerts.length === 0 ? (
        <p>No alert has been raised for this stay.</p>
      ) : (
        <>
          {'refusal' in manage ? <p className="muted">{manage.refusal}.</p> : null}
          <ol className="alert-list">
            {alerts.map((a) => (
              <li key={a.id} className={`alert alert-${a.state}`} data-alert={a.id} data-state={a.state}>
                <h3>
                  {KIND[a.kind] ?? a.kind} alert, hour {a.hour}: <span className="alert-state">{a.state}</span>
                </h3>
                <p>{a.reason}</p>
                <p className="muted small">Raised {utcTime(new Date(a.raisedAt))}.</p>
                <table className="data alert-events">
                  <caption>What happened to the alert (times UTC)</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Move</th>
                      <th scope="col">Note</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.events.map((e, i) => (
                      <tr key={i}>
                        <td>{utcTime(new Date(e.at))}</td>
                        <td>{eventText(e)}</td>
                        <td>{e.note ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {'acknowledge' in manage && a.state !== 'resolved' ? (
                  <div className="alert-actions">
                    {a.state === 'open' ? (
                      <AlertForm alertId={a.id} move="acknowledge" action={manage.acknowledge} />
                    ) : null}
                    <AlertForm alertId={a.id} move="resolve" action={manage.resolve} />
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
