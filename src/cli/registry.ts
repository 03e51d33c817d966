// `lockstep registry …`: read and move a model registry from the command line, over the library's own
// `ModelRegistry` (a directory through lockstep/registry/fs, a PostgreSQL database through
// lockstep/registry/sql and `pg`). Nothing here decides anything the library does not: `--json` prints the
// library's objects as they are, and every rule (names, refs, compare-and-set) is the library's.
//
// Exit codes: 0 done; 1 the registry's state refused the change (a `CONFLICT`: a compare-and-set lost, or a
// writer's lock stayed busy), so a pipeline can re-read and retry, like a check that failed; 2 anything else
// (usage, a bad ref, no such model or alias, an unreachable registry). Every error is one line on stderr
// (common.ts's formatError), the stack only with `--debug`.
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { isLockstepError } from '../core/errors.js';
import type { SqlPool } from '../core/sql.js';
import type { HistoryEvent, ModelInfo, ModelRegistry, ModelVersion } from '../registry/types.js';
import {
  CliError,
  type CommandSpec,
  EXIT,
  formatError,
  formatTable,
  type ParsedCommand,
  parseCommand,
  printHelp,
  type Styles,
  stringFlag,
  styles,
} from './common.js';
import type { CliIO } from './main.js';

const registryOption = {
  registry: {
    type: 'string',
    description:
      'the registry: a directory, or postgres://user:password@host:port/database (default: env LOCKSTEP_REGISTRY)',
  },
} as const;

const changeOptions = {
  actor: {
    type: 'string',
    description:
      'who makes the change, recorded in the history (default: env LOCKSTEP_ACTOR, else the OS user)',
  },
  reason: { type: 'string', description: 'why, recorded in the history' },
} as const;

/** What a subcommand's body gets: the open registry, the parsed flags, where to write. */
interface Context {
  readonly registry: ModelRegistry;
  readonly parsed: ParsedCommand;
  readonly io: CliIO;
  readonly s: Styles;
}

interface Subcommand {
  readonly summary: string;
  readonly spec: CommandSpec;
  readonly run: (ctx: Context) => Promise<number>;
}

const subcommands: Readonly<Record<string, Subcommand>> = {
  ls: {
    summary: 'the models, each with its latest version and aliases',
    spec: {
      name: 'registry ls',
      usage: '[options]',
      description: 'Lists every model with its latest version, its aliases and when it was created.',
      options: { ...registryOption },
      examples: [
        'lockstep registry ls --registry ./registry',
        'lockstep registry ls --registry postgres://ci@db:5432/models --json',
      ],
    },
    async run({ registry, parsed, io }) {
      const models: ModelInfo[] = [];
      for (const name of await registry.listModels()) models.push(await registry.getModel(name));
      if (parsed.json) return printJson(io, models);
      if (models.length === 0) {
        io.stdout.write('no models\n');
        return EXIT.OK;
      }
      const rows = models.map((m) => [
        m.name,
        m.latestVersion === 0 ? '-' : String(m.latestVersion),
        aliasList(m.aliases) || '-',
        m.createdAt,
      ]);
      io.stdout.write(`${formatTable(['model', 'latest', 'aliases', 'created'], rows)}\n`);
      return EXIT.OK;
    },
  },
  show: {
    summary: 'one version: status, lineage, metrics, tags, artifacts',
    spec: {
      name: 'registry show',
      usage: '<ref> [options]',
      description:
        "Shows the version a ref names (flights/3, flights@champion, flights@latest): its status, who registered it and when, its aliases, lineage, metrics, tags, and artifacts with their sizes and SHA-256. --json prints the version as the library's resolve(ref) returns it.",
      options: { ...registryOption },
      examples: [
        'lockstep registry show flights@champion --registry ./registry',
        'lockstep registry show flights/3 --json | jq .metrics',
      ],
      positionals: { min: 1, max: 1, names: '<ref>' },
    },
    async run({ registry, parsed, io, s }) {
      const version = await registry.resolve(parsed.positionals[0]!);
      if (parsed.json) return printJson(io, version);
      const model = await registry.getModel(version.name);
      const aliases = Object.keys(model.aliases)
        .filter((a) => model.aliases[a] === version.version)
        .sort();
      io.stdout.write(describeVersion(version, aliases, s));
      return EXIT.OK;
    },
  },
  history: {
    summary: "a model's history: registrations, alias moves, status and tag changes",
    spec: {
      name: 'registry history',
      usage: '<name> [options]',
      description:
        "Lists every change to a model, oldest first: registrations, alias moves and rollbacks, status and tag changes, artifacts added, denied writes; each with its time, actor and reason. --json prints the library's history(name) events.",
      options: { ...registryOption },
      examples: [
        'lockstep registry history flights --registry ./registry',
        'lockstep registry history flights --json | jq \'.[] | select(.type == "alias.set")\'',
      ],
      positionals: { min: 1, max: 1, names: '<name>' },
    },
    async run({ registry, parsed, io }) {
      const events = await registry.history(parsed.positionals[0]!);
      if (parsed.json) return printJson(io, events);
      const rows = events.map((e) => [
        String(e.index),
        e.at,
        e.actor ?? '-',
        describeEvent(e),
        e.reason ?? '',
      ]);
      io.stdout.write(`${formatTable(['#', 'at', 'actor', 'event', 'reason'], rows)}\n`);
      return EXIT.OK;
    },
  },
  alias: {
    summary: 'point an alias at a version (compare-and-set with --expected)',
    spec: {
      name: 'registry alias',
      usage: '<name> <alias> <version> [options]',
      description:
        "Points an alias at a version. With --expected the move is a compare-and-set: it happens only if the alias points at that version now ('none': the alias must not be set yet); else nothing changes and the exit code is 1, so of two deployers who read the same state exactly one wins. --json prints the model as the library's setAlias returns it.",
      options: {
        expected: { type: 'string', description: "the version the alias must point at now, or 'none'" },
        ...changeOptions,
        ...registryOption,
      },
      examples: [
        'lockstep registry alias flights champion 4 --expected 3 --reason "gate passed" --registry ./registry',
      ],
      positionals: { min: 3, max: 3, names: '<name> <alias> <version>' },
    },
    async run({ registry, parsed, io, s }) {
      const [name, alias, version] = parsed.positionals as [string, string, string];
      const to = versionNumber(version, '<version>');
      const expectedFlag = stringFlag(parsed, 'expected');
      const expected =
        expectedFlag === undefined
          ? undefined
          : expectedFlag === 'none'
            ? null
            : versionNumber(expectedFlag, '--expected');
      const model = await registry.setAlias(name, alias, to, {
        ...(expected === undefined ? {} : { expected }),
        ...who(parsed, io.env),
      });
      if (parsed.json) return printJson(io, model);
      io.stdout.write(`${s.bold(`${model.name}@${alias}`)} -> ${s.green(String(model.aliases[alias]))}\n`);
      return EXIT.OK;
    },
  },
  rollback: {
    summary: 'move an alias back to the version it held before its last move',
    spec: {
      name: 'registry rollback',
      usage: '<name> <alias> [options]',
      description:
        "Moves an alias back to the version it held before its last move (run it again to walk further back). An alias with no earlier version is an error (exit 2). --json prints the model as the library's rollback returns it.",
      options: { ...changeOptions, ...registryOption },
      examples: [
        'lockstep registry rollback flights champion --reason "p99 latency alert" --registry ./registry',
      ],
      positionals: { min: 2, max: 2, names: '<name> <alias>' },
    },
    async run({ registry, parsed, io, s }) {
      const [name, alias] = parsed.positionals as [string, string];
      const model = await registry.rollback(name, alias, who(parsed, io.env));
      if (parsed.json) return printJson(io, model);
      io.stdout.write(
        `${s.bold(`${model.name}@${alias}`)} -> ${s.green(String(model.aliases[alias]))} (rolled back)\n`,
      );
      return EXIT.OK;
    },
  },
};

function topHelp(): string {
  const names = Object.keys(subcommands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: lockstep registry <command> [options]',
    '',
    'Reads and moves a model registry: a directory (lockstep/registry/fs) or a PostgreSQL database',
    '(lockstep/registry/sql through pg), named by --registry or the env LOCKSTEP_REGISTRY.',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${subcommands[n]!.summary}`),
    '',
    "Exit codes: 0 done; 1 a compare-and-set lost or a writer's lock stayed busy (CONFLICT: re-read and",
    'retry); 2 a usage error, a bad or unknown ref, an unreachable registry.',
    "Run `lockstep registry <command> --help` for a command's options.",
    '',
    'example:',
    '  lockstep registry ls --registry ./registry',
    '  LOCKSTEP_REGISTRY=./registry lockstep registry show flights@champion',
    '',
  ].join('\n');
}

/**
 * Runs `lockstep registry <command> …` (the arguments after `registry`) and resolves with the exit code: 0
 * done, 1 a `CONFLICT` (a compare-and-set lost, a lock stayed busy), 2 any other error. Never throws: an
 * error is one line on stderr, `lockstep registry <command>: <message>`, the stack only with `--debug`.
 */
export async function registryCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(topHelp());
    return EXIT.ERROR;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topHelp());
    return EXIT.OK;
  }
  const sub = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (sub === undefined) {
    const error = new CliError(
      `unknown command ${JSON.stringify(name)}; commands: ${Object.keys(subcommands).join(', ')}`,
    );
    io.stderr.write(`${formatError('registry', error, io)}\n`);
    return EXIT.ERROR;
  }
  let pool: { end(): Promise<void> } | undefined;
  let target: string | undefined;
  try {
    const parsed = parseCommand(sub.spec, rest);
    if (parsed.help) {
      printHelp(io, sub.spec);
      return EXIT.OK;
    }
    target = stringFlag(parsed, 'registry') ?? io.env.LOCKSTEP_REGISTRY;
    const opened = await openRegistry(target, io);
    pool = opened.pool;
    return await sub.run({ registry: opened.registry, parsed, io, s: styles(io.stdout, io.env) });
  } catch (error) {
    io.stderr.write(`${hidePassword(formatError(sub.spec.name, error, io), target)}\n`);
    if (rest.includes('--debug') && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return isLockstepError(error) && error.code === 'CONFLICT' ? EXIT.FAILED : EXIT.ERROR;
  } finally {
    await pool?.end().catch(() => undefined);
  }
}

/**
 * The error line with a database URL's password replaced by `***`, should a driver ever echo the URL or the
 * password (pg does not today). A password shorter than 6 characters is replaced only inside the URL, so
 * that ordinary words of the message survive.
 */
function hidePassword(line: string, target: string | undefined): string {
  const password = target?.match(/^postgres(?:ql)?:\/\/[^:/@]*:([^@/]+)@/i)?.[1];
  if (target === undefined || password === undefined) return line;
  let out = line.replaceAll(target, target.replace(`:${password}@`, ':***@'));
  for (const p of new Set([password, safeDecode(password)]))
    if (p.length >= 6) out = out.replaceAll(p, '***');
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function printJson(io: CliIO, value: unknown): number {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.OK;
}

/** A version number argument: a positive integer, written as digits. */
function versionNumber(text: string, what: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) {
    throw new CliError(`${what} must be a version number (1, 2, 3, …), got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** `--actor` (else env LOCKSTEP_ACTOR, else the OS user) and `--reason`, as the library's ChangeOptions. */
function who(parsed: ParsedCommand, env: CliIO['env']): { actor?: string; reason?: string } {
  let actor = stringFlag(parsed, 'actor') ?? (env.LOCKSTEP_ACTOR || undefined);
  if (actor === undefined) {
    try {
      actor = userInfo().username;
    } catch {
      // No user name for this uid (a container's arbitrary uid): the change is recorded without an actor.
    }
  }
  const reason = stringFlag(parsed, 'reason');
  return { ...(actor ? { actor } : {}), ...(reason === undefined ? {} : { reason }) };
}

/**
 * Opens the registry `target` names: a `postgres://` or `postgresql://` URL through a `pg` pool (closed by the
 * caller), anything else as a directory, which must exist (a mistyped path is an error, not an empty
 * registry). A database's tables are created on the first call, as the library does for any caller.
 */
async function openRegistry(
  target: string | undefined,
  io: CliIO,
): Promise<{ registry: ModelRegistry; pool?: { end(): Promise<void> } }> {
  if (target === undefined || target === '') {
    throw new CliError('no registry: give --registry <dir|postgres://…> or set LOCKSTEP_REGISTRY');
  }
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { createSqlRegistry } = await import('../registry/sql/index.js');
    const Pool = await loadPgPool();
    const pool = new Pool({ connectionString: target, max: 2, connectionTimeoutMillis: 10_000 });
    // pg's advice for every pool: an idle connection the server ends is an 'error' event, not a crash.
    pool.on('error', () => {});
    return { registry: createSqlRegistry({ pool }), pool };
  }
  const dir = resolvePath(io.cwd, target);
  if (!existsSync(dir)) throw new CliError(`no registry directory ${JSON.stringify(dir)}`);
  if (!statSync(dir).isDirectory()) throw new CliError(`${JSON.stringify(dir)} is not a directory`);
  const { createFsRegistry } = await import('../registry/fs/index.js');
  return { registry: createFsRegistry({ dir }) };
}

interface PgPool extends SqlPool {
  on(event: 'error', listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}

/**
 * `pg`'s Pool, loaded only for a PostgreSQL URL: `pg` is the user's driver (an optional peer dependency;
 * lockstep/registry/sql imports none), external to dist/cli.js.
 */
async function loadPgPool(): Promise<new (config: object) => PgPool> {
  let mod: { Pool?: unknown; default?: { Pool?: unknown } };
  try {
    mod = (await import('pg')) as typeof mod;
  } catch {
    throw new CliError("a PostgreSQL registry needs the 'pg' package: npm install pg");
  }
  const Pool = mod.Pool ?? mod.default?.Pool; // pg is CommonJS: its exports may sit on `default`
  if (typeof Pool !== 'function') throw new CliError("the 'pg' package found has no Pool");
  return Pool as new (
    config: object,
  ) => PgPool;
}

/** "canary=4, champion=3", in alias order. */
function aliasList(aliases: Readonly<Record<string, number>>): string {
  return Object.keys(aliases)
    .sort()
    .map((a) => `${a}=${aliases[a]}`)
    .join(', ');
}

/** One history event in words (plain text: table cells are not coloured, so columns stay aligned). */
function describeEvent(e: HistoryEvent): string {
  switch (e.type) {
    case 'model.created':
      return 'model created';
    case 'version.registered':
      return `registered /${e.version}`;
    case 'artifacts.added':
      return `artifacts added to /${e.version}: ${e.artifacts.join(', ')}`;
    case 'alias.set':
      return `@${e.alias} ${e.from ?? 'unset'} -> ${e.to}`;
    case 'alias.deleted':
      return `@${e.alias} deleted (was ${e.from})`;
    case 'alias.rolledBack':
      return `@${e.alias} rolled back ${e.from} -> ${e.to}`;
    case 'status.changed':
      return `/${e.version} status ${e.from} -> ${e.to}`;
    case 'tags.changed': {
      const changes = [
        ...Object.entries(e.set).map(([k, v]) => `${k}=${v}`),
        ...e.removed.map((k) => `-${k}`),
      ];
      return `/${e.version} tags ${changes.join(', ')}`;
    }
    case 'write.denied':
      return `denied ${e.action} on ${e.ref}`;
    default:
      // An event type a later version of lockstep adds: shown by its type.
      return (e as { readonly type: string }).type;
  }
}

/** Bytes in binary units: 512 B, 1.5 KiB, 3.2 MiB. */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** The version as `show` prints it: a heading, then lineage, metrics, tags and an artifacts table. */
function describeVersion(v: ModelVersion, aliases: readonly string[], s: Styles): string {
  const status =
    v.status === 'approved' ? s.green(v.status) : v.status === 'rejected' ? s.red(v.status) : v.status;
  const lines = [
    `${s.bold(v.ref)}  ${status}${aliases.length > 0 ? `  ${aliases.map((a) => `@${a}`).join(' ')}` : ''}`,
    `created  ${v.createdAt}${v.actor === null ? '' : ` by ${v.actor}`} (sequence ${v.sequence})`,
  ];
  if (v.description !== null) lines.push(`about    ${v.description}`);
  const section = (title: string, entries: readonly (readonly [string, string])[]) => {
    if (entries.length === 0) return;
    const width = Math.max(...entries.map(([k]) => k.length));
    lines.push('', s.bold(title), ...entries.map(([k, value]) => `  ${k.padEnd(width)}  ${value}`));
  };
  section(
    'lineage',
    Object.entries(v.lineage).map(([k, value]) => [
      k,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  section(
    'metrics',
    Object.keys(v.metrics)
      .sort()
      .map((k) => [k, String(v.metrics[k])]),
  );
  section(
    'tags',
    Object.keys(v.tags)
      .sort()
      .map((k) => [k, v.tags[k]!]),
  );
  const artifacts = Object.keys(v.artifacts).sort();
  lines.push('', s.bold('artifacts'));
  if (artifacts.length === 0) lines.push('  none');
  else {
    const rows = artifacts.map((a) => {
      const r = v.artifacts[a]!;
      return [a, formatBytes(r.size), r.sha256, r.kind ? `${r.kind} v${r.formatVersion}` : r.mediaType];
    });
    lines.push(
      ...formatTable(['name', 'size', 'sha256', 'type'], rows)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
