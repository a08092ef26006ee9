/**
 * What an audit record says about itself: id, time, model version and hash, patient, request, who asked, latency and
 * probability.
 */
import type { AuditRecordDetail } from '@/dashboard/audit-record';
import { percent, utcTime } from '../format';
import { NavLink } from '../nav-link';

export function RecordFacts({ detail }: { detail: AuditRecordDetail }) {
  const { record, card, requesterKey } = detail;
  return (
    <dl className="facts">
      <dt>Record id</dt>
      <dd>
        <code>{record.id}</code>
      </dd>
      <dt>Time</dt>
      <dd>{utcTime(record.createdAt)}</dd>
      <dt>Model</dt>
      <dd>
        {card ? <NavLink href={`/models/${card.id}`}>{card.name}</NavLink> : record.modelId}, version{' '}
        {record.modelVersion}
        {card && card.version !== record.modelVersion ? ` (the service now runs version ${card.version})` : ''}
      </dd>
      <dt>ONNX sha256</dt>
      <dd>
        <code>{record.onnxSha256}</code>
      </dd>
      <dt>Patient reference</dt>
      <dd>{record.patientRef ?? '–'}</dd>
      <dt>Request id</dt>
      <dd>
        <code>{record.requestId}</code>
      </dd>
      <dt>Requested by</dt>
      <dd>
        {requesterKey ? (
          <>
            {requesterKey.name}{' '}
            <span className="muted">
              ({requesterKey.role} key {requesterKey.prefix}…)
            </span>
          </>
        ) : (
          (record.requester ?? 'not recorded (before access control)')
        )}
      </dd>
      <dt>Latency</dt>
      <dd>{record.latencyMs.toFixed(2)} ms (validation, inference and explanation)</dd>
      <dt>Probability</dt>
      <dd>{percent(record.probability)}</dd>
    </dl>
  );
}
