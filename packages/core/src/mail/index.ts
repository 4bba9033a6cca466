/**
 * The mail domain's door: one outbox for every e-mail the association sends to donors and members.
 * A message is written in the same transaction as the fact that causes it (`messageIntents`, added
 * to the fact's unit of work) or on its own (`queueMessage`), exactly once per (fact, kind); the
 * worker (`sendQueued`) composes it in French at send time (the association's identity in the
 * footer, attachments read from the files bucket), sends it through a transport (SMTP locally,
 * Amazon SES v2 in AWS), retries it with back-off and paces it; an address that bounced is marked
 * and not written to again until the trésorier clears it. See docs/mail.md.
 */
export {
  addressMark,
  clearAddressMark,
  eraseMessages,
  listMessages,
  markAddressBounced,
  markedAddresses,
  messageIdOf,
  messageIntents,
  normaliseEmail,
  personMessages,
  queueMessage,
  resendMessage,
} from "./outbox.js";
export * from "./schemas.js";
export { longDate, render, subjectOf, type Sender } from "./templates.js";
export { compose, messageIdFor, type ComposedMail } from "./compose.js";
export { SendFailed, sesTransport, smtpTransport, transportFromEnv, type MailTransport } from "./transports.js";
export { rateFromEnv, sendQueued, startMailLoop, type SendOptions, type SendReport } from "./worker.js";
export { recordSesEvent, SesEventSchema, type SesEventOutcome } from "./events.js";
