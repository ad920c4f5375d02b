// RSS of a process tree from /proc (Linux): a server and its cluster workers together.
import { readFileSync } from 'node:fs';

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process ended meanwhile
  }
}

/** Resident set of `root` and its direct children (node:cluster's workers), in bytes. */
export function treeRssBytes(root: number): number {
  const children = readProc(`/proc/${root}/task/${root}/children`).split(' ').filter(Boolean).map(Number);
  let kib = 0;
  for (const pid of [root, ...children]) kib += Number(/VmRSS:\s+(\d+) kB/.exec(readProc(`/proc/${pid}/status`))?.[1] ?? 0);
  return kib * 1024;
}
