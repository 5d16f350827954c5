// Installs the built package into a scratch project's node_modules the way
// npm would (package.json and the published `files`), so bundlers resolve
// `import 'wasmq'` through its `exports` exactly as they would for a user.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Copies package.json and the package's `files` into `<project>/node_modules/wasmq`,
 * and links its runtime `dependencies` next to it (as npm would install them).
 */
export function installPackageInto(project: string): void {
  if (!existsSync(join(repoRoot, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    files: string[];
    dependencies?: Record<string, string>;
  };
  const target = join(project, 'node_modules', 'wasmq');
  mkdirSync(target, { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(target, 'package.json'));
  for (const entry of pkg.files) {
    if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(target, entry), { recursive: true });
  }
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), link, 'dir');
  }
}
