/** Maps Bolt's `_error` kinds and issue codes onto the standard error categories. */
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import type { BoltError } from './json-stream.js';

export function boltError(e: BoltError): CapstanError {
  const detail = e.msg || e.kind;
  const extra = { boltKind: e.kind, ...(e.issue_code ? { issueCode: e.issue_code } : {}) };
  switch (e.kind) {
    case 'puppetlabs.tasks/connect-error':
      if (e.issue_code === 'AUTH_ERROR') return new Errors.Auth(detail, { extra });
      if (e.issue_code === 'HOST_KEY_ERROR') return new Errors.HostKey(detail, { extra });
      return new Errors.Connect(detail, { extra });
    case 'puppetlabs.tasks/command-error':
    case 'puppetlabs.tasks/task-error':
    case 'puppetlabs.tasks/task_file_error':
    case 'bolt/run-failure':
      return new Errors.ExecutionFailed(detail, { extra });
    case 'bolt/unknown-task':
    case 'bolt/unknown-plan':
      return new Errors.TaskNotFound(detail, { extra });
    case 'bolt/parse-error':
    case 'bolt/validation-error':
    case 'bolt/cli-error':
    case 'bolt/pal-error':
    case 'bolt/invalid-plan-result':
    case 'bolt/unknown-target':
      return new Errors.Validation(detail, { extra });
    default:
      if (/timeout/i.test(e.kind) || /timed out/i.test(detail)) return new Errors.CapabilityTimeout(detail, { extra });
      return new Errors.Upstream(detail, { extra });
  }
}
