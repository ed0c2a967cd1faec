import { readFileSync } from 'node:fs';
import type { Redis } from '../db/redis.ts';

/**
 * The Lua scripts of the inventory: one file per atomic transition in `lua/`, named with its key count
 * (`hold-11+2n.lua`: 11 keys plus 2 per request of the batch). Files are read once per process; a line
 * `-- @include <name>` is replaced by `lua/include/<name>.lua` (shared helpers). Each script is registered on a
 * Redis client with `defineCommand` (EVALSHA, with EVAL as the NOSCRIPT fallback), under a name prefixed so it
 * cannot collide with other modules' commands.
 */
export const SCRIPT_FILES = {
  hold: 'hold-11+2n.lua',
  release: 'release-11.lua',
  expire: 'expire-11.lua',
  extend: 'extend-5.lua',
  confirm: 'confirm-10.lua',
  reclaim: 'reclaim-12.lua',
  returnItems: 'return-items-9.lua',
  block: 'block-6.lua',
  unblock: 'unblock-6.lua',
  setState: 'set-state-2.lua',
  loadCommit: 'load-commit-21.lua',
  bucketGive: 'bucket-give-4.lua',
  bucketTake: 'bucket-take-4.lua',
  bucketSettle: 'bucket-settle-4.lua',
  rollup: 'rollup-4.lua',
} as const;

export type ScriptName = keyof typeof SCRIPT_FILES;

interface ScriptSource {
  lua: string;
  /** Keys every call passes. */
  numberOfKeys: number;
  /** Keys each item of a batch adds (0: a fixed key count). */
  perItemKeys: number;
}

const LUA_DIR = new URL('./lua/', import.meta.url);
let sources: Record<ScriptName, ScriptSource> | null = null;

function readScript(file: string): string {
  const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
  return text.replace(/^-- @include ([a-z-]+)\s*$/gm, (_m, name: string) =>
    readFileSync(new URL(`include/${name}.lua`, LUA_DIR), 'utf8'),
  );
}

/** The scripts' sources with includes spliced (read once). */
export function scriptSources(): Record<ScriptName, ScriptSource> {
  if (sources) return sources;
  const out = {} as Record<ScriptName, ScriptSource>;
  for (const [name, file] of Object.entries(SCRIPT_FILES) as Array<[ScriptName, string]>) {
    const keys = /-(\d+)(?:\+(\d+)n)?\.lua$/.exec(file);
    if (!keys?.[1]) throw new Error(`script file ${file} does not end with its key count`);
    out[name] = { lua: readScript(file), numberOfKeys: Number(keys[1]), perItemKeys: Number(keys[2] ?? 0) };
  }
  sources = out;
  return out;
}

const commandName = (name: ScriptName) => `srInventory_${name}`;
const registered = new WeakSet<object>();

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

/** Registers the scripts on a client (once per client). */
export function registerScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const [name, src] of Object.entries(scriptSources()) as Array<[ScriptName, ScriptSource]>) {
    // A variable key count is passed with each call (ioredis then takes it as the first argument).
    redis.defineCommand(
      commandName(name),
      src.perItemKeys ? { lua: src.lua } : { lua: src.lua, numberOfKeys: src.numberOfKeys },
    );
  }
  registered.add(redis);
}

/** A raw script reply: Lua tables come back as (nested) arrays of strings and integers. */
export type Reply = Array<string | number | null | Reply>;

/** Runs a script on a client (registering the scripts first if needed). */
export async function runScript(
  redis: Redis,
  name: ScriptName,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<Reply> {
  registerScripts(redis);
  const src = scriptSources()[name];
  const extra = keys.length - src.numberOfKeys;
  if (extra < 0 || (src.perItemKeys ? extra % src.perItemKeys !== 0 : extra !== 0))
    throw new Error(`${name}: ${keys.length} keys given, the script takes ${src.numberOfKeys}`);
  const fn = (redis as unknown as Record<string, ScriptCall>)[commandName(name)];
  if (!fn) throw new Error(`script ${name} is not registered`);
  const reply = src.perItemKeys
    ? fn.call(redis, keys.length, ...keys, ...args)
    : fn.call(redis, ...keys, ...args);
  return (await reply) as Reply;
}
