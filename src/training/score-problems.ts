/** The problems that refuse a scoring file, gathered row by row in bounded memory and reported as one error. */
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';

// A file-wide mistake (mmol/L for mg/dL, say) is wrong in every row: a few rows show it, all of them make a line of
// megabytes.
const LISTED_PROBLEMS = 20;

/** The first problems as they are, then the rest counted with the lines they are in: never more than 20 held. */
export class ScoreProblems {
  /** `where` says where the unlisted problems are: lines of a file, or files of a directory in name order. */
  constructor(private readonly where: (first: number, last: number) => string = (a, b) => `lines ${a} to ${b}`) {}

  private readonly listed: FieldError[] = [];
  private rest = 0;
  private firstRestLine = 0;
  private lastRestLine = 0;

  add(line: number, name: string, message: string): void {
    if (this.listed.length < LISTED_PROBLEMS) {
      this.listed.push({ name, message });
      return;
    }
    if (this.rest === 0) this.firstRestLine = line;
    this.lastRestLine = line;
    this.rest++;
  }

  get any(): boolean {
    return this.listed.length > 0;
  }

  /** The first problems as they are, then one entry counting the rest and saying which lines they are in. */
  error(): InvalidInputError {
    const fields = [...this.listed];
    if (this.rest > 0) {
      fields.push({
        name: `and ${this.rest} more`,
        message: `not listed (${this.where(this.firstRestLine, this.lastRestLine)})`,
      });
    }
    return new InvalidInputError(fields);
  }
}
