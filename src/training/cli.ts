/** Command line of the training pipeline: `train` and `score` (see README). */
import { parseArgs } from 'node:util';
import { RECIPES, recipeFor } from './recipes/all-recipes';
import { scoreCommand } from './score-command';
import { trainCommand } from './train-command';

const USAGE = `usage:
  npm run train [-- --model <id>] [--data DIR] [--models DIR] [--check]
  npm run score -- --model <id> --input in.csv --output out.csv [--models DIR]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      model: { type: 'string' },
      data: { type: 'string', default: 'data' },
      models: { type: 'string', default: 'models' },
      check: { type: 'boolean', default: false },
      input: { type: 'string' },
      output: { type: 'string' },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (command === 'train') {
    const recipes = values.model ? [recipeFor(values.model)] : RECIPES;
    const mismatched = await trainCommand(recipes, { dataDir: values.data!, modelsDir: values.models!, check: values.check!, log });
    if (mismatched.length > 0) {
      log(`not reproduced: ${mismatched.join(', ')}`);
      return 1;
    }
    return 0;
  }
  if (command === 'score') {
    if (!values.model || !values.input || !values.output) {
      log(USAGE);
      return 2;
    }
    await scoreCommand({ modelId: values.model, input: values.input, output: values.output, modelsDir: values.models!, log });
    return 0;
  }
  log(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
