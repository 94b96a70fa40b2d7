/**
 * Telling someone when a run needs attention: the operator's own command (a mail, a chat webhook, a
 * ticket) runs with the run's summary on its standard input when a run fails, rejects deliveries or rows,
 * or cannot start. Its outcome never changes the run's: a notification that fails is logged.
 *
 * The command comes from `--notify-command` or `RIJM_NOTIFY_COMMAND` and runs through `/bin/sh -c`, with
 * RIJM_RUN_ID, RIJM_RUN_STATUS (failed, rejected), RIJM_EXIT_CODE and RIJM_DATA_DIR in its environment.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../lib/log.js';

export interface Notification {
  runId: string;
  status: string;
  exitCode: number;
  dataDir: string;
  /** The summary as the run prints it. */
  text: string;
}

/** How long the command may take before it is stopped. */
export const NOTIFY_TIMEOUT_MS = 60_000;

/** The command to run, from the option or the environment; undefined when there is none. */
export function notifyCommand(option: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const value = typeof option === 'string' ? option : env.RIJM_NOTIFY_COMMAND;
  return value?.trim() ? value : undefined;
}

/** Runs `command` with the notification; resolves when it has ended (or was stopped), never rejects. */
export function notify(
  command: string,
  n: Notification,
  options: { env: NodeJS.ProcessEnv; log: Logger; timeoutMs?: number },
): Promise<void> {
  const { log } = options;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      env: {
        ...options.env,
        RIJM_RUN_ID: n.runId,
        RIJM_RUN_STATUS: n.status,
        RIJM_EXIT_CODE: String(n.exitCode),
        RIJM_DATA_DIR: n.dataDir,
      },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (stderr.length < 2000) stderr += d;
    });
    const timer = setTimeout(() => {
      log.warn('notify_timeout', {
        runId: n.runId,
        seconds: (options.timeoutMs ?? NOTIFY_TIMEOUT_MS) / 1000,
      });
      child.kill('SIGKILL');
    }, options.timeoutMs ?? NOTIFY_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      log.warn('notify_failed', { runId: n.runId, error: error.message });
      resolve();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) log.info('notify_sent', { runId: n.runId, status: n.status });
      else
        log.warn('notify_failed', {
          runId: n.runId,
          exitCode: code,
          signal,
          message: `the notify command ended with ${signal ?? `exit code ${code}`}`,
          ...(stderr.trim() ? { stderr: stderr.trim() } : {}),
        });
      resolve();
    });
    // A command that does not read its input must not fail the notification.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${n.text}\n`);
  });
}
