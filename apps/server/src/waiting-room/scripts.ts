import { readFileSync } from 'node:fs';
import type { Redis } from '../db/redis.ts';

/**
 * The waiting room's Lua scripts, one file per transition in `lua/`, named with their key count, read once and
 * registered with `defineCommand` (EVALSHA with EVAL as the NOSCRIPT fallback) under `srRoom_<name>`.
 */
export const ROOM_SCRIPT_FILES = {
  join: 'join-3.lua',
  admit: 'admit-3.lua',
  admitList: 'admit-list-3.lua',
  control: 'control-1.lua',
} as const;

export type RoomScript = keyof typeof ROOM_SCRIPT_FILES;

const LUA_DIR = new URL('./lua/', import.meta.url);
let sources: Record<RoomScript, { lua: string; numberOfKeys: number }> | null = null;

export function roomScriptSources(): Record<RoomScript, { lua: string; numberOfKeys: number }> {
  if (sources) return sources;
  const out = {} as Record<RoomScript, { lua: string; numberOfKeys: number }>;
  for (const [name, file] of Object.entries(ROOM_SCRIPT_FILES) as Array<[RoomScript, string]>) {
    const n = /-(\d+)\.lua$/.exec(file)?.[1];
    if (!n) throw new Error(`script file ${file} does not end with its key count`);
    out[name] = { lua: readFileSync(new URL(file, LUA_DIR), 'utf8'), numberOfKeys: Number(n) };
  }
  sources = out;
  return out;
}

const registered = new WeakSet<object>();
type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

export type RoomReply = Array<string | number | null> | number;

/** Registers the scripts on a client (once per client; pipelines of that client get them too). */
export function registerRoomScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const [n, src] of Object.entries(roomScriptSources()) as Array<
    [RoomScript, { lua: string; numberOfKeys: number }]
  >)
    redis.defineCommand(`srRoom_${n}`, src);
  registered.add(redis);
}

/** Runs a room script (registering them on this client first if needed). */
export async function runRoomScript(
  redis: Redis,
  name: RoomScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<RoomReply> {
  registerRoomScripts(redis);
  const src = roomScriptSources()[name];
  if (keys.length !== src.numberOfKeys)
    throw new Error(`${name}: ${keys.length} keys given, the script takes ${src.numberOfKeys}`);
  const fn = (redis as unknown as Record<string, ScriptCall>)[`srRoom_${name}`]!;
  return (await fn.call(redis, ...keys, ...args)) as RoomReply;
}
