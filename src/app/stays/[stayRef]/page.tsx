/**
 * One stay: its course (sepsis risk with threshold and alerts, vitals and labs on one time axis), NEWS2 and qSOFA hour
 * by hour, a chosen hour explained (`?hour=N`, default the latest assessed), ICU-mortality risk after 48 h, and the
 * alerts with acknowledge and resolve for roles allowed to.
 */
import { loadStayPage, stayRefusal } from '@/dashboard/stay-page';
import { requireViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { featureValue, utcTime } from '@/ui/format';
import { NotFound } from '@/ui/route-states';
import { HourExplanation } from '@/ui/stay/hour-explanation';
import { HoursTable } from '@/ui/stay/hours-table';
import { IcuMortality } from '@/ui/stay/icu-mortality';
import { StayAlerts } from '@/ui/stay/stay-alerts';
import { StayCourse } from '@/ui/stay/stay-course';
import { AccessDeniedError } from '@/access/roles';
import { acknowledgeAlert, resolveAlert } from './actions';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ stayRef: string }>;
  searchParams: Promise<{ hour?: string | string[]; hours?: string | string[] }>;
}

// Next.js 16.4 hands generateMetadata the segment decoded but the page encoded ("a%20b"): measured with a stay ref
// holding a space, "%" and "/". Decoding is therefore the page's alone, and never throws on a stray "%".
export async function generateMetadata({ params }: { params: Promise<{ stayRef: string }> }) {
  const { stayRef } = await params;
  return { title: `Stay ${stayRef} — Clinical Risk Console` };
}

function decodedSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export default async function StayPage({ params, searchParams }: Props) {
  const { stayRef: raw } = await params;
  const stayRef = decodedSegment(raw);
  const { hour, hours } = await searchParams;
  const path = `/stays/${encodeURIComponent(stayRef)}${typeof hour === 'string' ? `?hour=${encodeURIComponent(hour)}` : ''}`;
  const viewer = await requireViewer(services, path);
  const refusal = stayRefusal(viewer);
  if (refusal)
    return (
      <>
        <h1>Stay</h1>
        <p className="error" role="alert">
          You are signed in as {viewer.name}, and {refusal}. Sign in with another key to read stays.
        </p>
      </>
    );
  const page = await loadStayPage(await services(), viewer, stayRef, hour);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!page) return <NotFound what="stay" back={{ href: '/ward', label: 'See the active stays on the ward board' }} />;
  const { view } = page;
  return (
    <div className="stay-page">
      <h1>Stay {view.stayRef}</h1>
      <dl className="facts">
        <dt>Patient</dt>
        <dd>{view.patientRef}</dd>
        <dt>Unit</dt>
        <dd>{view.unit}</dd>
        <dt>Admitted</dt>
        <dd>{utcTime(new Date(view.admittedAt))}</dd>
        <dt>Discharged</dt>
        <dd>{view.dischargedAt ? utcTime(new Date(view.dischargedAt)) : 'not yet'}</dd>
        {view.facts.map((f) => (
          <FactRow
            key={f.name}
            label={f.label}
            value={f.codeLabel ? `${f.codeLabel} (${f.value})` : featureValue(f.value, f.unit)}
          />
        ))}
      </dl>
      <StayCourse view={view} />
      <HourExplanation
        hours={view.hours}
        selectedHour={view.selectedHour}
        hourProblem={view.hourProblem}
        explanation={page.explanation}
        observations={view.hourObservations}
      />
      <HoursTable
        hours={view.hours}
        selectedHour={view.selectedHour}
        all={hours === 'all'}
        allHref={`?${typeof hour === 'string' ? `hour=${encodeURIComponent(hour)}&` : ''}hours=all#hours-heading`}
      />
      <IcuMortality icu={page.icuMortality} />
      <StayAlerts
        alerts={view.alerts}
        manage={
          page.canManageAlerts
            ? { acknowledge: acknowledgeAlert.bind(null, stayRef), resolve: resolveAlert.bind(null, stayRef) }
            : {
                refusal: `You are signed in as ${viewer.name}, and ${new AccessDeniedError(viewer.role, 'manage-alerts').message}`,
              }
        }
      />
    </div>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}
