/** The alert burden's arithmetic: alerts per patient-day, septic stays alerted before onset, lead, false alarms. */
import { kindBurden } from '@/server/alert-burden-command';

const plans = [
  { stayRef: 'a', onsetHour: 20 }, // alerted at 5 and 25: before onset (lead 15)
  { stayRef: 'b', onsetHour: 10 }, // alerted only at 10: not before onset
  { stayRef: 'c', onsetHour: null }, // never septic, alerted twice
  { stayRef: 'd', onsetHour: null }, // never septic, never alerted
];
const hours = new Map([
  ['a', [25, 5]],
  ['b', [10]],
  ['c', [3, 30]],
]);

describe('kindBurden', () => {
  it('counts alerts per patient-day and septic stays alerted at an hour before onset', () => {
    expect(kindBurden('news2', plans, hours, 2.5)).toEqual({
      kind: 'news2',
      alerts: 5,
      perPatientDay: 2,
      septicAlertedBeforeOnset: 1,
      septicShareAlertedBeforeOnset: 0.5,
      medianLeadHours: 15,
      nonSepticStaysAlerted: 1,
    });
  });

  it('has no lead and no share without septic stays alerted', () => {
    expect(kindBurden('sepsis', plans, new Map(), 2.5)).toMatchObject({
      alerts: 0,
      septicAlertedBeforeOnset: 0,
      septicShareAlertedBeforeOnset: 0,
      medianLeadHours: null,
    });
  });
});
