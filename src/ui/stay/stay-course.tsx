/** The course of a stay: the sepsis-risk line, then each vital and lab with data as a small multiple, on one time axis. */
import type { StayPageView } from '@/dashboard/stay-page';
import { CourseChart } from './course-chart';
import { RiskChart } from './risk-chart';
import { timeAxis } from './time-axis';

export function StayCourse({ view }: { view: StayPageView }) {
  const axis = timeAxis(view.lastHour);
  const selected = view.selectedHour;
  return (
    <section aria-labelledby="course-heading" className="stay-course">
      <h2 id="course-heading">Course</h2>
      <p className="muted">
        Every chart shares one time axis: hours since admission (0 to {axis.lastHour}).
        {selected !== null ? ` The shaded band is hour ${selected}, the hour explained below.` : ''}
      </p>
      <figure className="stay-chart">
        <RiskChart risk={view.risk} axis={axis} selectedHour={selected} />
        <figcaption>
          Sepsis risk at the end of each assessed hour
          {view.risk.threshold !== null ? ', with the model’s decision threshold (dashed)' : ''}. Alert markers: S
          sepsis, N NEWS2, Q qSOFA; filled while open, hollow once acknowledged or resolved.
        </figcaption>
      </figure>
      {view.panels.length === 0 ? (
        <p>No vitals or labs recorded yet.</p>
      ) : (
        <div className="stay-multiples">
          {view.panels.map((panel) => (
            <figure key={panel.key} className="stay-chart">
              <CourseChart panel={panel} axis={axis} selectedHour={selected} />
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
