import { describe, expect, it } from 'vitest';
import { expandTree, listeningInodes, parseStat, roleOf } from './cpu.ts';

describe('cpu from /proc', () => {
  it('reads utime + stime even when the command name has spaces and parentheses', () => {
    const stat = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 500 0 0 0 120 30 0 0 20 0 1 0 100 0 0';
    expect(parseStat(stat)).toEqual({ comm: 'my (odd) name', ppid: 1, ticks: 150 });
  });

  it('finds the listening socket of a port in /proc/net/tcp', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:0CE4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 91234 1 0',
      '   1: 0100007F:0CE4 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 91235 1 0',
      '   2: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0',
    ].join('\n');
    expect(listeningInodes(tcp, 3300)).toEqual(['91234']);
    expect(listeningInodes(tcp, 6379)).toEqual(['777']);
    expect(listeningInodes(tcp, 80)).toEqual([]);
  });

  it('names roles and follows descendants', () => {
    expect(roleOf('node', 'node --import tsx apps/server/src/main.ts --role web')).toBe('web');
    expect(roleOf('node', 'node --import tsx apps/server/src/main.ts --role worker')).toBe('worker');
    expect(roleOf('redis-server', 'redis-server 127.0.0.1:6390')).toBe('redis');
    expect(roleOf('postgres', 'postgres: postgres seatrush 127.0.0.1 idle')).toBe('postgres');
    const p = (pid: number, ppid: number) => [pid, { pid, ppid, ticks: 0, comm: 'x', cmdline: '' }] as const;
    const procs = new Map([p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1)]);
    expect(expandTree([10], procs)).toEqual([10, 11, 12]);
    expect(expandTree([99], procs)).toEqual([]);
  });
});
