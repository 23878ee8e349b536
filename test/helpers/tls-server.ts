import type { Pki } from './certificates.js';
import { freePort, startServer, type TestLike, type TestServer } from './server.js';

export interface TlsTestServer {
  server: TestServer;
  tlsPort: number;
  /** wss://127.0.0.1:PORT/ocpp, the TLS endpoint stations append their id to. */
  wss: string;
}

/**
 * A test server with the OCPP TLS listener (security profiles 2 and 3) beside the plain one:
 * it serves the test PKI's server certificate and trusts the PKI's station CA. `env` adds or
 * overrides CSMS_* variables (another station CA file, a CRL file, log level, workers).
 */
export async function startTlsServer(t: TestLike, pki: Pki, env: Record<string, string> = {}): Promise<TlsTestServer> {
  const tlsPort = await freePort();
  const server = await startServer(t, {
    env: {
      CSMS_OCPP_TLS_PORT: String(tlsPort),
      CSMS_TLS_CERT_FILE: pki.serverCertFile,
      CSMS_TLS_KEY_FILE: pki.serverKeyFile,
      CSMS_TLS_STATION_CA_FILE: pki.caFile,
      ...env,
    },
  });
  return { server, tlsPort, wss: `wss://127.0.0.1:${tlsPort}/ocpp` };
}
