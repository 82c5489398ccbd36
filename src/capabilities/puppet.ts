/**
 * The Puppet run contract: `puppet agent --test` on the targets, through the ExecutionQueue, on whichever
 * remote-execution provider reaches them (ssh, bolt). The agent's detailed exit codes (Puppet's `puppet agent`
 * reference, `--detailed-exitcodes`, implied by `--test`): 0 no changes, 2 changes applied, 4 failures,
 * 6 changes and failures, 1 the run itself failed (catalog compile error, run lock held). 0 and 2 are
 * successes; 2 and 6 set the target result's `changed`. The report the run sends to PuppetDB is found through
 * the execution's `links.reports`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ExecutionResult, defineContract, ref } from './common.js';
import { shQuote } from '../core/sh-quote.js';

/** Puppet tag syntax (Puppet language reference, "Tags"): lowercase letters, digits, `_`, `:`, `.`, `-`. */
const TAG_PATTERN = '^[a-z0-9_][a-z0-9_:.-]*$';
/** Puppet environment names (Puppet reference, "Environments"): lowercase letters, digits and `_`. */
const ENVIRONMENT_PATTERN = '^[a-z0-9_]+$';

export const PuppetRunParams = Type.Object({
  noop: Type.Optional(Type.Boolean({ description: 'Simulate: report what would change without changing anything (`--noop`).' })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: TAG_PATTERN }), {
    minItems: 1, maxItems: 100, description: 'Apply only resources with one of these tags (`--tags`).',
  })),
  environment: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: ENVIRONMENT_PATTERN, description: 'Run in this environment (`--environment`).' })),
  runAs: Type.Optional(Type.String({
    minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', description: 'Run the agent as this user (sudo / run-as); usually root.',
  })),
}, {
  $id: 'PuppetRunParams',
  additionalProperties: false,
  description: 'A Puppet agent run on every target.',
  examples: [{}, { noop: true, tags: ['nginx', 'profile::web'], environment: 'staging', runAs: 'root' }],
});

export const puppetRun = defineContract({
  name: 'puppet.run',
  description: 'Run the Puppet agent once on the targets (`puppet agent --test`, optionally noop, tags, environment); exit code 2 is a success '
    + 'that changed the target, 4 and 6 are failures, and the run\'s report is linked once PuppetDB has it.',
  params: PuppetRunParams,
  result: ref(ExecutionResult),
  riskLevel: 'execute',
  mode: 'execution',
  exitCodes: { succeeded: [0, 2], changed: [2, 6] },
  producesReports: true,
});

/** The agent's command line for these params, every value quoted for sh. */
export function puppetAgentCommand(p: Static<typeof PuppetRunParams>): string {
  const args = ['puppet', 'agent', '--test', '--color=false'];
  if (p.noop) args.push('--noop');
  if (p.tags?.length) args.push('--tags', shQuote(p.tags.join(',')));
  if (p.environment) args.push('--environment', shQuote(p.environment));
  return args.join(' ');
}

export const PUPPET_CONTRACTS = [puppetRun];
export const PUPPET_SCHEMAS = [PuppetRunParams];
