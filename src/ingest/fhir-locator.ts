/** From the monitor's field paths in a batch back to the FHIR bundle entries (and elements) they were read from. */

/** An element of the bundle. */
export interface EntryLocation {
  entry: number | null;
  expression: string;
}

export interface AdmissionSource {
  entry: number;
  /** Expression of each AdmitInput field. */
  fields: Record<string, string>;
  facts: EntryLocation[];
}

export interface GroupSource {
  encounters: EntryLocation[];
  observations: EntryLocation[];
}

const BATCH_FIELD = /^(admissions|observations|discharges)\[(\d+)\](.*)$/;
const NESTED = /^\.(observations|facts)\[(\d+)\]/;

/** From the monitor's field paths (`observations[0].observations[3] (HR)`) back to the entries they came from. */
export class BatchLocator {
  constructor(
    private readonly admissions: readonly AdmissionSource[],
    private readonly groups: readonly GroupSource[],
    private readonly discharges: readonly EntryLocation[],
  ) {}

  /** The elements a field path names; the bundle itself when the path is not one of the batch's. */
  locate(field: string): EntryLocation[] {
    const bundle = [{ entry: null, expression: 'Bundle' }];
    const match = BATCH_FIELD.exec(field);
    if (!match) return bundle;
    const [, list, indexText, rest] = match;
    const index = Number(indexText);
    const nested = NESTED.exec(rest);
    if (list === 'admissions') {
      const source = this.admissions[index];
      if (!source) return bundle;
      const at = (expression: string) => [{ entry: source.entry, expression }];
      if (nested?.[1] === 'facts')
        return source.facts[Number(nested[2])]
          ? [source.facts[Number(nested[2])]]
          : at(entryPath(source.entry, 'resource'));
      const name = /^\.(\w+)/.exec(rest)?.[1];
      return at(entryPath(source.entry, `resource.${name ? (source.fields[name] ?? '') : ''}`.replace(/\.$/, '')));
    }
    if (list === 'observations') {
      const group = this.groups[index];
      if (!group) return bundle;
      if (nested?.[1] === 'observations') {
        const one = group.observations[Number(nested[2])];
        return one ? [one] : group.encounters;
      }
      return group.encounters;
    }
    const discharge = this.discharges[index];
    return discharge ? [discharge] : bundle;
  }
}

export function entryPath(entry: number, path: string): string {
  return path === '' ? `Bundle.entry[${entry}]` : `Bundle.entry[${entry}].${path}`;
}
