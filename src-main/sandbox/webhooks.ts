/**
 * Webhook delivery per Standard Webhooks v1: headers `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 part of the
 * institution's `whsec_...` secret. Failed deliveries (network error, timeout, non-2xx) are retried with
 * exponential backoff and full jitter; the same webhook-id is kept across retries so receivers can dedupe.
 */
import crypto from 'node:crypto';

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return 'v1,' + crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** Checks a received signature header (space-separated list of `v1,<sig>`); constant-time compare. */
export function verifyWebhookSignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
): boolean {
  const expected = Buffer.from(signWebhook(secret, headers.id, Number(headers.timestamp), body));
  return headers.signature.split(' ').some((candidate) => {
    const got = Buffer.from(candidate);
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}

export type WebhookAttempt = { webhookId: string; url: string; attempt: number; at: number; outcome: string };

export type WebhookOptions = { maxAttempts: number; baseDelayMs: number; capDelayMs: number; timeoutMs: number };

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = { maxAttempts: 6, baseDelayMs: 500, capDelayMs: 60_000, timeoutMs: 5_000 };

/** Sends webhooks in the background; keeps a bounded log of attempts for `/sandbox/webhooks`. */
export class WebhookDispatcher {
  private readonly log: WebhookAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: WebhookOptions) {}

  attempts(): WebhookAttempt[] {
    return [...this.log];
  }

  dispatch(url: string, secret: string, payload: unknown): string {
    const webhookId = 'msg_' + crypto.randomBytes(12).toString('hex');
    const body = JSON.stringify(payload);
    void this.attempt(url, secret, webhookId, body, 1);
    return webhookId;
  }

  private async attempt(url: string, secret: string, webhookId: string, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let outcome: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, webhookId, timestamp, body),
        },
        body,
        signal: controller.signal,
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      outcome = res.ok ? 'delivered' : `http-${res.status}`;
    } catch (err) {
      outcome = controller.signal.aborted ? 'timeout' : `network: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    this.log.push({ webhookId, url, attempt, at: Date.now(), outcome });
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
    if (outcome === 'delivered' || attempt >= this.options.maxAttempts || this.closed) return;
    const delay = Math.random() * Math.min(this.options.capDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(url, secret, webhookId, body, attempt + 1);
    }, delay);
    this.timers.add(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.inFlight) c.abort();
    this.timers.clear();
  }
}
