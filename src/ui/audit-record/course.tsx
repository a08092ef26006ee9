/** An audit record's course as received: admission, the moment scored, and each observation with its label and unit. */
import type { AuditCourse } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';
import { featureValue, fromAdmission, utcTime } from '../format';
import { TableHead } from '../table-head';

/** `card` is null once the record's model is no longer served: codes then stand for labels. */
export function RecordCourse({ course, card }: { course: AuditCourse; card: ModelCard | null }) {
  const specs = new Map((card?.timeline?.observations ?? []).map((o) => [o.name, o]));
  const admitted = new Date(course.admittedAt);
  return (
    <table className="data">
      <caption>
        As received: {course.observations.length} observation{course.observations.length === 1 ? '' : 's'}, admitted{' '}
        {utcTime(admitted)}, scored at {fromAdmission(course.moment)} (
        {utcTime(new Date(admitted.getTime() + course.moment * 60_000))})
      </caption>
      <TableHead columns={['Time', 'From admission', 'Observation', 'Value']} numeric={['Value']} />
      <tbody>
        {course.observations.map((o, i) => {
          const spec = specs.get(o.name);
          const time = new Date(o.time);
          return (
            <tr key={i}>
              <td>{utcTime(time)}</td>
              <td>{fromAdmission((time.getTime() - admitted.getTime()) / 60_000)}</td>
              <th scope="row">
                {spec?.label ?? o.name} <code>{o.name}</code>
              </th>
              <td className="num">{featureValue(o.value, spec?.unit)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
