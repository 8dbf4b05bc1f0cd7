import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The public surface, name by name: adding or removing an export is a deliberate change to this
 * list (and a line in the CHANGELOG), never a side effect.
 */
const ENTRY_POINTS = [
  {
    entry: 'index.ts',
    values: [
      'EncryptingTokenStore',
      'FEISHU_AUTH_DEFAULTS',
      'FeishuApiError',
      'FeishuAppTicketUnavailableError',
      'FeishuAuthError',
      'FeishuAuthGuard',
      'FeishuAuthModule',
      'FeishuBearerAuthenticator',
      'FeishuBudgetExceededError',
      'FeishuClient',
      'FeishuCodeGuard',
      'FeishuConfigError',
      'FeishuEventHandler',
      'FeishuEventRejectedError',
      'FeishuEventsController',
      'FeishuLoginException',
      'FeishuLoginGuard',
      'FeishuOAuthClient',
      'FeishuReauthRequiredError',
      'FeishuRefreshLockTimeoutError',
      'FeishuSessionService',
      'FeishuStoreUnavailableError',
      'FeishuTenantKeyRequiredError',
      'FeishuTokenRefError',
      'FeishuTokenStore',
      'FeishuUser',
      'InMemoryTokenStore',
      'RedisTokenStore',
      'TenantAccessToken',
      'TokenRefreshScheduler',
      'TokenService',
      'UserAccessToken',
      'toFeishuHttpException',
    ],
    types: [
      'ExchangeCodeInput',
      'FeishuApiErrorDetails',
      'FeishuAuthContext',
      'FeishuAuthModuleExtras',
      'FeishuAuthModuleOptions',
      'FeishuAuthenticatedRequest',
      'FeishuAppTicketStore',
      'FeishuCachedToken',
      'FeishuDomain',
      'FeishuEncryptionOptions',
      'FeishuErrorKind',
      'FeishuEventAck',
      'FeishuEventClaimStore',
      'FeishuEventHeaders',
      'FeishuEventOptions',
      'FeishuHttpExceptionOptions',
      'FeishuHttpOptions',
      'FeishuHttpRequest',
      'FeishuHttpResponse',
      'FeishuLockStore',
      'FeishuLoginFailureReason',
      'FeishuProfile',
      'FeishuRefreshOptions',
      'FeishuRefreshSchedule',
      'FeishuRequestOptions',
      'FeishuSessionOptions',
      'FeishuSessionRecord',
      'FeishuSessionReference',
      'FeishuSessionStore',
      'FeishuSessionToken',
      'FeishuStrangerBudgetOptions',
      'FeishuTenantTokenOptions',
      'FeishuTokenCache',
      'FeishuTokenEndpoint',
      'FeishuTokenIssuer',
      'FeishuTokenKind',
      'FeishuTokenRef',
      'FeishuTokenRefreshEvent',
      'FeishuTokenRefreshFailedEvent',
      'FeishuTokenStatus',
      'FeishuUserTokenRecord',
      'FeishuUserTokenSet',
      'FeishuUserTokenStore',
      'FeishuUserTokenWrite',
      'InMemoryTokenStoreOptions',
      'RedisTokenStoreClient',
      'RedisTokenStoreNode',
      'RedisTokenStoreOptions',
      'RedisTokenStorePipeline',
    ],
  },
  {
    entry: 'lark/index.ts',
    values: ['FeishuLarkModule', 'InjectLarkClient', 'LARK_CLIENT', 'LarkUserTokens'],
    types: [
      'FeishuLarkModuleExtras',
      'FeishuLarkModuleOptions',
      'LarkClient',
      'LarkRequestOptions',
      'LarkUserSubject',
    ],
  },
  {
    entry: 'testing/index.ts',
    values: [
      'describeAppTicketContract',
      'describeEventClaimContract',
      'describeLockContract',
      'describeRefreshScheduleContract',
      'describeSessionContract',
      'describeTokenCacheContract',
      'describeTokenStoreContract',
      'describeUserTokenContract',
    ],
    types: [
      'TokenStoreContractMatchers',
      'TokenStoreContractOptions',
      'TokenStoreHarness',
      'TokenStoreHarnessFactory',
      'TokenStoreTestRunner',
    ],
  },
  {
    entry: 'health/index.ts',
    values: ['FeishuHealthIndicator', 'FeishuHealthModule', 'SCHEDULER_LATE_INTERVALS'],
    types: [
      'FeishuHealthCheckOptions',
      'FeishuHealthDetails',
      'FeishuSchedulerHealth',
      'FeishuTokenHealth',
    ],
  },
];

interface Exported {
  values: string[];
  types: string[];
  /** `export * from …` hides what it exports: refused. */
  star: number;
}

/** What an entry file exports, read from its syntax (types included, which a runtime import loses). */
function exportsOf(entry: string): Exported {
  const path = fileURLToPath(new URL(entry, import.meta.url));
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const found: Exported = { values: [], types: [], star: 0 };
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause)) {
        found.star += 1;
        continue;
      }
      for (const element of clause.elements) {
        const list = statement.isTypeOnly || element.isTypeOnly ? found.types : found.values;
        list.push(element.name.text);
      }
    } else if (
      (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) &&
      statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      found.types.push(statement.name.text);
    }
  }
  return { values: found.values.sort(), types: found.types.sort(), star: found.star };
}

describe('public surface', () => {
  it.each(ENTRY_POINTS)('should export exactly the listed names from $entry', (expected) => {
    const actual = exportsOf(expected.entry);

    expect(actual.star).toBe(0);
    expect(actual.values).toEqual([...expected.values].sort());
    expect(actual.types).toEqual([...expected.types].sort());
  });

  it.each(ENTRY_POINTS)('should load exactly the listed values from $entry', async (expected) => {
    const loaded = (await import(`./${expected.entry.replace(/\.ts$/, '.js')}`)) as object;

    expect(Object.keys(loaded).sort()).toEqual([...expected.values].sort());
  });
});
