/**
 * Mail (Amazon SES): the sending identity from the deploy's MAIL_IDENTITY (a domain, whose DKIM
 * records SES lists in its console, or one address, which receives a confirmation link), and a
 * configuration set every message is sent through. The set keeps SES's suppression list for
 * bounces and complaints, and publishes those events (and SES's rejections) to the `MailEvents`
 * SNS topic for the back-office to mark the address (issue 17: an address that bounces is not
 * written to again until corrected).
 *
 * The `mail` group's function (packages/functions/src/handlers/mail.ts) is subscribed to the topic
 * (it marks the address) and runs the outbox's worker every minute (`connectMailWorker`).
 */
import { Annotations, CfnOutput, Stack } from "aws-cdk-lib";
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from "aws-cdk-lib/aws-ses";
import { Duration } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaTarget } from "aws-cdk-lib/aws-events-targets";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Group } from "@asso/functions";
import type { StackContext } from "./context.js";

/**
 * The groups that send mail: the outbox's worker (`mail`). Each gets `ses:SendEmail` /
 * `ses:SendRawEmail` on the identity and the configuration set only, and MAIL_CONFIGURATION_SET /
 * MAIL_IDENTITY in its environment.
 */
export const MAIL_SENDERS: readonly Group[] = ["mail"];

/** The groups told which sender is verified (MAIL_IDENTITY) without sending: the settings' first-run check. */
export const MAIL_INFORMED: readonly Group[] = ["settings"];

/** How often the outbox's worker runs (each run sends until 10 s before its 60 s timeout; a run lease keeps one at a time). */
export const MAIL_WORKER_RATE_MINUTES = 1;

/** The events that come back to the back-office. */
export const MAIL_EVENTS = [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT] as const;

/** A domain (`asso.example.org`) or one address (`tresorerie@asso.example.org`). */
export function mailIdentityOf(setting: string): { kind: "domain" | "email"; value: string } {
  const value = setting.trim();
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return { kind: "email", value };
  if (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i.test(value)) return { kind: "domain", value: value.toLowerCase() };
  throw new Error(`MAIL_IDENTITY must be a domain (asso.example.org) or an e-mail address, not ${JSON.stringify(setting)}`);
}

export function defineMail({ scope, stage }: StackContext, opts: { identity?: string }) {
  const configurationSet = new ConfigurationSet(scope, "MailConfig", {
    reputationMetrics: true,
    sendingEnabled: true,
    suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
  });
  const events = new Topic(scope, "MailEvents", { displayName: `Association back-office mail bounces and complaints (${stage})` });
  new ConfigurationSetEventDestination(scope, "MailEventsDestination", {
    configurationSet,
    destination: EventDestination.snsTopic(events),
    events: [...MAIL_EVENTS],
  });
  const parsed = opts.identity ? mailIdentityOf(opts.identity) : undefined;
  const identity = parsed
    ? new EmailIdentity(scope, "MailIdentity", {
        identity: parsed.kind === "domain" ? Identity.domain(parsed.value) : Identity.email(parsed.value),
        configurationSet,
      })
    : undefined;
  if (!identity)
    Annotations.of(Stack.of(scope)).addWarningV2(
      "asso:no-mail-identity",
      "No MAIL_IDENTITY: SES has no identity to send from, so no e-mail leaves the back-office (set a domain or an address).",
    );

  new CfnOutput(scope, "MailConfigurationSet", {
    value: configurationSet.configurationSetName,
    description: "Send every message through this SES configuration set",
  });
  new CfnOutput(scope, "MailEventsTopicArn", {
    value: events.topicArn,
    description: "SES bounces, complaints and rejections are published here; the mail function marks the addresses",
  });
  if (identity)
    new CfnOutput(scope, "MailIdentityName", { value: identity.emailIdentityName, description: "The SES identity (a domain: publish its DKIM records)" });
  return { configurationSet, events, identity };
}
export type Mail = ReturnType<typeof defineMail>;

/** What a sending group is given: the permission (identity and configuration set only) and the environment naming them. */
export function mailSenderGrant({ stack }: StackContext, mail: Mail) {
  const configurationSetArn = stack.formatArn({ service: "ses", resource: "configuration-set", resourceName: mail.configurationSet.configurationSetName });
  return {
    actions: ["ses:SendEmail", "ses:SendRawEmail"],
    resources: [configurationSetArn, ...(mail.identity ? [mail.identity.emailIdentityArn] : [])],
    environment: {
      MAIL_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
      ...(mail.identity ? { MAIL_IDENTITY: mail.identity.emailIdentityName } : {}),
    },
  };
}

/** The mail function: subscribed to the SES events' topic, and the outbox's worker run every minute. */
export function connectMailWorker({ scope }: StackContext, mail: Mail, fn: IFunction) {
  mail.events.addSubscription(new LambdaSubscription(fn));
  new Rule(scope, "MailWorker", {
    description: "Sends the mail outbox's due messages (paced to MAIL_RATE_PER_SECOND)",
    schedule: Schedule.rate(Duration.minutes(MAIL_WORKER_RATE_MINUTES)),
    targets: [new LambdaTarget(fn)],
  });
}
