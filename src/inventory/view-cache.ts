/**
 * The merged view of one capability, kept for as long as the set of source versions it was built from: one
 * entry (the current set), rebuilt when any source's version changes or a source joins or drops out (a
 * failing source contributes nothing, as before). A source without versions makes every read a rebuild.
 */
import { versionKey, type Snapshot } from './source-snapshots.js';

export class ViewCache<T, V> {
  private key: string | undefined;
  private view: V | undefined;
  /** Views built so far (for tests and metrics). */
  builds = 0;

  constructor(private readonly build: (lists: T[][]) => V) {}

  get(snapshots: Snapshot<T>[]): V {
    const key = versionKey(snapshots);
    if (key !== undefined && key === this.key && this.view !== undefined) return this.view;
    const view = this.build(snapshots.map((s) => s.items));
    this.builds++;
    this.key = key;
    this.view = view;
    return view;
  }
}
