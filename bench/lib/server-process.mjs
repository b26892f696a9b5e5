// Parent side of server-child.mjs: starts a benchmarked server in its own Node process and talks to
// it over IPC. Unpinned, the OS schedules server and load generator freely; with `pin`, the child
// (every thread it will ever start, the libuv thread pool included) runs on the cores named.
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinnedCommand } from './pinning.mjs';

const CHILD = new URL('./server-child.mjs', import.meta.url);

/**
 * Starts `spec` (see server-child.mjs) in a child process with `execArgv` (e.g. ['--cpu-prof']),
 * pinned to the cores `pin` (taskset's list, e.g. '0') when given. Resolves { url, pid, startupMs,
 * stats(), stop() } once it listens.
 */
export function startServerProcess(spec, { execArgv = [], cwd, pin } = {}) {
  const options = { cwd, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  // taskset execs node in the same process, which keeps the IPC channel and the pid.
  const child =
    pin === undefined ? fork(CHILD, [], { ...options, execArgv }) : spawn(...pinnedCommand(pin, [process.execPath, ...execArgv, fileURLToPath(CHILD)]), options);
  const reply = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message.type === type) done(resolve, message);
        else if (message.type === 'error') done(reject, new Error(`server child: ${message.message}`));
      };
      const onExit = (code, signal) => done(reject, new Error(`server child exited (code ${code}, signal ${signal})`));
      const done = (settle, value) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle(value);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const ready = reply('ready');
  child.send({ type: 'start', spec });
  return ready.then(
    ({ url, startupMs }) => ({
      url,
      startupMs,
      pid: child.pid,
      stats() {
        const answer = reply('stats');
        child.send({ type: 'stats' });
        return answer;
      },
      stop() {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        return exited.finally(() => clearTimeout(timer));
      },
    }),
    (err) => {
      child.kill('SIGKILL');
      throw err;
    },
  );
}
