import { auditQueryString, readAuditQuery, searchParamsOf } from '@/dashboard/audit-query';

const MODELS = ['sepsis', 'diabetes', 'heart-failure'];

describe('the audit list query string', () => {
  it('reads every filter, with dates as whole UTC days and the end day inclusive', () => {
    const q = readAuditQuery(
      { modelId: ' sepsis', riskBand: 'HIGH', patientRef: 'MRN-7', from: '2026-11-03', to: '2026-11-05', after: 'abc' },
      MODELS,
    );
    expect(q.errors).toEqual({});
    expect(q.filter).toEqual({
      modelId: 'sepsis',
      riskBand: 'HIGH',
      patientRef: 'MRN-7',
      from: new Date('2026-11-03T00:00:00.000Z'),
      to: new Date('2026-11-06T00:00:00.000Z'),
    });
    expect(q.after).toBe('abc');
  });

  it('treats blank fields as no filter', () => {
    const q = readAuditQuery({ modelId: '', riskBand: '', patientRef: '', from: '', to: '' }, MODELS);
    expect(q).toMatchObject({ filter: {}, errors: {}, after: null });
  });

  it('names each unusable filter with what is allowed, keeping what was typed', () => {
    const q = readAuditQuery({ modelId: 'cancer', riskBand: 'SEVERE', from: '2026-02-30', to: 'yesterday' }, MODELS);
    expect(q.errors).toEqual({
      modelId: 'unknown model; choose one of sepsis, diabetes, heart-failure',
      riskBand: 'choose one of LOW, MODERATE, HIGH',
      from: 'must be a date, YYYY-MM-DD',
      to: 'must be a date, YYYY-MM-DD',
    });
    expect(q.form).toMatchObject({ modelId: 'cancer', riskBand: 'SEVERE', from: '2026-02-30', to: 'yesterday' });
  });

  it('refuses an end day before the start day, but accepts a single day', () => {
    expect(readAuditQuery({ from: '2026-11-05', to: '2026-11-04' }, MODELS).errors).toEqual({
      to: 'must not be before the start date',
    });
    expect(readAuditQuery({ from: '2026-11-05', to: '2026-11-05' }, MODELS).errors).toEqual({});
  });

  it('uses the first of repeated parameters, from a page or a URL alike', () => {
    expect(readAuditQuery({ modelId: ['diabetes', 'sepsis'] }, MODELS).filter.modelId).toBe('diabetes');
    const url = new URL('http://x/predictions/export.csv?modelId=diabetes&modelId=sepsis&riskBand=LOW');
    expect(readAuditQuery(searchParamsOf(url), MODELS).filter).toEqual({ modelId: 'diabetes', riskBand: 'LOW' });
  });

  it('names a patientRef the audit log would refuse (NUL, lone surrogate, too long) next to the field, and does not filter on it', () => {
    for (const [patientRef, message] of [
      ['\u0000', 'must not contain control characters'],
      ['MRN\udfff', 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)'],
      ['x'.repeat(129), 'must be at most 128 characters; got 129'],
    ]) {
      const q = readAuditQuery({ patientRef }, MODELS);
      expect(q.errors).toEqual({ patientRef: message });
      expect(q.filter).toEqual({});
      expect(q.form.patientRef).toBe(patientRef);
    }
  });

  it('matches a patientRef exactly as stored, spaces included', () => {
    expect(readAuditQuery({ patientRef: ' MRN-7' }, MODELS).filter.patientRef).toBe(' MRN-7');
  });

  it('writes back only the given filters, and the cursor when asked', () => {
    const form = { modelId: 'diabetes', riskBand: '', patientRef: 'MRN 7&8', from: '', to: '2026-11-05' };
    expect(auditQueryString(form)).toBe('?modelId=diabetes&patientRef=MRN+7%268&to=2026-11-05');
    expect(auditQueryString(form, 'cur/sor=')).toBe(
      '?modelId=diabetes&patientRef=MRN+7%268&to=2026-11-05&after=cur%2Fsor%3D',
    );
    expect(auditQueryString({ modelId: '', riskBand: '', patientRef: '', from: '', to: '' })).toBe('');
  });
});
