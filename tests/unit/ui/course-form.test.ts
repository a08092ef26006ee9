/** The course form as the server renders it: an admission instant, a textarea of lines, the window and the API way. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { EMPTY_FORM_STATE } from '@/dashboard/predict-form-state';
import { CourseForm } from '@/ui/course-form';
import { attr, tags } from './charts/svg-markup';

function render(windowMinutes: number | null): string {
  return renderToStaticMarkup(
    createElement(CourseForm, {
      modelName: 'ICU mortality',
      windowMinutes,
      exampleCodes: ['Age', 'HR', 'GCS'],
      apiHint: 'Programs send the same course to GraphQL.',
      action: async () => EMPTY_FORM_STATE,
    }),
  );
}

describe('the course form', () => {
  it('posts admittedAt, course and patientRef, each labelled and described', () => {
    const markup = render(2880);
    expect(tags(markup, 'input').map((t) => attr(t, 'name'))).toEqual(['admittedAt', 'patientRef']);
    const [textarea] = tags(markup, 'textarea');
    expect(attr(textarea, 'name')).toBe('course');
    expect(attr(textarea, 'aria-describedby')).toBe('course-hint');
    expect(markup).toContain('<label for="course">');
    expect(markup).toContain('time HH:MM from admission');
    expect(markup).toContain('Age, HR, GCS');
    expect(markup).toContain('The model reads the first 48 hours and scores their end: a later line is refused.');
    expect(markup).toContain('Programs send the same course to GraphQL.');
  });

  it('says a model without a window scores the latest line', () => {
    expect(render(null)).toContain('The course is scored at its latest line.');
  });
});
