/**
 * The back-office's own CloudWatch metrics: their namespace (one per stage) and names, shared by
 * the functions that emit them and the stack that alarms on them (stacks/constructs/alarms.ts).
 * A function emits one by writing an Embedded Metric Format line to its log (`emfLine`): Lambda's
 * log group turns it into a metric, no SDK call, no permission.
 */

/** One namespace per stage, so two stages of one account never mix their figures. */
export const metricNamespace = (stage: string) => `AssoBackOffice/${stage}`;

export const METRICS = {
  /**
   * A checkout Stripe says is paid, seen by a function other than the webhook (the thank-you page's
   * session check, the payout matching): 1 each. With no webhook event accepted within the hour,
   * the stack's `CheckoutsPaidWithoutEvents` alarm fires: Stripe's deliveries are not arriving.
   */
  checkoutPaid: "CheckoutPaid",
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The Embedded Metric Format log line that records `value` of `name` at `at` (the caller's clock; a count of 1 by default). */
export function emfLine(stage: string, name: MetricName, at: Date, value = 1): string {
  return JSON.stringify({
    _aws: { Timestamp: at.getTime(), CloudWatchMetrics: [{ Namespace: metricNamespace(stage), Dimensions: [[]], Metrics: [{ Name: name, Unit: "Count" }] }] },
    [name]: value,
  });
}
