// The workspace's packages form a graph without cycles, and every import of a workspace package is
// one its importer declares: no package depends on its sibling and back (issue 20). Read from the
// package.json files and the sources themselves, so a new import cannot slip past the declarations.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

interface WorkspacePackage {
  name: string;
  directory: string;
  declared: Set<string>;
  /** Workspace packages imported, by subpath, and whether from production code or tests only. */
  imports: Array<{ file: string; specifier: string; target: string; inTest: boolean }>;
}

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', '.cache', 'public']);
// `from '…'`, `import '…'`, `import('…')` and `export … from '…'`.
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](@baketsu\/[^'"]+)['"]/g;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

const isTestFile = (relative: string) => /(^|\/)(test|testing)\//.test(relative) || /\.(test|int\.test|e2e\.test|contract)\.ts$/.test(relative);

function readWorkspace(): WorkspacePackage[] {
  const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return rootManifest.workspaces.map((workspace) => {
    const directory = path.join(root, workspace);
    const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies }));
    const imports = sourceFiles(directory).flatMap((file) => {
      const relative = path.relative(directory, file);
      return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => {
        const specifier = match[1]!;
        const target = specifier.split('/').slice(0, 2).join('/');
        return { file: relative, specifier, target, inTest: isTestFile(relative) };
      });
    });
    return { name: manifest.name, directory: workspace, declared, imports };
  });
}

const workspace = readWorkspace();
const names = new Set(workspace.map((pkg) => pkg.name));

/** Edges name → workspace packages it declares (dependencies, devDependencies, peers alike). */
function declaredEdges(): Map<string, string[]> {
  return new Map(workspace.map((pkg) => [pkg.name, [...pkg.declared].filter((dependency) => names.has(dependency))]));
}

/** Every cycle's path (a → … → a) found by depth-first search; empty when the graph is acyclic. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.push([...trail.slice(trail.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return found;
}

describe('workspace dependency graph', () => {
  test('the workspace has the shared kernel and the services it was split from', () => {
    expect([...names]).toEqual(
      expect.arrayContaining(['@baketsu/platform', '@baketsu/contract', '@baketsu/billing-core', '@baketsu/billing', '@baketsu/api', '@baketsu/metering']),
    );
  });

  test('no package depends on another that depends back on it, directly or through others', () => {
    expect(cycles(declaredEdges())).toEqual([]);
  });

  test('every workspace package a source file imports is declared in its package.json', () => {
    const undeclared = workspace.flatMap((pkg) =>
      pkg.imports
        .filter(({ target }) => names.has(target) && target !== pkg.name && !pkg.declared.has(target))
        .map(({ file, specifier }) => `${pkg.directory}/${file} imports ${specifier}, not in ${pkg.name}'s dependencies`),
    );
    expect(undeclared).toEqual([]);
  });

  test('metering knows nothing of the API, and the API reads metering only through its read model', () => {
    const metering = workspace.find((pkg) => pkg.name === '@baketsu/metering')!;
    expect(metering.declared.has('@baketsu/api')).toBe(false);
    expect(metering.imports.filter(({ target }) => target === '@baketsu/api')).toEqual([]);
    const api = workspace.find((pkg) => pkg.name === '@baketsu/api')!;
    // Tests may drive metering's embedded fold to produce usage; the service's own code may not.
    const reachingPastTheReadModel = api.imports.filter(
      ({ target, specifier, inTest }) => target === '@baketsu/metering' && specifier !== '@baketsu/metering/read-model' && !inTest,
    );
    expect(reachingPastTheReadModel).toEqual([]);
  });

  test('the cycle check finds a cycle when there is one', () => {
    const edges = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
