/**
 * Store role: the app_ticket Feishu pushes to a store app every hour, which any instance may
 * receive and every instance needs to obtain app tokens. A ticket issued earlier never replaces
 * one issued later.
 *
 * @publicApi
 */
export interface FeishuAppTicketStore {
  /** The latest app_ticket Feishu pushed to a store app (any instance may have received it). */
  getAppTicket(appId: string): Promise<string | undefined>;
  /**
   * Stores the ticket unless the stored one was issued later, in one atomic step; `issuedAt` is the
   * event's create time (epoch ms). Resolves whether the ticket was stored (a tie replaces).
   */
  setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean>;
}
