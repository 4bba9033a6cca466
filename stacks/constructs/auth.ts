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
