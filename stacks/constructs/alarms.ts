/**
 * Alarms, all published to one SNS topic (always there; an e-mail subscription with ALARM_EMAIL,
 * and a synth warning plus the `AlarmEmail` output saying so when there is none):
 * - each function's errors and throttles, the HTTP API's 5xx answers;
 * - the Stripe webhook's 4xx and 5xx rates (a wrong `whsec` answers 400 to every delivery; a 5xx
 *   is retried by Stripe for three days, then the endpoint is disabled), counted from the API's
 *   access logs by metric filters;
 * - checkouts Stripe says are paid while no webhook event was accepted for an hour
 *   (`CheckoutPaid`, emitted by the functions as EMF lines: packages/core/src/metrics.ts).
 */
import { Annotations, CfnOutput, Duration, Stack } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { FilterPattern, type LogGroup, MetricFilter } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { METRICS, metricNamespace } from "@asso/core/metrics";
import { type Group, type RouteDef, routes } from "@asso/functions";
import type { StackContext } from "./context.js";

/** What the stack counts from the API's access logs (namespace `metricNamespace(stage)`). */
export const ACCESS_LOG_METRICS = {
  webhookRequests: "WebhookRequests",
  webhookAccepted: "WebhookAccepted",
  webhook4xx: "Webhook4xx",
  webhook5xx: "Webhook5xx",
} as const;

/** When the webhook alarms fire: the share of deliveries answered 4xx / 5xx over a period, given a minimum of deliveries. */
export const WEBHOOK_ALARMS = {
  rate4xx: { percent: 50, minRequests: 2, period: Duration.hours(1) },
  rate5xx: { percent: 10, minRequests: 1, period: Duration.minutes(15) },
} as const;

/** The warning a synth prints (and the `AlarmEmail` output's value) when no ALARM_EMAIL is set. */
export const NO_ALARM_EMAIL =
  "No ALARM_EMAIL: the alarms are published to the AlarmTopicArn topic, which nobody receives until someone subscribes to it (or ALARM_EMAIL is set).";

export function defineAlarmTopic({ scope, stage }: StackContext, alarmEmail?: string): Topic {
  const alarms = new Topic(scope, "Alarms", { displayName: `Association back-office alarms (${stage})` });
  if (alarmEmail) alarms.addSubscription(new EmailSubscription(alarmEmail));
  new CfnOutput(scope, "AlarmEmail", {
    value: alarmEmail ?? "none",
    description: alarmEmail ? "Alarms are sent to this address (confirm the SNS subscription it receives)" : NO_ALARM_EMAIL,
  });
  if (!alarmEmail) Annotations.of(Stack.of(scope)).addWarningV2("asso:no-alarm-email", NO_ALARM_EMAIL);
  return alarms;
}

export interface AlarmInputs {
  functions: Map<Group, LambdaFunction>;
  api: HttpApi;
  accessLogs: LogGroup;
}

type AlarmOf = (id: string, props: ConstructorParameters<typeof Alarm>[2]) => void;
const atLeastOnce = { threshold: 1, evaluationPeriods: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD } as const;

export function defineAlarms(ctx: StackContext, topic: Topic, i: AlarmInputs) {
  const action = new SnsAction(topic);
  const alarm: AlarmOf = (id, props) => new Alarm(ctx.scope, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...props }).addAlarmAction(action);
  functionAndApiAlarms(ctx, alarm, i);
  webhookAlarms(ctx, alarm, i);
}

/** Each function's errors and throttles, and the API's 5xx answers. */
function functionAndApiAlarms(ctx: StackContext, alarm: AlarmOf, i: AlarmInputs) {
  const { stage } = ctx;
  for (const [group, fn] of i.functions) {
    alarm(`Errors-${group}`, {
      alarmDescription: `${group} Lambda errors (stage ${stage})`,
      metric: fn.metricErrors({ period: Duration.minutes(5) }),
      ...atLeastOnce,
    });
    alarm(`Throttles-${group}`, {
      alarmDescription: `${group} Lambda throttled: its concurrency is used up (stage ${stage})`,
      metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }),
      ...atLeastOnce,
    });
  }
  alarm("Api5xx", {
    alarmDescription: `HTTP API 5xx answers (stage ${stage})`,
    metric: new Metric({
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensionsMap: { ApiId: i.api.apiId },
      statistic: "Sum",
      period: Duration.minutes(5),
    }),
    ...atLeastOnce,
  });
}

/** The Stripe webhook, from the API's access logs: refused or failed deliveries, and paid checkouts with no event. */
function webhookAlarms(ctx: StackContext, alarm: AlarmOf, i: AlarmInputs) {
  const { scope, stage } = ctx;
  const namespace = metricNamespace(stage);
  const webhookKeys = (routes as readonly RouteDef[]).filter((r) => r.group === "webhooks").map((r) => `${r.method} ${r.path}`);
  const onWebhook = FilterPattern.any(...webhookKeys.map((k) => FilterPattern.stringValue("$.routeKey", "=", k)));
  const counted = (id: string, metricName: string, status?: string) =>
    new MetricFilter(scope, id, {
      logGroup: i.accessLogs,
      // The access log's status is a string ("$context.status" in ACCESS_LOG_FORMAT): matched with a wildcard.
      filterPattern: status ? FilterPattern.all(onWebhook, FilterPattern.stringValue("$.status", "=", status)) : onWebhook,
      metricNamespace: namespace,
      metricName,
      metricValue: "1",
    });
  const requests = counted("WebhookRequestsCount", ACCESS_LOG_METRICS.webhookRequests);
  const accepted = counted("WebhookAcceptedCount", ACCESS_LOG_METRICS.webhookAccepted, "2*");
  const client = counted("Webhook4xxCount", ACCESS_LOG_METRICS.webhook4xx, "4*");
  const server = counted("Webhook5xxCount", ACCESS_LOG_METRICS.webhook5xx, "5*");
  const rate = (errors: MetricFilter, r: (typeof WEBHOOK_ALARMS)[keyof typeof WEBHOOK_ALARMS]) =>
    new MathExpression({
      expression: `IF(FILL(requests, 0) >= ${r.minRequests}, 100 * FILL(errors, 0) / FILL(requests, 0), 0)`,
      usingMetrics: { requests: requests.metric({ statistic: "Sum" }), errors: errors.metric({ statistic: "Sum" }) },
      period: r.period,
    });
  alarm("Webhook4xxRate", {
    alarmDescription: `Stripe webhook: ${WEBHOOK_ALARMS.rate4xx.percent}% or more of the deliveries refused (4xx) in an hour — a wrong signing secret (whsec) in StripeReadKeys? (stage ${stage})`,
    metric: rate(client, WEBHOOK_ALARMS.rate4xx),
    threshold: WEBHOOK_ALARMS.rate4xx.percent,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  alarm("Webhook5xxRate", {
    alarmDescription: `Stripe webhook: ${WEBHOOK_ALARMS.rate5xx.percent}% or more of the deliveries failed (5xx) in 15 minutes; Stripe retries for three days, then disables the endpoint (stage ${stage})`,
    metric: rate(server, WEBHOOK_ALARMS.rate5xx),
    threshold: WEBHOOK_ALARMS.rate5xx.percent,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });

  // ---------------------------------------------------------------- paid, but Stripe's events do not arrive
  alarm("CheckoutsPaidWithoutEvents", {
    alarmDescription: `Checkouts Stripe says are paid, and no webhook event accepted for an hour: is the endpoint disabled, or pointed elsewhere? (stage ${stage})`,
    metric: new MathExpression({
      expression: "IF(FILL(paid, 0) > 0 AND FILL(accepted, 0) == 0, 1, 0)",
      usingMetrics: {
        paid: new Metric({ namespace, metricName: METRICS.checkoutPaid, statistic: "Sum", period: Duration.hours(1) }),
        accepted: accepted.metric({ statistic: "Sum", period: Duration.hours(1) }),
      },
      period: Duration.hours(1),
    }),
    ...atLeastOnce,
  });
}
