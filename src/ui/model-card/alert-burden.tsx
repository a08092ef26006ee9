/**
 * The monitor's alert burden for a model measured on a replay of real stays: how often each kind of alert fires per
 * patient-day, and how many septic stays it warned of before onset.
 */
import type { AlertBurden } from '@/monitoring/alert-burden';
import { percent } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

const COLUMNS = [
  'Alert',
  'Alerts',
  'Per patient-day',
  'Septic stays alerted before onset',
  'Median lead (h)',
  'Non-septic stays alerted',
];
const KIND_LABEL = { sepsis: 'Sepsis risk ≥ threshold', news2: 'NEWS2 ≥ 5 or a 3', qsofa: 'qSOFA ≥ 2', any: 'Any' };

export function CardAlertBurden({ burden }: { burden: AlertBurden | null }) {
  if (!burden) return null;
  const nonSeptic = burden.stays - burden.septicStays;
  return (
    <>
      <h2>Alert burden on replay</h2>
      <p className="muted">
        {burden.stays.toLocaleString('en-US')} stays ({burden.patientDays.toFixed(0)} patient-days,{' '}
        {burden.hoursAssessed.toLocaleString('en-US')} hours assessed; {burden.septicStays} septic) from {burden.data},
        replayed through the monitor with model {burden.modelId} {burden.modelVersion}. {burden.policy} {burden.onset}{' '}
        Measured {burden.measuredAt.slice(0, 10)} by <code>{burden.command}</code>.
      </p>
      <ScrollingTable>
        <table className="data">
          <caption>Alerts raised per kind</caption>
          <TableHead columns={COLUMNS} numeric={COLUMNS.slice(1)} />
          <tbody>
            {burden.byKind.map((k) => (
              <tr key={k.kind}>
                <th scope="row">{KIND_LABEL[k.kind]}</th>
                <td className="num">{k.alerts.toLocaleString('en-US')}</td>
                <td className="num">{k.perPatientDay.toFixed(2)}</td>
                <td className="num">
                  {k.septicAlertedBeforeOnset} of {burden.septicStays} ({percent(k.septicShareAlertedBeforeOnset)})
                </td>
                <td className="num">{k.medianLeadHours === null ? '–' : k.medianLeadHours.toFixed(0)}</td>
                <td className="num">
                  {k.nonSepticStaysAlerted} of {nonSeptic} (
                  {percent(nonSeptic > 0 ? k.nonSepticStaysAlerted / nonSeptic : 0)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </>
  );
}
