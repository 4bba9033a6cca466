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
 * A store that writes a unit of work inside its own transaction (the ledger's draft, `writeDraft`'s
 * `work`) takes its `items` and throws `failureOf(err)` for a failed condition that is not its own.
 * A use case that must decide again from fresh reads when an intent it read went stale (a grant's
 * version) runs its attempt with `decideAgain`: the same retry policy.
 *
 * Used by the bank's lettrage and rule entries, the grants' payments and year-end marks, the expenses,
 * the funders and the invoice files.
 */
import type { Db } from "./client.js";
import { type Item, type Key, type NamedItem, type RetryPolicy, TransactionFailed, anyCancellation, staleItem, transact, withConflictRetry } from "./store.js";

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

/**
 * Runs `attempt` (reads, checks, then a commit) again from fresh reads while its commit fails on one
 * of the intents named in `stale` (read stale: another writer moved it; `"any"`: any cancelled
 * transaction or `StaleRead`), or on a transaction conflict; the one retry policy
 * (`withConflictRetry`). Any other failure is thrown as it is.
 */
export function decideAgain<T>(attempt: (n: number) => Promise<T>, opts: { stale: string[] | "any"; attempts?: number; backoffCap?: number }): Promise<T> {
  return withConflictRetry(attempt, {
    attempts: opts.attempts,
    backoffCap: opts.backoffCap,
    retryIf: opts.stale === "any" ? anyCancellation : staleItem(...opts.stale),
  });
}

export class UnitOfWork {
  private readonly intents: NamedItem[] = [];
  private readonly fails = new Map<string, Fails>();
  private otherwise: ((err: TransactionFailed) => Error) | undefined;

  /** Intents built by a domain store (`NamedItem`s), as they are. */
  add(...items: NamedItem[]): this {
    for (const it of items) {
      if (this.intents.some((x) => x.name === it.name)) throw new Error(`Two intents are named ${it.name}`);
      this.intents.push(it);
    }
    return this;
  }

  /** Declares what a failed condition of the intent `name` means (for an intent a domain store built). */
  failsWith(name: string, fails: Fails): this {
    this.fails.set(name, fails);
    return this;
  }

  /** What a failed condition means when the failed intent declares nothing (a commit's own `failed` comes first). */
  orFails(failed: (err: TransactionFailed) => Error): this {
    this.otherwise = failed;
    return this;
  }

  /** The intents, in order: for a store that writes them in its own transaction. */
  get items(): readonly NamedItem[] {
    return this.intents;
  }

  /** The error a cancelled transaction means for this work: the first failed intent's declared one, else `orFails`'s; undefined for none. */
  failureOf(err: TransactionFailed): Error | undefined {
    if (!err.failed.length) return undefined;
    const declared = err.failed.map((n) => this.fails.get(n)).find((f) => f);
    if (declared) return declared();
    return this.otherwise?.(err);
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
      throw this.failureOf(err) ?? err;
    }
  }

  /**
   * Like `commit`, but a failed condition that nothing declared is answered instead of thrown: the
   * cancelled transaction (nothing written), so the use case can read what is there and decide;
   * undefined when every intent was written.
   */
  async tryCommit(db: Db, opts: { retry?: RetryPolicy } = {}): Promise<TransactionFailed | undefined> {
    try {
      await this.commit(db, opts);
      return undefined;
    } catch (err) {
      if (err instanceof TransactionFailed && err.failed.length) return err;
      throw err;
    }
  }
}
