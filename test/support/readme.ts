/**
 * Reads parts of README.md for the tests that keep it true: a section by its heading, the code
 * blocks in it, and its first table. Plain string work on the Markdown the repository writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README_PATH = join(__dirname, '..', '..', 'README.md');

/** The text under a `## ` heading that starts with `heading`, up to the next `## ` heading. */
export function readmeSection(heading: string, markdown = readFileSync(README_PATH, 'utf8')): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${heading}`));
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The contents of the fenced code blocks of a language (```sh, ```json …) in `text`, in order. */
export function codeBlocks(text: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) if (m[1] === language) blocks.push(m[2] ?? '');
  return blocks;
}

/** The first Markdown table in `text`: its header cells and the cells of each body row. */
export function firstTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith('|'));
  if (start < 0) throw new Error('no table found');
  const table: string[] = [];
  for (let i = start; i < lines.length && lines[i]!.trimStart().startsWith('|'); i++) table.push(lines[i]!.trim());
  // Pipes inside code spans are written \| in Markdown tables.
  const cells = (row: string) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  const [header, separator, ...rows] = table;
  if (!header || !separator || !/^\|[\s:|-]+\|$/.test(separator)) throw new Error('malformed table');
  return { header: cells(header), rows: rows.map(cells) };
}
