import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU of the server processes, read from /proc (Linux, same machine only). Processes are found by the ports they
 * listen on (the target's port, plus `--service-ports`, e.g. Redis and PostgreSQL), or given with `--pids`; each
 * found process brings its descendants (PostgreSQL's backends, a launcher's web and worker nodes). Found by port,
 * a Node process whose parent is also Node (the `npm start` launcher) brings its parent's whole tree, so the
 * worker node is counted with the web node.
 */

/** utime + stime of /proc/<pid>/stat, in clock ticks; the comm field may hold spaces and parentheses. */
export function parseStat(text: string): { ppid: number; ticks: number; comm: string } {
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // After the comm: state(0) ppid(1) … utime(11) stime(12).
  return { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** Socket inodes listening on `port` in /proc/net/tcp{,6} text (state 0A = LISTEN). */
export function listeningInodes(netTcp: string, port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return netTcp
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[1]!.endsWith(`:${hex}`) && f[3] === '0A')
    .map((f) => f[9]!);
}

const TICKS_PER_SECOND = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

export function pidsListeningOn(port: number): number[] {
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((p) => listeningInodes(read(p) ?? '', port)),
  );
  if (inodes.size === 0) return [];
  const out: number[] = [];
  for (const pid of allPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  ticks: number;
  comm: string;
  cmdline: string;
}

function snapshotAll(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const pid of allPids()) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const s = parseStat(stat);
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
    out.set(pid, { pid, ppid: s.ppid, ticks: s.ticks, comm: s.comm, cmdline });
  }
  return out;
}

/** A readable role from the command line. */
export function roleOf(comm: string, cmdline: string): string {
  if (/--role[ =]web/.test(cmdline)) return 'web';
  if (/--role[ =]worker/.test(cmdline)) return 'worker';
  if (/redis-server/.test(comm + cmdline)) return 'redis';
  if (/postgres|postmaster/.test(comm + cmdline)) return 'postgres';
  if (/main\.ts/.test(cmdline)) return 'server';
  if (/node|tsx/.test(comm)) return 'launcher';
  return comm;
}

/** The processes to watch: the roots and all their descendants. */
export function expandTree(roots: number[], procs: Map<number, ProcInfo>): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid) || !procs.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...seen].sort((a, b) => a - b);
}

export class CpuMeter {
  private start = new Map<number, number>();
  private startedAt = 0;
  private pids: number[] = [];
  constructor(readonly found: string) {}

  /** Finds the processes (by pids or ports) and takes the first reading. */
  static begin(o: { pids: number[]; ports: number[] }): CpuMeter | null {
    if (process.platform !== 'linux') return null;
    const procs = snapshotAll();
    const roots = new Set(o.pids);
    const how: string[] = o.pids.length ? [`--pids ${o.pids.join(',')}`] : [];
    for (const port of o.ports) {
      const found = pidsListeningOn(port);
      how.push(`listening on :${port} → ${found.join(',') || 'none'}`);
      for (const pid of found) {
        roots.add(pid);
        // The npm start launcher (a Node parent of a Node web node) also runs the worker node: count its tree.
        const p = procs.get(pid);
        const parent = p && procs.get(p.ppid);
        if (p && parent && /node|tsx/.test(p.comm) && /node|tsx/.test(parent.comm) && parent.pid > 1)
          roots.add(parent.pid);
      }
    }
    // Never the rehearsal itself (its processes share the machine): not this process, its workers or ancestors.
    const own = new Set(expandTree([process.pid], procs));
    for (let p = procs.get(process.pid); p && p.ppid > 0; p = procs.get(p.ppid)) own.add(p.ppid);
    const pids = expandTree(
      [...roots].filter((r) => !own.has(r)),
      procs,
    ).filter((pid) => !own.has(pid));
    if (pids.length === 0) return null;
    const meter = new CpuMeter(`${how.join('; ')}; with their descendants`);
    meter.pids = pids;
    meter.startedAt = Date.now();
    for (const pid of meter.pids) meter.start.set(pid, procs.get(pid)!.ticks);
    return meter;
  }

  /** CPU seconds per process since `begin` (processes that exited meanwhile are left out). */
  end(): {
    found: string;
    wallSeconds: number;
    processes: Array<{ pid: number; role: string; command: string; cpuSeconds: number }>;
  } {
    const procs = snapshotAll();
    const processes = this.pids
      .filter((pid) => procs.has(pid))
      .map((pid) => {
        const p = procs.get(pid)!;
        return {
          pid,
          role: roleOf(p.comm, p.cmdline),
          command: p.cmdline.slice(0, 120) || p.comm,
          cpuSeconds: (p.ticks - this.start.get(pid)!) / TICKS_PER_SECOND,
        };
      })
      .filter((p) => p.cpuSeconds > 0 || p.role !== 'launcher');
    return { found: this.found, wallSeconds: (Date.now() - this.startedAt) / 1000, processes };
  }
}
