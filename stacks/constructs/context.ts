/**
 * What every part of the stack needs to know: the stage, whether it may be torn down, the stack
 * (its name, account and region), and the names computed from them.
 *
 * Every construct module creates its resources directly in the stack's scope (no intermediate
 * `Construct` node): a node would prefix every logical id, and CloudFormation would then replace
 * the table, the user pool and the buckets of a deployed stage (a new, empty table; the old one
 * orphaned by its Retain policy). The split is in the source, not in the template.
 */
import { RemovalPolicy, Stack } from "aws-cdk-lib";
import type { Construct } from "constructs";

/** Development stages may be torn down; every other stage keeps its data. */
export const isDevStage = (stage: string) => stage === "dev" || stage.startsWith("dev-") || stage === "local";

export interface StackContext {
  scope: Construct;
  stack: Stack;
  stage: string;
  dev: boolean;
  region: string;
  /** DESTROY in a dev stage, RETAIN elsewhere. */
  retain: RemovalPolicy;
}

export function contextOf(scope: Construct, stage: string): StackContext {
  const stack = Stack.of(scope);
  const dev = isDevStage(stage);
  return { scope, stack, stage, dev, region: stack.region, retain: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN };
}

/** A lower-case name part from the stack name, at most `max` characters (bucket and domain names). */
export const slug = (name: string, max: number) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/aws|amazon|cognito/g, "x")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");

export const originOf = (url: string) => new URL(url).origin;
