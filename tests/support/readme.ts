/** README.md's code blocks and the commands in its ```sh blocks, for the tests that keep them honest. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const README = resolve(__dirname, '..', '..', 'README.md');

/** The text of every fenced block of `language` (```sh, ```ts, …), in order; indented fences included. */
export function readmeBlocks(language: string): string[] {
  const blocks: string[] = [];
  const fence = /^([ \t]*)```(\S*)[ \t]*\n([\s\S]*?)^\1```[ \t]*$/gm;
  for (const match of readFileSync(README, 'utf8').matchAll(fence)) {
    if (match[2] !== language) continue;
    const indent = match[1];
    blocks.push(
      match[3]
        .split('\n')
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n'),
    );
  }
  return blocks;
}

export interface ReadmeCommand {
  /** The command as written (a continued line joined with the lines that continue it), without its comment. */
  line: string;
  /** Settings given before the command (`PORT=8080 npm start`): their names. */
  settings: string[];
  /** The words of the command after the settings. */
  words: string[];
}

/** The line without a trailing `# comment` outside quotes, or null while a quote is still open at its end. */
function withoutComment(line: string): string | null {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return quote ? null : line;
}

/**
 * Every command in the README's ```sh blocks: one per line, a line whose quote is still open continued by the next
 * ones.
 */
export function readmeCommands(): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const block of readmeBlocks('sh')) {
    let pending = '';
    for (const raw of block.split('\n')) {
      pending = pending ? `${pending}\n${raw}` : raw;
      const uncommented = withoutComment(pending);
      if (uncommented === null) continue; // a quote still open: the command goes on
      const line = uncommented.trim();
      pending = '';
      if (!line) continue;
      const words = line.split(/\s+/);
      const settings: string[] = [];
      while (words.length > 1 && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) settings.push(words.shift()!.split('=')[0]);
      commands.push({ line, settings, words });
    }
  }
  return commands;
}
