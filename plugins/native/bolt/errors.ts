/**
 * Maps Bolt's `_error` kinds and issue codes onto the standard error categories.
 *
 * `boltError` is for errors of the whole bolt call (a fatal `{kind,msg,details}` on stdout, or the `_error`
 * that closes a document after its items); `targetError` is for the `_error` of one target's result, where
 * anything Bolt does not class as a connection or escalation problem means the action failed on the target.
 */
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import type { BoltError } from './json-stream.js';

/** Kinds whose category does not depend on where the error appears. */
function known(e: BoltError, detail: string, extra: Record<string, unknown>): CapstanError | undefined {
  switch (e.kind) {
    case 'puppetlabs.tasks/connect-error':
      if (e.issue_code === 'AUTH_ERROR') return new Errors.Auth(detail, { extra });
      if (e.issue_code === 'HOST_KEY_ERROR') return new Errors.HostKey(detail, { extra });
      return new Errors.Connect(detail, { extra });
    // run-as / sudo: no password, a wrong one, or no sudo permission (NO_PASSWORD, BAD_PASSWORD, SUDO_DENIED).
    case 'puppetlabs.tasks/escalate-error':
      return new Errors.Auth(detail, { extra });
    case 'puppetlabs.tasks/command-error':
    case 'puppetlabs.tasks/task-error':
    case 'puppetlabs.tasks/task_file_error':
    case 'puppetlabs.tasks/exception-error':
    case 'bolt/invalid-task-error':
    case 'bolt/run-failure':
      return new Errors.ExecutionFailed(detail, { extra });
    case 'bolt/unknown-task':
    case 'bolt/unknown-plan':
      return new Errors.TaskNotFound(detail, { extra });
    case 'bolt/parse-error':
    case 'bolt/validation-error':
    case 'bolt/cli-error':
    case 'bolt/pal-error':
    case 'bolt/invalid-plan':
    case 'bolt/invalid-plan-result':
    case 'bolt/unknown-target':
    case 'bolt.inventory/validation-error':
    case 'bolt.inventory/wildcard-error':
      return new Errors.Validation(detail, { extra });
    default:
      return undefined;
  }
}

function extraOf(e: BoltError): Record<string, unknown> {
  return { boltKind: e.kind, ...(e.issue_code ? { issueCode: e.issue_code } : {}) };
}

/** An error of the whole bolt call. Unknown kinds are Bolt (the upstream tool) failing: `unavailable`. */
export function boltError(e: BoltError): CapstanError {
  const detail = e.msg || e.kind;
  const extra = extraOf(e);
  const k = known(e, detail, extra);
  if (k) return k;
  if (/timeout/i.test(e.kind) || /timed out/i.test(detail)) return new Errors.CapabilityTimeout(detail, { extra });
  return new Errors.Upstream(detail, { extra });
}

/**
 * The error of one target's result. Tasks may report their own `_error` with any kind (`mymod/not-found`):
 * the action ran and failed there, so unknown kinds are `execution_failed`, never a retryable `unavailable`.
 */
export function targetError(e: BoltError): CapstanError {
  const detail = e.msg || e.kind;
  const extra = extraOf(e);
  return known(e, detail, extra) ?? new Errors.ExecutionFailed(detail, { extra });
}
