/**
 * A unit of work: a use case collects its write intents (puts, updates, deletes, condition checks,
 * or the named items a domain store builds) and commits them once, in one transaction, all or
 * nothing. The commit owns the failure mapping and the retry policy: a transaction conflict is run
 * again (`withConflictRetry`), a failed condition becomes the domain error its intent declared
 * (`fails`), else the use case's `failed` mapping, else `TransactionFailed` naming the items.
 *
 *     const work = new UnitOfWork().add(...matchItems(group));
 *     await work.commit(db, { failed: (err) => conflictOf(err, group) });
 *
 * Used by the bank's lettrage (bank/matching.ts: recordMatch, unmatch).
 */
import type { Db } from "./client.js";
import { type Item, type Key, type NamedItem, type RetryPolicy, TransactionFailed, transact, withConflictRetry } from "./store.js";

/** A condition on an intent: its expression and the names and values it uses. */
export interface WriteCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** What an intent's failed condition means for the use case (a ConflictError…). */
export type Fails = () => Error;

const expression = (c: WriteCondition | undefined, names: Record<string, string> = {}, values: Record<string, unknown> = {}) => {
  const n = { ...names, ...(c?.names ?? {}) };
  const v = { ...values, ...(c?.values ?? {}) };
  return {
    ...(c ? { ConditionExpression: c.expression } : {}),
    ...(Object.keys(n).length ? { ExpressionAttributeNames: n } : {}),
    ...(Object.keys(v).length ? { ExpressionAttributeValues: v } : {}),
  };
};

export class UnitOfWork {
  private readonly intents: NamedItem[] = [];
  private readonly fails = new Map<string, Fails>();

  /** Intents built by a domain store (`NamedItem`s), as they are. */
  add(...items: NamedItem[]): this {
    for (const it of items) {
      if (this.intents.some((x) => x.name === it.name)) throw new Error(`Two intents are named ${it.name}`);
      this.intents.push(it);
    }
    return this;
  }

  private named(name: string, item: NamedItem["item"], fails?: Fails): this {
    this.add({ name, item });
    if (fails) this.fails.set(name, fails);
    return this;
  }

  put(name: string, item: Item, opts: { condition?: WriteCondition; fails?: Fails } = {}): this {
    return this.named(name, { Put: { Item: item, ...expression(opts.condition) } }, opts.fails);
  }

  update(
    name: string,
    key: Key,
    update: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
    opts: { condition?: WriteCondition; fails?: Fails } = {},
  ): this {
    return this.named(
      name,
      { Update: { Key: key, UpdateExpression: update.expression, ...expression(opts.condition, update.names, update.values) } },
      opts.fails,
    );
  }

  delete(name: string, key: Key, opts: { condition?: WriteCondition; fails?: Fails } = {}): this {
    return this.named(name, { Delete: { Key: key, ...expression(opts.condition) } }, opts.fails);
  }

  /** A condition another item must meet for the whole to be written (nothing is written to it). */
  check(name: string, key: Key, condition: WriteCondition, fails?: Fails): this {
    return this.named(
      name,
      { ConditionCheck: { Key: key, ConditionExpression: condition.expression, ...expression(undefined, condition.names, condition.values) } },
      fails,
    );
  }

  /** How many intents are collected. */
  get size(): number {
    return this.intents.length;
  }

  /**
   * Writes every intent in one transaction (nothing when there is none), conflicts retried. A failed
   * condition throws the first failed intent's `fails` error, else `failed(err)`, else the
   * `TransactionFailed` itself.
   */
  async commit(db: Db, opts: { failed?: (err: TransactionFailed) => Error; retry?: RetryPolicy } = {}): Promise<void> {
    try {
      await withConflictRetry(() => transact(db, this.intents), opts.retry);
    } catch (err) {
      if (!(err instanceof TransactionFailed) || !err.failed.length) throw err;
      const declared = err.failed.map((n) => this.fails.get(n)).find((f) => f);
      if (declared) throw declared();
      if (opts.failed) throw opts.failed(err);
      throw err;
    }
  }
}
