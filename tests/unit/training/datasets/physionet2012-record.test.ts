/** Specification of the PhysioNet 2012 record file reader: descriptors by name, `-1` as missing, unit rules, errors. */
import { minutesOf, parseRecordFile, Physionet2012RecordError } from '@/training/datasets/physionet2012-record';

const file = (...lines: string[]) => ['Time,Parameter,Value', ...lines].join('\n') + '\n';

describe('parseRecordFile', () => {
  it('reads descriptors by name wherever they stand among the 00:00 lines, and flags them as interleaved', () => {
    const r = parseRecordFile(
      file(
        '00:00,RecordID,146494',
        '00:00,Age,59',
        '00:00,ICUType,2',
        '00:00,pH,7.43',
        '00:00,Gender,1',
        '00:00,Height,-1',
        '00:00,PaCO2,35',
        '00:00,Weight,-1',
        '04:54,Albumin,2.9',
        '34:51,pH,7.46',
      ),
      '146494.txt',
    );
    expect(r.recordId).toBe('146494');
    expect(r.descriptors).toEqual({ Age: 59, Gender: 1, Height: NaN, ICUType: 2, Weight: NaN });
    expect(r.interleavedDescriptors).toBe(true);
    expect(r.observations).toEqual([
      { name: 'Age', time: 0, value: 59 },
      { name: 'ICUType', time: 0, value: 2 },
      { name: 'pH', time: 0, value: 7.43 },
      { name: 'Gender', time: 0, value: 1 },
      { name: 'PaCO2', time: 0, value: 35 },
      { name: 'Albumin', time: 294, value: 2.9 },
      { name: 'pH', time: 2091, value: 7.46 },
    ]);
  });

  it('reads the usual layout as not interleaved; `-1` is missing in the series too; unit rules apply', () => {
    const r = parseRecordFile(
      file(
        '00:00,RecordID,1',
        '00:00,Age,80',
        '00:00,Gender,-1',
        '00:00,Height,462.3',
        '00:00,ICUType,3',
        '00:00,Weight,70.8',
        '00:00,Weight,70.4',
        '00:15,Temp,-1',
        '00:15,pH,735',
        '48:00,WBC,12500',
      ),
      '1.txt',
    );
    expect(r.interleavedDescriptors).toBe(false);
    // The first weight at 00:00 is the admission weight; both stay observations.
    expect(r.descriptors).toEqual({ Age: 80, Gender: NaN, Height: 462.3 / 2.54, ICUType: 3, Weight: 70.8 });
    expect(r.observations.filter((o) => o.time > 0)).toEqual([
      { name: 'pH', time: 15, value: 7.35 },
      { name: 'WBC', time: 2880, value: 12.5 },
    ]);
    expect(r.observations.filter((o) => o.name === 'Weight').map((o) => o.value)).toEqual([70.8, 70.4]);
  });

  it('drops lines with an empty parameter (as in set-c) and counts them; reads quoted text and CRLF alike', () => {
    const plain = file('00:00,RecordID,7', '10:45,,1.9', '11:00,HR,80');
    const r = parseRecordFile(plain, '7.txt');
    expect(r.blankParameterLines).toBe(1);
    expect(r.observations).toEqual([{ name: 'HR', time: 660, value: 80 }]);
    const quoted = '"Time","Parameter","Value"\r\n"00:00","RecordID","7"\r\n"10:45","","1.9"\r\n"11:00","HR","80"\r\n';
    expect(parseRecordFile(quoted, '7.txt')).toEqual(r);
    expect(parseRecordFile(plain.replace(/\n/g, '\r\n'), '7.txt')).toEqual(r);
  });

  it('refuses what it cannot read, naming the file and line', () => {
    expect(() => parseRecordFile('Time,Param,Value\n', 'x.txt')).toThrow(
      new Physionet2012RecordError('x.txt: the first line must be Time,Parameter,Value'),
    );
    expect(() => parseRecordFile(file('00:00,RecordID,1', '1:5,HR,80'), 'x.txt')).toThrow(
      new Physionet2012RecordError('x.txt line 3: time must be hh:mm, got "1:5"'),
    );
    expect(() => parseRecordFile(file('00:00,RecordID,1', '01:05,Pulse,80'), 'x.txt')).toThrow(
      'x.txt line 3: unknown parameter "Pulse"',
    );
    expect(() => parseRecordFile(file('00:00,RecordID,1', '01:05,HR,high'), 'x.txt')).toThrow(
      'x.txt line 3: HR is not a number: "high"',
    );
    expect(() => parseRecordFile(file('00:00,RecordID,1', '01:05,HR'), 'x.txt')).toThrow(
      'x.txt line 3: 2 fields, expected 3',
    );
    expect(() => parseRecordFile(file('00:00,Age,50'), 'x.txt')).toThrow('x.txt: no RecordID line at 00:00');
    // Line numbers count blank lines, in plain and quoted text alike.
    expect(() => parseRecordFile(file('00:00,RecordID,1', '', '1:5,HR,80'), 'x.txt')).toThrow('x.txt line 4:');
    expect(() =>
      parseRecordFile('"Time","Parameter","Value"\n"00:00","RecordID","1"\n\n"1:5","HR","80"\n', 'x.txt'),
    ).toThrow('x.txt line 4:');
    expect(() => parseRecordFile(file('00:00,RecordID,1', '00:00,RecordID,2'), 'x.txt')).toThrow(
      'x.txt line 3: RecordID must appear once, at 00:00',
    );
  });

  it('reads hh:mm as minutes since admission', () => {
    expect([minutesOf('00:00'), minutesOf('04:54'), minutesOf('48:00'), minutesOf('1:60'), minutesOf('x')]).toEqual([
      0,
      294,
      2880,
      undefined,
      undefined,
    ]);
  });
});
