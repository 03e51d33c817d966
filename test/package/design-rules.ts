// The import rules of /work/shared/DESIGN.md ("Modules and subpath exports" and the rules under it), as data
// and one checker. test/package/design-rules.test.ts runs the checker over src/ and over synthetic files
// that break each rule, so a broken rule fails with the file, the line and the import.
//
// What counts as an import: `import … from`, `import '…'`, `export … from`, `import x = require(…)`,
// `require(…)`, dynamic `import(…)` and type-level `import('…').T`. Every one of them counts for the
// direction between our modules (a type-only import still ties two modules together). Only the package
// rules look at whether an import is type-only, and only `import type …` / `export type … from` /
// `import('…').T` are: `import { type A } from 'x'` keeps `import 'x'` under verbatimModuleSyntax, so it runs.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

/**
 * Which of our modules each module may import, copied from the "may import" column of DESIGN.md's module
 * table (keep the two in step). A module imports its own files freely. Modules listed here that do not
 * exist yet are checked as soon as a file of theirs appears; a directory under src/ that is not listed
 * here fails until it is added (to DESIGN.md first).
 *
 * `root` is src/index.ts, which re-exports the browser-safe modules: not the Node-only ones, and not the
 * adapters whose run-time imports are optional peer dependencies (arrow, tfjs), so `import 'lockstep'`
 * needs neither installed.
 */
export const MAY_IMPORT = {
  core: [],
  split: ['core'],
  stats: ['core'],
  'stats/workers': ['stats', 'core'],
  schema: ['core', 'stats'],
  drift: ['core', 'stats', 'schema'],
  transform: ['core', 'stats', 'schema'],
  evaluate: ['core'],
  registry: ['core'],
  'registry/fs': ['registry', 'core'],
  'registry/sql': ['registry', 'core'],
  router: ['core'],
  monitor: ['core', 'stats', 'schema', 'drift'],
  report: ['core'],
  arrow: ['core'],
  tfjs: ['transform', 'registry', 'evaluate', 'drift', 'schema', 'core'],
  cli: 'every module',
  root: [
    'core',
    'split',
    'stats',
    'schema',
    'drift',
    'transform',
    'evaluate',
    'registry',
    'registry/sql',
    'router',
    'monitor',
    'report',
  ],
} as const satisfies Record<string, readonly string[] | 'every module'>;

export type ModuleName = keyof typeof MAY_IMPORT;
export type ImportTable = Readonly<Record<string, readonly string[] | 'every module'>>;

/** Modules that run only in Node, so they may import `node:*` built-ins (as may any file named `*.node.ts`). */
export const NODE_ONLY: readonly string[] = ['stats/workers', 'registry/fs', 'cli'];

/**
 * Packages only one module may import. `typeOnlyElsewhere`: other modules may still `import type` from the
 * package (erased from the build), as core describes Arrow tables by type without importing apache-arrow.
 */
export const PACKAGE_OWNERS: readonly {
  readonly name: string;
  readonly matches: (specifier: string) => boolean;
  readonly owner: string;
  readonly typeOnlyElsewhere: boolean;
}[] = [
  {
    name: '@tensorflow/*',
    matches: (s) => s.startsWith('@tensorflow/'),
    owner: 'tfjs',
    typeOnlyElsewhere: false,
  },
  {
    name: 'apache-arrow',
    matches: (s) => s === 'apache-arrow' || s.startsWith('apache-arrow/'),
    owner: 'arrow',
    typeOnlyElsewhere: true,
  },
];

/** One import found in a source file. */
export interface FoundImport {
  readonly specifier: string;
  readonly line: number;
  readonly typeOnly: boolean;
  readonly kind: 'import' | 'export' | 'dynamic import' | 'require' | 'import type node';
}

/** A source file: its path from the repository root (`src/split/assign.ts`) and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Every import of one TypeScript file, found through the compiler's parser (comments and strings ignored). */
export function findImports(path: string, text: string): FoundImport[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: FoundImport[] = [];
  const add = (node: ts.Node, specifier: string, kind: FoundImport['kind'], typeOnly: boolean) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    found.push({ specifier, line, typeOnly, kind });
  };
  const literal = (node: ts.Node | undefined): string | undefined =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, literal(node.moduleSpecifier)!, 'import', node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, literal(node.moduleSpecifier)!, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, literal(node.moduleReference.expression) ?? '<computed>', 'require', node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : undefined;
      add(node, spec ?? '<computed>', 'import type node', true);
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) {
        add(node, literal(node.arguments[0]) ?? '<computed>', isImport ? 'dynamic import' : 'require', false);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The module a path under src/ belongs to (`src/stats/workers/x.ts` → `stats/workers`), or undefined. */
export function moduleOf(path: string, table: ImportTable = MAY_IMPORT): string | undefined {
  const normal = posix.normalize(path);
  if (!normal.startsWith('src/')) return undefined;
  const rest = normal.slice('src/'.length).split('/');
  if (rest.length === 1 && /^index(\.[cm]?[jt]s)?$/.test(rest[0]!)) return 'root';
  // The longest listed prefix wins: src/registry/fs/… is registry/fs, src/registry/memory.ts is registry
  // (a whole path counts too, for a directory import such as '../core').
  for (let n = rest.length; n >= 1; n -= 1) {
    const name = rest.slice(0, n).join('/');
    if (name !== 'root' && Object.hasOwn(table, name)) return name;
  }
  return undefined;
}

/** The module a `lockstep` or `lockstep/x` specifier names (a self-reference by package name). */
function moduleOfPackageSpecifier(specifier: string): string | undefined {
  if (specifier === 'lockstep') return 'root';
  return specifier.startsWith('lockstep/') ? specifier.slice('lockstep/'.length) : undefined;
}

const NODE_BUILTINS = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]!);
}

/** An import that breaks a rule, already worded for a failing test: file, line, import, rule. */
export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: string;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: '${v.specifier}': ${v.rule}`;
}

function allowedFor(module: string, table: ImportTable): readonly string[] {
  const allowed = table[module]!;
  return allowed === 'every module' ? Object.keys(table).filter((m) => m !== module) : allowed;
}

/**
 * Checks files against the table: the direction between our modules, the package owners, `node:*` only in
 * Node-only code, and no cycle between modules. Returns every violation (an empty list when all is well).
 */
export function checkDesignRules(
  files: readonly SourceFile[],
  table: ImportTable = MAY_IMPORT,
  nodeOnly: readonly string[] = NODE_ONLY,
): Violation[] {
  const violations: Violation[] = [];
  // module → imported module → the first import that makes the edge (to show where a cycle comes from).
  const edges = new Map<string, Map<string, { file: string; line: number; specifier: string }>>();
  for (const { path, text } of files) {
    const module = moduleOf(path, table);
    const imports = findImports(path, text);
    if (module === undefined) {
      violations.push({
        file: path,
        line: 1,
        specifier: path,
        rule: 'file belongs to no module of DESIGN.md (add the module to the table in test/package/design-rules.ts)',
      });
      continue;
    }
    const mayUseNode = nodeOnly.includes(module) || path.endsWith('.node.ts');
    for (const imp of imports) {
      const v = (rule: string) =>
        violations.push({ file: path, line: imp.line, specifier: imp.specifier, rule });
      if (imp.specifier === '<computed>') {
        v(`${imp.kind} with a computed specifier cannot be checked; use a string literal`);
        continue;
      }
      const relative = imp.specifier.startsWith('.');
      const target = relative
        ? moduleOf(posix.join(posix.dirname(path), imp.specifier), table)
        : moduleOfPackageSpecifier(imp.specifier);
      if (relative && target === undefined) {
        v('resolves outside every module of src/');
        continue;
      }
      if (target !== undefined) {
        if (!Object.hasOwn(table, target)) {
          v(`names '${target}', which is not a module of DESIGN.md`);
          continue;
        }
        if (target === module) continue;
        const allowed = allowedFor(module, table);
        if (!allowed.includes(target)) {
          const may = allowed.length === 0 ? 'no module of ours' : `only ${allowed.join(', ')}`;
          v(`${module} imports ${target}, but ${module} may import ${may} (DESIGN.md)`);
        }
        let out = edges.get(module);
        if (!out) edges.set(module, (out = new Map()));
        if (!out.has(target)) out.set(target, { file: path, line: imp.line, specifier: imp.specifier });
        continue;
      }
      if (isNodeBuiltin(imp.specifier) && !mayUseNode) {
        v(
          `a Node built-in in ${module}, which must run in a browser (Node-only: ${nodeOnly.join(', ')} and *.node.ts files)`,
        );
        continue;
      }
      for (const owner of PACKAGE_OWNERS) {
        if (!owner.matches(imp.specifier) || module === owner.owner) continue;
        if (owner.typeOnlyElsewhere && imp.typeOnly) continue;
        v(
          owner.typeOnlyElsewhere
            ? `only ${owner.owner} may import ${owner.name} at run time; elsewhere use \`import type\``
            : `only ${owner.owner} may import ${owner.name}`,
        );
      }
    }
  }
  for (const cycle of moduleCycles(edges)) {
    const first = edges.get(cycle[0]!)!.get(cycle[1]!)!;
    const path = cycle
      .slice(0, -1)
      .map((m, i) => {
        const e = edges.get(m)!.get(cycle[i + 1]!)!;
        return `${m} → ${cycle[i + 1]} (${e.file}:${e.line})`;
      })
      .join(', ');
    violations.push({ ...first, rule: `a cycle between modules: ${path}` });
  }
  return violations;
}

/** Each cycle of the module graph once, as [a, b, …, a], found by depth-first search. */
function moduleCycles(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (m: string) => {
    if (done.has(m)) return;
    if (seen.has(m)) {
      cycles.push([...stack.slice(stack.indexOf(m)), m]);
      return;
    }
    seen.add(m);
    stack.push(m);
    for (const next of [...(edges.get(m)?.keys() ?? [])].sort()) visit(next);
    stack.pop();
    done.add(m);
  };
  for (const m of [...edges.keys()].sort()) visit(m);
  return cycles;
}

/** Cycles in the table itself (what it allows), so the table cannot permit what the rules forbid. */
export function tableCycles(table: ImportTable = MAY_IMPORT): string[][] {
  const edges = new Map(
    Object.keys(table).map((m) => [m, new Map(allowedFor(m, table).map((t) => [t, true]))] as const),
  );
  return moduleCycles(edges);
}
