// Small helpers for the end-to-end run: waiting, running commands, and keeping track of every
// process the run starts so that each one is stopped by its pid, whatever happens.

import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

// Every wait is a deadline, never a measurement: the scenario times are written for a quiet
// machine, and a loaded two-core CI machine can be several times slower (BK_DEADLINE_SCALE).
const DEADLINE_SCALE = Number(process.env.BK_DEADLINE_SCALE ?? 3);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value and resolves with that value. On time-out it
 * rejects with what it waited for and the last value seen (the most useful thing in a failure).
 */
export async function waitUntil(check, { what, timeoutMs = 30_000, intervalMs = 150 } = {}) {
  timeoutMs *= DEADLINE_SCALE;
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${lastError.message}` : `last seen: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; ${seen}`);
    }
    await sleep(intervalMs);
  }
}

/** Throws with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

const children = new Map(); // pid -> { name, child }

/**
 * Starts a long-running process whose stdout and stderr go to `logFile`, and remembers its pid
 * until it exits. `onStderr(text)` sees stderr as it arrives (to find a ready line).
 */
export function startTracked(name, command, args, { env, logFile, cwd, onStderr } = {}) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  // A log that cannot be written must not end the run with an unhandled 'error' event.
  log?.on('error', (error) => console.error(`log ${logFile}: ${error.message}`));
  if (child.pid !== undefined) children.set(child.pid, { name, child });
  // Data can still arrive after 'exit' (the stdio streams close later, under load visibly so):
  // write while the log is open, and end it only on 'close', when both streams are done.
  const write = (chunk) => {
    if (log && !log.writableEnded) log.write(chunk);
  };
  child.stdout.on('data', write);
  child.stderr.on('data', (chunk) => {
    write(chunk);
    onStderr?.(chunk.toString('utf8'));
  });
  child.on('close', () => log?.end());
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child.pid);
      resolve({ code, signal });
    });
    // A process that could not start emits 'error' and no 'exit': report it as an exit code.
    child.on('error', (error) => {
      children.delete(child.pid);
      write(`${name} could not start: ${error.message}\n`);
      log?.end();
      resolve({ code: 127, signal: null, error });
    });
  });
  return child;
}

/** Asks a tracked process to stop (SIGTERM), then SIGKILLs it after `graceMs`. */
export async function stopTracked(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

/** Kills every tracked process that is still running (used when the run ends or aborts). */
export function killAllTracked() {
  for (const [pid, { child }] of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    children.delete(child.pid);
  }
}

/**
 * The pids of every process below `rootPid` (Linux /proc). Browsers start helpers (renderers,
 * Firefox's fork server and content processes, native hosts) that are not our direct children;
 * taking this list before a browser closes lets the run make sure each of them ends.
 */
export function descendants(rootPid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name before it may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `graceMs` for these pids to end, then SIGKILLs any that remain. */
export async function reap(pids, graceMs = 5_000) {
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Runs a command to completion; resolves { code, stdout, stderr }. */
export function run(command, args, { env, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(child.pid, { name: command, child });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child.pid);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child.pid);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** The last `lines` lines of a text, for failure messages. */
export function tail(text, lines = 15) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}
