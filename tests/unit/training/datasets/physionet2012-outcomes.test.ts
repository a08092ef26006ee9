/** Specification of the PhysioNet 2012 outcomes reader: one row per RecordID, `-1` as missing, errors by line. */
import { Physionet2012OutcomesError, parseOutcomesFile } from '@/training/datasets/physionet2012-outcomes';

describe('parseOutcomesFile', () => {
  const HEADER = 'RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death';

  it('reads one outcome per RecordID, `-1` as missing', () => {
    expect(parseOutcomesFile(`${HEADER}\n132539,6,1,5,-1,0\n146494,-1,4,5,-1,1\n`, 'o.txt')).toEqual([
      { recordId: '132539', sapsI: 6, sofa: 1, lengthOfStay: 5, survival: NaN, inHospitalDeath: 0 },
      { recordId: '146494', sapsI: NaN, sofa: 4, lengthOfStay: 5, survival: NaN, inHospitalDeath: 1 },
    ]);
  });

  it('refuses a wrong header, a repeated RecordID, a non-number and an outcome other than 0 or 1', () => {
    expect(() => parseOutcomesFile('RecordID,SAPS\n', 'o.txt')).toThrow(Physionet2012OutcomesError);
    expect(() => parseOutcomesFile(`${HEADER}\n1,6,1,5,-1,0\n1,6,1,5,-1,0\n`, 'o.txt')).toThrow(
      'o.txt line 3: RecordID 1 repeats',
    );
    expect(() => parseOutcomesFile(`${HEADER}\n1,six,1,5,-1,0\n`, 'o.txt')).toThrow(
      'o.txt line 2: SAPS-I is not a number: "six"',
    );
    expect(() => parseOutcomesFile(`${HEADER}\n1,6,1,5,-1,2\n`, 'o.txt')).toThrow(
      'o.txt line 2: In-hospital_death must be 0 or 1, got 2',
    );
  });
});
