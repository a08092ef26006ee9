/** Command line of the training pipeline: `train` and `score` (see README). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CodedError } from '@/errors/coded-error';
import { RECIPES, recipeFor } from './recipes/all-recipes';
import { scoreCommand } from './score-command';
import { referenceCommand } from './reference-command';
import { trainCommand } from './train-command';

const USAGE = `usage:
  npm run train [-- --model <id>] [--data DIR] [--models DIR] [--check] [--reference]
  npm run score -- --model <id> --input in.csv --output out.csv [--models DIR]
  npm run score -- --model icu-mortality --input DIR --output out.csv [--models DIR]
  -h, --help   this text

score: the input's header names the model's features exactly as models/<id>/card.json spells them
(a near-miss such as "Glucose" for "glucose" is refused); an empty cell is a missing value; other
columns are copied to the output and named in the summary.
sepsis also takes the challenge's hourly CSV (patient_id + the challenge's columns, plain or .gz).
A model that reads a stay's course (icu-mortality) takes a directory of record files (*.txt,
Time,Parameter,Value with hh:mm from admission, one stay each, as PhysioNet 2012's set-a): one row
per stay, in file-name order: RecordID, probability, positive, risk_band, base_value, then one
contribution_<feature> per feature of the vector, in log-odds, read at the model's window (48 h).
train writes model.onnx, card.json and reference.json (the training distribution of the vector, drift is measured
against it); --reference writes (with --check compares) only reference.json, from the data and the committed card,
without training.`;

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A command line that does not say what to do: the message, then the usage, exit code 2. */
export class CliUsageError extends CodedError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
  }
}

// Each command takes only its own options, so a flag meant for the other is refused rather than ignored.
const TRAIN_OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string', default: 'data' },
  models: { type: 'string', default: 'models' },
  check: { type: 'boolean', default: false },
  reference: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

const SCORE_OPTIONS = {
  model: { type: 'string' },
  models: { type: 'string', default: 'models' },
  input: { type: 'string' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

/**
 * The options' values; parseArgs's own TypeError (unknown option, missing value, stray argument) becomes a usage error.
 */
function parseOptions<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Asked for, the usage is the output: stdout, exit 0. */
function help(): number {
  process.stdout.write(`${USAGE}\n`);
  return 0;
}

async function train(args: string[]): Promise<number> {
  const values = parseOptions(args, TRAIN_OPTIONS);
  if (values.help) return help();
  const recipes = values.model ? [recipeFor(values.model)] : RECIPES;
  const mismatched = await (values.reference ? referenceCommand : trainCommand)(recipes, {
    dataDir: values.data,
    modelsDir: values.models,
    check: values.check,
    log,
  });
  if (mismatched.length > 0) {
    log(`not reproduced: ${mismatched.join(', ')}`);
    return 1;
  }
  return 0;
}

async function score(args: string[]): Promise<number> {
  const values = parseOptions(args, SCORE_OPTIONS);
  if (values.help) return help();
  if (!values.model || !values.input || !values.output)
    throw new CliUsageError('score needs --model, --input and --output');
  await scoreCommand({
    modelId: values.model,
    input: values.input,
    output: values.output,
    modelsDir: values.models,
    log,
  });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'train') return await train(rest);
    if (command === 'score') return await score(rest);
    if (command === '--help' || command === '-h') return help();
    throw new CliUsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    log(`${error.message}\n${USAGE}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
