// Lints source texts as if they were files of the project (stdin: [{ filePath, code }]), printing each one's
// messages as JSON: jest's sandbox cannot load ESLint's ESM config, a child process can.
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { filePath, code } of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
