// Checks the API reference that TypeDoc wrote (run after `typedoc`):
//
// (a) every entry point package.json "exports" publishes is in the
//     reference, and every top-level export of each (wasmq, wasmq/pool) has
//     a doc comment and an @example with a ```ts block;
// (b) every ```ts block of every @example anywhere in the reference
//     type-checks against the built package: each is written as its own file
//     under .cache/doc-examples/ (inside the repo, so `import ... from 'wasmq'`
//     resolves to dist/ through package.json's "exports" self-reference) and
//     compiled with the TypeScript compiler API (strict, NodeNext, ES2023 +
//     DOM, node types), as a user of the published package would;
// (c) prints a summary line.
//
// Exits 1 naming each offender (the export, and for a failing example its
// file and the compiler's error). Usage: node scripts/check-docs.mjs [api.json]
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsonPath = resolve(root, process.argv[2] ?? 'docs/api/api.json');
const examplesDir = join(root, '.cache', 'doc-examples');

if (!existsSync(jsonPath)) fail([`${relative(root, jsonPath)} not found: run typedoc first (npm run docs)`]);
if (!existsSync(join(root, 'dist', 'index.d.ts'))) fail(['dist/ is not built: run node scripts/build.mjs first (npm run docs)']);

const project = JSON.parse(readFileSync(jsonPath, 'utf8'));
const KIND_MODULE = 2;
const modules = project.kind === KIND_MODULE ? [project] : (project.children ?? []).filter((c) => c.kind === KIND_MODULE);
if (modules.length === 0) fail([`${relative(root, jsonPath)} has no entry-point modules`]);

// ------------------------------------------------------------ comments

/** The comments that document a reflection: its own, and its signatures' (functions, accessors). */
function commentsOf(reflection) {
  const comments = [];
  if (reflection.comment) comments.push(reflection.comment);
  for (const sig of reflection.signatures ?? []) if (sig.comment) comments.push(sig.comment);
  for (const key of ['getSignature', 'setSignature']) if (reflection[key]?.comment) comments.push(reflection[key].comment);
  return comments;
}

const textOf = (parts) => (parts ?? []).map((p) => p.text).join('');

/** Every ```ts block of every @example in `comment`. */
function tsBlocksOf(comment) {
  const blocks = [];
  for (const tag of comment.blockTags ?? []) {
    if (tag.tag !== '@example') continue;
    for (const m of textOf(tag.content).matchAll(/```ts\r?\n([\s\S]*?)```/g)) blocks.push(m[1]);
  }
  return blocks;
}

const hasExampleTag = (comments) => comments.some((c) => (c.blockTags ?? []).some((t) => t.tag === '@example'));

/** Every reflection under `reflection` (itself included), with a dotted path for messages. */
function* walk(reflection, path) {
  yield [reflection, path];
  const nested = [
    ...(reflection.children ?? []),
    ...(reflection.signatures ?? []),
    ...(reflection.getSignature ? [reflection.getSignature] : []),
    ...(reflection.setSignature ? [reflection.setSignature] : []),
    ...(reflection.type?.declaration ? [reflection.type.declaration] : []),
  ];
  for (const child of nested) {
    const isSignature = child.kind >= 4096 && child.kind <= 524288; // call/construct/index/get/set signatures
    yield* walk(child, isSignature || child.name === '__type' ? path : `${path}.${child.name}`);
  }
}

// ------------------------------------------------------------ (a) exports

const problems = [];

// Every entry point package.json publishes is in the reference (an entry
// added to "exports" but not to typedoc.json's entryPoints fails here).
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const published = Object.keys(pkg.exports)
  .filter((entry) => entry !== './package.json')
  .map((entry) => (entry === '.' ? pkg.name : `${pkg.name}/${entry.replace(/^\.\//, '')}`));
for (const name of published) {
  if (!modules.some((m) => m.name === name)) problems.push(`${name}: published in package.json "exports" but not in the reference (typedoc.json entryPoints, @module ${name})`);
}
const examples = []; // { file, source, exportName }
let exportCount = 0;
let documented = 0;
let withExamples = 0;
const perModule = [];

rmSync(examplesDir, { recursive: true, force: true });
mkdirSync(examplesDir, { recursive: true });

for (const mod of modules) {
  let modDocumented = 0;
  let modExamples = 0;
  const exports = mod.children ?? [];
  for (const exp of exports) {
    const exportName = `${mod.name}.${exp.name}`;
    exportCount++;
    const comments = commentsOf(exp);
    if (comments.some((c) => textOf(c.summary).trim() !== '')) {
      documented++;
      modDocumented++;
    } else {
      problems.push(`${exportName}: no doc comment`);
    }
    const ownBlocks = comments.flatMap(tsBlocksOf);
    if (ownBlocks.length > 0) {
      withExamples++;
      modExamples++;
    } else if (hasExampleTag(comments)) {
      problems.push(`${exportName}: its @example has no \`\`\`ts block`);
    } else {
      problems.push(`${exportName}: no @example`);
    }
    // (b) every @example under this export, its members' included.
    const seen = new Set();
    for (const [reflection, path] of walk(exp, exportName)) {
      for (const comment of reflection.comment ? [reflection.comment] : []) {
        if (seen.has(comment)) continue;
        seen.add(comment);
        for (const source of tsBlocksOf(comment)) {
          const n = examples.filter((e) => e.path === path).length + 1;
          const file = join(examplesDir, `${path.replace(/[^A-Za-z0-9.]+/g, '_')}.${n}.ts`);
          examples.push({ file, source, exportName, path });
        }
      }
    }
  }
  perModule.push(`${mod.name}: ${exports.length} exports, ${modDocumented} documented, ${modExamples} with examples`);
}

// ------------------------------------------------------------ (b) type-check the examples

for (const { file, source } of examples) {
  // Every example is a module of its own, so their top-level names never clash.
  writeFileSync(file, `${source}\nexport {};\n`);
}

const { options, errors: optionErrors } = ts.convertCompilerOptionsFromJson(
  {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  },
  root,
);
if (optionErrors.length > 0) fail(optionErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')));

const program = ts.createProgram(examples.map((e) => e.file), options);
const byFile = new Map(examples.map((e) => [resolve(e.file), e]));
let failedExamples = 0;
const failedFiles = new Set();
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  const example = d.file ? byFile.get(resolve(d.file.fileName)) : undefined;
  if (!d.file || !example) {
    problems.push(`example type-check: ${d.file ? `${relative(root, d.file.fileName)}: ` : ''}${message}`);
    continue;
  }
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const code = d.file.text.split('\n')[line] ?? '';
  if (!failedFiles.has(example.file)) failedExamples++;
  failedFiles.add(example.file);
  problems.push(
    `${relative(root, example.file)}:${line + 1}:${character + 1} (@example of ${example.path}): ` +
      `TS${d.code}: ${message}\n    ${code.trim()}`,
  );
}

// ------------------------------------------------------------ (c) report

for (const line of perModule) console.log(`docs: ${line}`);
if (problems.length > 0) {
  fail(problems, failedExamples > 0 ? `${failedExamples} of ${examples.length} examples failed to type-check` : undefined);
}
console.log(
  `docs: ${documented} exports documented, ${withExamples} with examples, ${examples.length} examples type-checked`,
);

function fail(lines, extra) {
  for (const line of lines) console.error(`docs: ${line}`);
  if (extra) console.error(`docs: ${extra}`);
  console.error(`docs: FAILED (${lines.length} problem${lines.length === 1 ? '' : 's'})`);
  process.exit(1);
}
