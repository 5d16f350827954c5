// test/README.md's guarantees list names, for every promise README.md makes
// (its "Guarantees" bullets and its API table), the tests that prove it. This
// file keeps that list honest: every entry must name a test file that exists
// and a test in it with exactly that title, and every guarantee and API row of
// README.md must have a section in the list, so that renaming or deleting a
// cited test, or adding a promise without a test, fails here.
//
// Titles are read with the TypeScript parser, from the first argument of each
// it(...) / test(...) call (it.each(...)(...), test.skipIf(...)(...) and the
// like included, at any depth inside describe blocks): a title that only
// appears in a comment or another string does not count.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

const LIST_HEADING = '## Guarantees list';
const MISSING_HEADING = '## Claims without a proving test';

interface Entry {
  line: number;
  claim: string;
  file: string;
  title: string;
}

/**
 * The entries of test/README.md's guarantees list: the lines between
 * LIST_HEADING and MISSING_HEADING of the form
 * `- <claim> — <file> › <exact test title>`. Any other line there that starts
 * with "- " is malformed and reported, so an entry cannot be skipped silently.
 */
function parseList(text: string): { entries: Entry[]; malformed: string[]; sections: string[] } {
  const lines = text.split('\n');
  const start = lines.indexOf(LIST_HEADING);
  const end = lines.indexOf(MISSING_HEADING);
  const entries: Entry[] = [];
  const malformed: string[] = [];
  const sections: string[] = [];
  if (start < 0 || end < start) return { entries, sections, malformed: [`test/README.md needs "${LIST_HEADING}" followed by "${MISSING_HEADING}"`] };
  for (let i = start + 1; i < end; i++) {
    const line = lines[i];
    if (line.startsWith('### ')) sections.push(line.slice(4));
    if (!line.startsWith('- ')) continue;
    const m = /^- (.+?) — (test\/\S+\.ts) › (.+)$/.exec(line);
    if (!m || m[3].trim() !== m[3]) malformed.push(`test/README.md:${i + 1}: ${line}`);
    else entries.push({ line: i + 1, claim: m[1], file: m[2], title: m[3] });
  }
  return { entries, malformed, sections };
}

/** Whether `callee` is it / test, or a member or call chain rooted at one (it.skip, it.each(...), test.skipIf(...)). */
function isTestCallee(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'it' || callee.text === 'test';
  if (ts.isPropertyAccessExpression(callee)) return isTestCallee(callee.expression);
  if (ts.isCallExpression(callee)) return isTestCallee(callee.expression);
  return false;
}

/** The title literal of a test call as written: a string's value, a template literal's source text between the backticks. */
function titleOf(arg: ts.Expression | undefined, source: ts.SourceFile): string | undefined {
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return arg.getText(source).slice(1, -1);
  return undefined;
}

const titleCache = new Map<string, string[]>();
/** Every title passed to it(...) / test(...) in a test file. */
function testTitles(file: string): string[] {
  let titles = titleCache.get(file);
  if (titles) return titles;
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && isTestCallee(node.expression)) {
      const title = titleOf(node.arguments[0], source);
      // it.each(table) is itself a call rooted at `it` whose first argument is no title; its caller carries it.
      if (title !== undefined) found.push(title);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  titleCache.set(file, (titles = found));
  return titles;
}

/** The bold lead-ins ("**Exactly once, in order.**") of the bullets of README.md's "## Guarantees" section. */
function guaranteeLeadIns(readme: string): string[] {
  const section = /^## Guarantees\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => m[1]);
}

/** The first cell of every "| call | does |" row of README.md's "## API" section. */
function apiCalls(readme: string): string[] {
  const section = /^## API\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const table = /^\| call \| does \|\n\|[-|]+\|\n((?:\|.*\n)+)/m.exec(section)?.[1] ?? '';
  return table
    .trimEnd()
    .split('\n')
    .map((row) => /^\| (.+?) \| /.exec(row.replace(/\\\|/g, '\u0000'))?.[1].replace(/\u0000/g, '\\|') ?? row);
}

const list = read('test/README.md');
const { entries, malformed, sections } = parseList(list);
const readme = read('README.md');

describe('test/README.md: every promise of README.md points to the test that proves it', () => {
  it('the guarantees list is well-formed and not empty', () => {
    expect(malformed, 'lines of the guarantees list that are not "- <claim> — <file> › <title>"').toEqual([]);
    expect(entries.length).toBeGreaterThan(0);
  });

  it('every test the guarantees list names exists, with that exact title', () => {
    const problems: string[] = [];
    for (const e of entries) {
      const where = `test/README.md:${e.line} (${e.claim})`;
      if (!existsSync(join(root, e.file))) problems.push(`${where}: ${e.file} does not exist`);
      else if (!testTitles(e.file).includes(e.title)) problems.push(`${where}: ${e.file} has no it()/test() titled '${e.title}'`);
    }
    expect(problems).toEqual([]);
  });

  it('the title reader finds titles in it/test calls only, not in comments or other strings', () => {
    // This file's own titles: plain it(...) inside describe(...).
    expect(testTitles('test/guarantees.test.ts')).toContain('every test the guarantees list names exists, with that exact title');
    // it('a title that only appears in a comment')
    expect(testTitles('test/guarantees.test.ts')).not.toContain('a title that only appears in a comment');
    // Template-literal, it.each(...)(...) and test.each(...)(...) titles, as written in the source.
    expect(testTitles('test/queue/faults.threads.test.ts')).toContain(
      '${KILLS} kills of producers and consumers (terminate, process.exit, uncaught throw): nothing pushed is lost but what a dying consumer held',
    );
    expect(testTitles('test/queue/inplace.test.ts')).toContain('the rest of the take comes first from the next %s, before newer messages');
    expect(testTitles('test/queue/faults.threads.test.ts')).not.toContain('Whether worker.terminate() stops a thread that is busy in JavaScript.');
  });

  it('every README "Guarantees" bullet has a section in the guarantees list (a "### " heading that is its bold lead-in)', () => {
    const leadIns = guaranteeLeadIns(readme);
    expect(leadIns.length).toBeGreaterThan(0);
    expect(leadIns.filter((l) => !sections.includes(l)), 'README guarantees without a section in test/README.md').toEqual([]);
  });

  it('every row of the README API table has a section in the guarantees list (a "### " heading that is its call cell)', () => {
    const calls = apiCalls(readme);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !sections.includes(c)), 'README API rows without a section in test/README.md').toEqual([]);
  });
});
