/**
 * Certificate contracts: the node certificates of a configuration-management CA (the Puppet CA in
 * Puppetserver). Listing is a read; signing, revoking and cleaning change who may talk to the server, so they
 * are admin-risk capabilities (a token needs the capability itself, `certificate.*`, `risk:admin` or `*`).
 *
 * Format: Puppet Server's CA API v1, certificate_status(es) and clean
 * (https://puppet.com/docs/puppetserver/7/http_certificate_status.html,
 * https://puppet.com/docs/puppetserver/7/http_certificate_clean.html). Fingerprints are the CA's own
 * colon-separated hex strings; times are ISO 8601 UTC (the CA's `2026-11-23T23:31:00UTC` rewritten).
 *
 * Errors: an unknown certname is a 404 `CAPSTAN_ERR_CERTIFICATE_NOT_FOUND`; a change the CA refuses in the
 * certificate's current state (signing a signed one, revoking a request) is a 409
 * `CAPSTAN_ERR_CERTIFICATE_STATE_CONFLICT` with the CA's message; the CA refusing Capstan's own certificate
 * (it lacks pp_cli_auth, auth.conf) is a 502 `CAPSTAN_ERR_TARGET_AUTH_FAILED`.
 */
import { Type } from '@sinclair/typebox';
import { dateTime, defineContract, ref, stringEnum, stringMap } from './common.js';

export const CERTIFICATE_STATES = ['requested', 'signed', 'revoked'] as const;

const certname = (description = 'Certname (the node name the certificate is for).') =>
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-z0-9._-]+$', description });

export const Certificate = Type.Object({
  name: Type.String({ description: 'Certname.' }),
  state: stringEnum(CERTIFICATE_STATES, { description: 'requested: a CSR waits for signing; signed; revoked (in the CRL).' }),
  fingerprint: Type.String({ description: 'SHA-256 fingerprint (colon-separated hex) of the certificate, or of the CSR while requested.' }),
  dnsAltNames: Type.Array(Type.String(), { description: 'Subject alternative names, `DNS:` / `IP:` prefixed.' }),
  authorizationExtensions: stringMap({ description: 'pp_* authorization extensions (pp_cli_auth marks an admin certificate).' }),
  serialNumber: Type.Union([Type.Integer(), Type.Null()], { description: 'Serial number, null while requested.' }),
  notBefore: Type.Union([dateTime(), Type.Null()], { description: 'Start of validity, null while requested.' }),
  notAfter: Type.Union([dateTime(), Type.Null()], { description: 'End of validity, null while requested.' }),
}, {
  $id: 'Certificate',
  description: 'A node certificate (or certificate request) known to the CA.',
  examples: [{
    name: 'node2', state: 'signed', fingerprint: '1E:99:DC:74:65:D3:FB:87:56:CB:94:99:0F:B1:F1:FE:52:0C:0F:55:84:AA:69:7F:34:43:CD:98:8A:83:5E:A8',
    dnsAltNames: ['DNS:node2'], authorizationExtensions: {}, serialNumber: 3, notBefore: '2026-11-23T23:31:00Z', notAfter: '2031-11-23T23:31:00Z',
  }],
});

export const CertificateListParams = Type.Object({
  state: Type.Optional(stringEnum(CERTIFICATE_STATES, { description: 'Only certificates in this state.' })),
}, {
  $id: 'CertificateListParams',
  additionalProperties: false,
  description: 'Which certificates to list.',
  examples: [{}, { state: 'requested' }],
});

export const CertificateListResult = Type.Object({
  certificates: Type.Array(ref(Certificate), { description: 'Sorted by name.' }),
}, {
  $id: 'CertificateListResult',
  description: 'The CA\'s certificates and pending requests.',
  examples: [{ certificates: [(Certificate.examples as unknown[])[0]] }],
});

export const CertificateSignParams = Type.Object({
  name: certname(),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 50 * 365 * 86400, description: 'Validity of the signed certificate; default: the CA\'s ca_ttl.' })),
}, {
  $id: 'CertificateSignParams',
  additionalProperties: false,
  description: 'The pending request to sign.',
  examples: [{ name: 'web1.example.com' }],
});

export const CertificateRevokeParams = Type.Object({ name: certname() }, {
  $id: 'CertificateRevokeParams',
  additionalProperties: false,
  description: 'The signed certificate to revoke (added to the CRL; the files stay).',
  examples: [{ name: 'web1.example.com' }],
});

export const CertificateCleanParams = Type.Object({ name: certname() }, {
  $id: 'CertificateCleanParams',
  additionalProperties: false,
  description: 'The certificate to clean: revoked if signed, then every file of it removed (the node may request anew).',
  examples: [{ name: 'web1.example.com' }],
});

export const CertificateChangeResult = Type.Object({
  name: Type.String(),
  certificate: Type.Union([ref(Certificate), Type.Null()], { description: 'The certificate after the change, null once cleaned.' }),
  changedAt: dateTime(),
}, {
  $id: 'CertificateChangeResult',
  description: 'The certificate as the CA holds it after the change.',
  examples: [{ name: 'node2', certificate: { ...(Certificate.examples as Record<string, unknown>[])[0], state: 'revoked' }, changedAt: '2026-11-29T19:30:00Z' }],
});

export const certificateList = defineContract({
  name: 'certificate.list',
  description: 'List the CA\'s node certificates and pending certificate requests, with state and fingerprints.',
  params: CertificateListParams,
  result: CertificateListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const certificateSign = defineContract({
  name: 'certificate.sign',
  description: 'Sign a pending certificate request, letting the node talk to the configuration server.',
  params: CertificateSignParams,
  result: CertificateChangeResult,
  riskLevel: 'admin',
  mode: 'query',
  // The certificate's name is the node's certname.
  nodeParams: ['name'],
});

export const certificateRevoke = defineContract({
  name: 'certificate.revoke',
  description: 'Revoke a signed certificate (CRL), cutting the node off from the configuration server.',
  params: CertificateRevokeParams,
  result: CertificateChangeResult,
  riskLevel: 'admin',
  mode: 'query',
  // The certificate's name is the node's certname.
  nodeParams: ['name'],
});

export const certificateClean = defineContract({
  name: 'certificate.clean',
  description: 'Revoke a certificate and delete every file of it from the CA, so the node can request a new one.',
  params: CertificateCleanParams,
  result: CertificateChangeResult,
  riskLevel: 'admin',
  mode: 'query',
  // The certificate's name is the node's certname.
  nodeParams: ['name'],
});

export const CERTIFICATE_CONTRACTS = [certificateList, certificateSign, certificateRevoke, certificateClean];
export const CERTIFICATE_SCHEMAS = [
  Certificate, CertificateListParams, CertificateListResult, CertificateSignParams, CertificateRevokeParams, CertificateCleanParams, CertificateChangeResult,
];
