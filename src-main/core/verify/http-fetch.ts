/** Small bounded HTTP client for OCSP, CRLs and CA issuer certificates (node:http/https, no dependencies). */
import http from 'node:http';
import https from 'node:https';

/**
 * A bounded HTTP exchange: aborts after `timeoutMs`, refuses bodies over `maxBytes` and non-2xx answers.
 * node:http rather than fetch: simple HTTP/1.0 responders (openssl ocsp, many CA appliances) answer without
 * a length and wait for the client to close; `Connection: close` makes both sides agree.
 */
export function httpFetch(
  url: string,
  req: { method: 'GET' | 'POST'; body?: Buffer; contentType?: string },
  timeoutMs: number,
  maxBytes: number,
  redirects = 3,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { connection: 'close', accept: '*/*' };
    if (req.body) {
      headers['content-type'] = req.contentType ?? 'application/octet-stream';
      headers['content-length'] = req.body.length;
    }
    const r = mod.request(u, { method: req.method, headers, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        httpFetch(new URL(res.headers.location, u).toString(), req, timeoutMs, maxBytes, redirects - 1).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        reject(new Error(`respuesta HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) {
          r.destroy(new Error(`respuesta de más de ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    const timer = setTimeout(() => r.destroy(new Error(`sin respuesta en ${timeoutMs} ms`)), timeoutMs);
    r.on('close', () => clearTimeout(timer));
    r.on('timeout', () => r.destroy(new Error(`sin respuesta en ${timeoutMs} ms`)));
    r.on('error', (err: NodeJS.ErrnoException) => reject(err.code ? new Error(`no se pudo conectar (${err.code})`) : err));
    r.end(req.body);
  });
}
