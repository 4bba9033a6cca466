/**
 * Alarms: one SNS topic (always; an e-mail subscription with ALARM_EMAIL), each function's errors,
 * and the HTTP API's 5xx answers.
 */
import { Duration } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Group } from "@asso/functions";
import type { StackContext } from "./context.js";

export function defineAlarmTopic({ scope, stage }: StackContext, alarmEmail?: string): Topic {
  const alarms = new Topic(scope, "Alarms", { displayName: `Association back-office alarms (${stage})` });
  if (alarmEmail) alarms.addSubscription(new EmailSubscription(alarmEmail));
  return alarms;
}

export function defineAlarms({ scope, stage }: StackContext, topic: Topic, i: { functions: Map<Group, LambdaFunction>; api: HttpApi }) {
  const action = new SnsAction(topic);
  for (const [group, fn] of i.functions)
    new Alarm(scope, `Errors-${group}`, {
      alarmDescription: `${group} Lambda errors (stage ${stage})`,
      metric: fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);

  new Alarm(scope, "Api5xx", {
    alarmDescription: `HTTP API 5xx answers (stage ${stage})`,
    metric: new Metric({
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensionsMap: { ApiId: i.api.apiId },
      statistic: "Sum",
      period: Duration.minutes(5),
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(action);
}
