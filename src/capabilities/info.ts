/**
 * Facts contracts: what a node is (OS, kernel, hardware, network). info.facts may answer from a cache;
 * info.refresh gathers anew and updates the caches.
 */
import { Type } from '@sinclair/typebox';
import { Facts, defineContract, ref } from './common.js';

const node = () => Type.String({ minLength: 1, maxLength: 255, pattern: '^[^-@\\s][^\\s]*$', description: 'Node name.' });

export const InfoFactsParams = Type.Object({ node: node() }, {
  $id: 'InfoFactsParams',
  additionalProperties: false,
  description: 'Which node to describe.',
  examples: [{ node: 'web1.example.com' }],
});

export const InfoRefreshParams = Type.Object({ node: node() }, {
  $id: 'InfoRefreshParams',
  additionalProperties: false,
  description: 'Which node to gather facts from anew.',
  examples: [{ node: 'web1.example.com' }],
});

export const infoFacts = defineContract({
  name: 'info.facts',
  description: 'Get the facts of a node (OS, kernel, processors, memory, networking, raw facts); may answer from a cache.',
  params: InfoFactsParams,
  result: ref(Facts),
  riskLevel: 'read',
  mode: 'query',
});

export const infoRefresh = defineContract({
  name: 'info.refresh',
  description: 'Gather the facts of a node now, bypassing and then updating the facts caches.',
  params: InfoRefreshParams,
  result: ref(Facts),
  riskLevel: 'read',
  mode: 'query',
});

export const INFO_CONTRACTS = [infoFacts, infoRefresh];
export const INFO_SCHEMAS = [InfoFactsParams, InfoRefreshParams];
