/**
 * Remote execution contracts: commands, scripts, tasks and plans run on targets through the
 * ExecutionService. Targets are never part of params: the engine resolves the request's `targets`
 * (node and group names) and hands the node list to the handler, which returns an ExecutionResult.
 */
import { Type } from '@sinclair/typebox';
import { ExecutionResult, anyObject, defineContract, patternStringMap, ref } from './common.js';
import { sensitive, sensitiveKeys } from './sensitive.js';

/** Bolt-style task and plan names: `module` or `module::name`. */
export const TASK_NAME_PATTERN = '^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$';

/** The `runAs` param of runs (also the package family's). */
export const runAs = () => Type.Optional(Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
  description: 'Run as this user on the target (sudo / run-as); default: the connecting user.',
}));

/** Environment variable names: shell identifiers. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const env = () => Type.Optional(patternStringMap(ENV_NAME_PATTERN, { maxLength: 32768 }, {
  maxProperties: 100,
  ...sensitive(),
  description: 'Extra environment variables; names are shell identifiers (`^[A-Za-z_][A-Za-z0-9_]*$`), values at most 32768 characters. '
    + 'Write-only: the run gets the values, answers show `***` for each.',
}));

export const CommandExecuteParams = Type.Object({
  command: Type.String({ minLength: 1, maxLength: 65536, description: 'Shell command line run on each target.' }),
  runAs: runAs(),
  env: env(),
  cwd: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Working directory on the target.' })),
}, {
  $id: 'CommandExecuteParams',
  additionalProperties: false,
  description: 'A shell command to run on every target.',
  examples: [{ command: 'uptime' }, { command: 'systemctl restart nginx', runAs: 'root', env: { LC_ALL: 'C' }, cwd: '/tmp' }],
});

export const ScriptExecuteParams = Type.Object({
  script: Type.String({ minLength: 1, maxLength: 1_048_576, description: 'Script content, copied to each target and run there.' }),
  interpreter: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[^-\\s][^\\s]*$',
    description: 'Interpreter (name or absolute path), e.g. bash, python3, /usr/bin/perl; default: the shebang line.',
  })),
  extension: Type.Optional(Type.String({
    pattern: '^\\.[A-Za-z0-9]{1,16}$',
    description: "The script file's extension, e.g. `.ps1`, `.py`, `.sh`; default: none. The copied script is named with it: Windows targets, Bolt and Ansible choose the interpreter by it (`.ps1` runs in PowerShell).",
  })),
  arguments: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256, description: 'Arguments passed to the script.' })),
  runAs: runAs(),
  env: env(),
}, {
  $id: 'ScriptExecuteParams',
  additionalProperties: false,
  description: 'A script to copy to and run on every target.',
  examples: [{ script: '#!/bin/sh\ndf -h /\n' }, { script: 'import platform\nprint(platform.node())\n', interpreter: 'python3', arguments: ['--verbose'] }, { script: 'Get-Service | Where-Object Status -eq Running\n', interpreter: 'powershell', extension: '.ps1' }],
});

export const TaskExecuteParams = Type.Object({
  task: Type.String({ maxLength: 255, pattern: TASK_NAME_PATTERN, description: 'Task name, `module` or `module::task`.' }),
  parameters: Type.Optional(anyObject({
    ...sensitiveKeys(),
    description: "Task parameters, checked against the task's metadata by the provider. Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`.",
  })),
  runAs: runAs(),
}, {
  $id: 'TaskExecuteParams',
  additionalProperties: false,
  description: 'A task (Bolt task, Ansible module, ...) to run on every target.',
  examples: [{ task: 'package', parameters: { action: 'status', name: 'openssl' } }, { task: 'service::linux', parameters: { action: 'restart', name: 'nginx' }, runAs: 'root' }],
});

export const PlanExecuteParams = Type.Object({
  plan: Type.String({ maxLength: 255, pattern: TASK_NAME_PATTERN, description: 'Plan name, `module` or `module::plan`.' }),
  parameters: Type.Optional(anyObject({
    ...sensitiveKeys(),
    description: 'Plan parameters (the resolved targets are passed separately). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`.',
  })),
}, {
  $id: 'PlanExecuteParams',
  additionalProperties: false,
  description: 'A plan (an orchestrated sequence of steps) to run against the targets.',
  examples: [{ plan: 'deploy::rolling_restart', parameters: { batch_size: 2 } }],
});

export const TaskListParams = Type.Object({}, {
  $id: 'TaskListParams',
  additionalProperties: false,
  description: 'task.list takes no parameters.',
  examples: [{}],
});

export const TaskListResult = Type.Object({
  tasks: Type.Array(Type.Object({
    name: Type.String({ description: 'Task name, `module::task`.' }),
    description: Type.Union([Type.String(), Type.Null()]),
    parameters: Type.Optional(anyObject({ description: "The task's parameter metadata (name to type and description)." })),
  })),
}, {
  $id: 'TaskListResult',
  description: 'The tasks a provider can run.',
  examples: [{
    tasks: [
      { name: 'package', description: 'Manage and inspect the state of packages' },
      { name: 'service::linux', description: null, parameters: { action: { type: "Enum['start', 'stop', 'restart', 'status']" } } },
    ],
  }],
});

export const commandExecute = defineContract({
  name: 'command.execute',
  description: 'Run a shell command on the targets and report each exit code, streaming stdout and stderr.',
  params: CommandExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'execute',
  mode: 'execution',
});

export const scriptExecute = defineContract({
  name: 'script.execute',
  description: 'Copy a script to the targets, run it with optional interpreter and arguments, and report each outcome.',
  params: ScriptExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'execute',
  mode: 'execution',
});

export const taskExecute = defineContract({
  name: 'task.execute',
  description: 'Run a named task with parameters on the targets; each target result carries the task output as `value`.',
  params: TaskExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'execute',
  mode: 'execution',
});

export const planExecute = defineContract({
  name: 'plan.execute',
  description: 'Run a named plan against the targets; the plan orchestrates its own steps.',
  params: PlanExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'execute',
  mode: 'execution',
  // A plan's code may reach any node of the tool's inventory (get_targets, TargetSpec parameters).
  reachesBeyondTargets: true,
});

export const taskList = defineContract({
  name: 'task.list',
  description: 'List the tasks the providers can run, with their descriptions.',
  params: TaskListParams,
  result: TaskListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const EXECUTION_CONTRACTS = [commandExecute, scriptExecute, taskExecute, planExecute, taskList];
export const EXECUTION_SCHEMAS = [CommandExecuteParams, ScriptExecuteParams, TaskExecuteParams, PlanExecuteParams, TaskListParams, TaskListResult];
