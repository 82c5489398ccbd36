/**
 * Queue lock keys (QueueItem.locks, filled from a contract's lockKeys): exclusive whatever the per-node
 * concurrency, held by read-only runs too, and reported in `waitingFor`; provision.create and
 * decommission.execute lock the provisioned resource's name.
 */
import t from 'tap';
import { ExecutionQueue } from '../../src/execution/queue.js';
import { decommissionExecute, provisionCreate } from '../../src/capabilities/provision.js';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

t.test('runs sharing a lock key run one at a time, even with several slots per node', async (t) => {
  const q = new ExecutionQueue({ concurrency: 10, perNodeConcurrency: 5, maxQueued: 100 });
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const item = (id: string, nodes: string[], locks?: string[], mutating = true) => {
    gates.set(id, gate());
    return { id, nodes, mutating, locks, run: async () => { started.push(id); await gates.get(id)!.p; } };
  };
  q.enqueue(item('a', ['localhost'], ['provision:web3']));
  q.enqueue(item('b', ['localhost'], ['provision:web3']));
  q.enqueue(item('c', ['localhost'], ['provision:web4']));
  q.enqueue(item('d', ['web3'], ['provision:web3'], false));
  q.enqueue(item('e', ['localhost']));
  await new Promise((r) => setImmediate(r));
  t.same(started, ['a', 'c', 'e'], 'b and d wait for the lock; other keys and plain runs pass');
  t.same(q.position('b'), { position: 1, reason: 'node_busy', waitingFor: ['provision:web3'] });
  t.same(q.position('d'), { position: 2, reason: 'node_busy', waitingFor: ['provision:web3'] }, 'a read-only run with a lock waits too');
  gates.get('a')!.open();
  await new Promise((r) => setTimeout(r, 10));
  t.same(started, ['a', 'c', 'e', 'b'], 'the earliest waiting run takes the lock next');
  gates.get('b')!.open();
  await new Promise((r) => setTimeout(r, 10));
  t.same(started, ['a', 'c', 'e', 'b', 'd']);
  for (const g of gates.values()) g.open();
  await q.onIdle();
});

t.test('provisioning contracts lock the resource by name', async (t) => {
  t.same(provisionCreate.lockKeys!({ name: 'web3.example.com', template: 'vm' }, ['localhost']), ['provision:web3.example.com']);
  t.same(decommissionExecute.lockKeys!({ action: 'destroy' }, ['web3.example.com', 'web4']), ['provision:web3.example.com', 'provision:web4']);
});
