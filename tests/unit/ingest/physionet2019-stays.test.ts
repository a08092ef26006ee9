/** The set A file read as a stream: the first patients yielded whole, in order, and the rest of the file never read. */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  PhysioNetFileError,
  readPhysioNet2019Stays,
  staysOfCsv,
  type PhysioNetStay,
} from '@/ingest/physionet2019-stays';

const SET_A = join(__dirname, '../../../data/physionet2019/setA.csv.gz');
const SET_A_BYTES = 11_932_852;

async function all(stays: AsyncIterable<PhysioNetStay>): Promise<PhysioNetStay[]> {
  const list: PhysioNetStay[] = [];
  for await (const stay of stays) list.push(stay);
  return list;
}

describe('PhysioNet 2019 stays from the gzip CSV', () => {
  it('yields the first 3 patients whole and stops reading the file a few kilobytes in', async () => {
    let compressedBytes = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        compressedBytes += chunk.length;
        done(null, chunk);
      },
    });
    const file = createReadStream(SET_A, { highWaterMark: 16 * 1024 });
    const csv = pipeline(file, counting, createGunzip(), () => undefined);
    const stays = await all(staysOfCsv(csv, { patients: 3 }));

    expect(stays.map((s) => [s.patientId, s.rows.length, s.firstLine])).toEqual([
      ['p000001', 54, 2],
      ['p000002', 23, 56],
      ['p000003', 48, 79],
    ]);
    expect(stays[0].rows[1]).toMatchObject({ HR: '97', O2Sat: '95', Age: '83.14', ICULOS: '2', SepsisLabel: '0' });
    // 125 rows are a few kilobytes compressed: reading went no further than a few chunks, not to the end (11.9 MB).
    expect(compressedBytes).toBeLessThan(256 * 1024);
    expect(compressedBytes).toBeLessThan(SET_A_BYTES / 40);
    await new Promise((resolve) => setImmediate(resolve));
    expect(file.destroyed).toBe(true);
  });

  it('starts later with skip, reading by path', async () => {
    const stays = await all(readPhysioNet2019Stays(SET_A, { patients: 2, skip: 3 }));
    expect(stays.map((s) => s.patientId)).toEqual(['p000004', 'p000005']);
    expect(stays.map((s) => s.rows.length)).toEqual([29, 48]);
  });

  it('refuses a patient whose rows come back after another patient, and a file without ICULOS', async () => {
    const split = 'patient_id,HR,ICULOS\np1,80,1\np2,81,1\np1,82,2\n';
    await expect(all(staysOfCsv(Readable.from([split]), { patients: 5 }, 'split.csv'))).rejects.toThrow(
      /split.csv line 4: patient p1 comes back after other patients/,
    );
    await expect(all(staysOfCsv(Readable.from(['patient_id,HR\np1,80\n']), { patients: 1 }))).rejects.toThrow(
      PhysioNetFileError,
    );
  });

  it('yields the last patient of a file at its end', async () => {
    const csv = 'patient_id,HR,ICULOS\np1,80,1\np2,81,1\np2,82,2\n';
    const stays = await all(staysOfCsv(Readable.from([csv]), { patients: 5 }));
    expect(stays.map((s) => [s.patientId, s.rows.length])).toEqual([
      ['p1', 1],
      ['p2', 2],
    ]);
  });
});
