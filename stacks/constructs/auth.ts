/**
 * Staff sign-in (Cognito): the user pool (TOTP MFA required, e-mail recovery, no self sign-up,
 * deletion protection outside dev, threat protection enforced: the Plus feature plan), a group per role, the hosted UI domain, and, once the console's origin is known, its PKCE client
 * and the API's JWT authorizer.
 */
import { Duration } from "aws-cdk-lib";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import {
  AccountRecovery,
  CfnUserPoolGroup,
  CfnUserPoolRiskConfigurationAttachment,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from "aws-cdk-lib/aws-cognito";
import { ROLES } from "@asso/functions";
import { slug, type StackContext } from "./context.js";

/** Staff tokens: short-lived access and id tokens, refreshed for a working day. */
export const TOKEN_LIFETIME = { accessMinutes: 15, idMinutes: 15, refreshHours: 12 } as const;

/**
 * What threat protection does with a staff sign-in: a password found in a leak is refused (at
 * sign-in and password change); an account-takeover risk asks for the TOTP code (always required
 * anyway) when low or medium, and is blocked when high. No notification e-mail (it would need an
 * SES sender of its own); the blocked attempts are in Cognito's user activity log.
 */
export const THREAT_ACTIONS = {
  compromisedCredentials: "BLOCK",
  accountTakeover: { low: "MFA_IF_CONFIGURED", medium: "MFA_IF_CONFIGURED", high: "BLOCK" },
} as const;

export interface StaffPool {
  userPool: UserPool;
  /** The hosted UI's host name (`<prefix>.auth.<region>.amazoncognito.com`), computed, not read from the domain resource. */
  authHost: string;
}

export function defineStaffPool(ctx: StackContext, opts: { authDomainPrefix?: string }): StaffPool {
  const { scope, stack, region, retain, dev } = ctx;
  const userPool = new UserPool(scope, "Staff", {
    // Threat protection (compromised credentials refused, risky sign-ins challenged or blocked) needs
    // the Plus plan, billed per monthly active user: a few staff accounts.
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
    deletionProtection: !dev,
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: false,
      tempPasswordValidity: Duration.days(3),
    },
    removalPolicy: retain,
  });
  const notNotified = (eventAction: string) => ({ eventAction, notify: false });
  new CfnUserPoolRiskConfigurationAttachment(scope, "StaffRisk", {
    userPoolId: userPool.userPoolId,
    clientId: "ALL",
    compromisedCredentialsRiskConfiguration: { actions: { eventAction: THREAT_ACTIONS.compromisedCredentials } },
    accountTakeoverRiskConfiguration: {
      actions: {
        lowAction: notNotified(THREAT_ACTIONS.accountTakeover.low),
        mediumAction: notNotified(THREAT_ACTIONS.accountTakeover.medium),
        highAction: notNotified(THREAT_ACTIONS.accountTakeover.high),
      },
    },
  });
  for (const role of ROLES) new CfnUserPoolGroup(scope, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role });
  const authDomainPrefix = opts.authDomainPrefix ?? `${slug(stack.stackName, 36)}-${stack.account}`;
  userPool.addDomain("HostedUi", { cognitoDomain: { domainPrefix: authDomainPrefix } });
  return { userPool, authHost: `${authDomainPrefix}.auth.${region}.amazoncognito.com` };
}

/** The console's client (authorization code + PKCE, no secret, callbacks under `<consoleOrigin>/console/`) and the JWT authorizer. */
export function defineConsoleClient({ scope, region }: StackContext, { userPool }: StaffPool, consoleOrigin: string) {
  const client = new UserPoolClient(scope, "StaffClient", {
    userPool,
    generateSecret: false,
    authFlows: { userSrp: true },
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
      callbackUrls: [`${consoleOrigin}/console/`],
      logoutUrls: [`${consoleOrigin}/console/`],
    },
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.minutes(TOKEN_LIFETIME.accessMinutes),
    idTokenValidity: Duration.minutes(TOKEN_LIFETIME.idMinutes),
    refreshTokenValidity: Duration.hours(TOKEN_LIFETIME.refreshHours),
  });
  const authorizer = new HttpJwtAuthorizer("StaffJwt", `https://cognito-idp.${region}.amazonaws.com/${userPool.userPoolId}`, {
    jwtAudience: [client.userPoolClientId],
    identitySource: ["$request.header.Authorization"],
  });
  return { client, authorizer };
}
