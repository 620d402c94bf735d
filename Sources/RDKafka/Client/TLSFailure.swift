// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Why a TLS connection to a broker failed, read from librdkafka's log lines and
/// error events: librdkafka itself only waits, retries and, in the end, times out.
///
/// The words of librdkafka and OpenSSL it recognises are listed here, in one place;
/// a line it does not recognise gives no diagnosis (the caller then reports a
/// plain timeout), never a wrong one.
package struct TLSFailure: Sendable, Equatable {
    /// What went wrong, e.g. `certificate verify failed: certificate has expired`.
    package let reason: String
    /// What to change, in librdkafka's property names.
    package let hint: String
    /// Whether this names OpenSSL's own verdict on the broker's certificate (from
    /// the verification hook), rather than librdkafka's summary of it. A later
    /// summary of the same handshake never replaces such a diagnosis.
    package let isDetailed: Bool

    /// The words librdkafka's verification hook writes before OpenSSL's error code
    /// (`RDKafkaClient` installs the hook; this reads its lines back).
    package static let verifyErrorMarker = "X.509 error "

    private static let caHint = "check ssl.ca.location: it must hold the CA that signed the broker's certificate"
    private static let clientCertificateHint =
        "set ssl.certificate.location and ssl.key.location (and ssl.key.password if the key has one) "
        + "to a certificate signed by a CA the broker trusts"

    /// The failure a librdkafka log line or error text reports, if it is a TLS one.
    package static func diagnose(_ line: String) -> TLSFailure? {
        if let failure = verifyError(line) { return failure }
        if line.contains("certificate verify failed") {
            return TLSFailure(reason: "certificate verify failed", hint: caHint, isDetailed: false)
        }
        if line.contains("alert certificate required") || line.contains("peer did not return a certificate") {
            return TLSFailure(
                // Also when one is set but not signed by a CA the broker names: OpenSSL then sends none.
                reason: "the broker requires a client certificate and got none it accepts",
                hint: clientCertificateHint, isDetailed: false)
        }
        for alert in ["unknown ca", "bad certificate", "certificate unknown", "certificate expired"]
        where line.contains("alert \(alert)") {
            return TLSFailure(
                reason: "the broker refused this client's certificate (TLS alert: \(alert))",
                hint:
                    "the client certificate (ssl.certificate.location) must be valid and signed by a CA the broker trusts",
                isDetailed: false)
        }
        if let range = line.range(of: "SSL handshake failed: ") {
            let detail = line[range.upperBound...].prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
            return TLSFailure(
                reason: "TLS handshake failed: \(detail)",
                hint: "check security.protocol and the ssl.* properties against the broker's listener",
                isDetailed: false)
        }
        return nil
    }

    /// This failure, or `previous` when that one says more about the same handshake.
    package func replacing(_ previous: TLSFailure?) -> TLSFailure {
        guard let previous, previous.isDetailed, !isDetailed, reason == "certificate verify failed" else {
            return self
        }
        return previous
    }

    /// The hook's line: `ssl://HOST:PORT/ID: Certificate (subject=…, issuer=…)
    /// verification callback failed: X.509 error 10: certificate has expired`.
    private static func verifyError(_ line: String) -> TLSFailure? {
        guard let marker = line.range(of: "verification callback failed: " + verifyErrorMarker) else { return nil }
        let rest = line[marker.upperBound...]
        guard let colon = rest.firstIndex(of: ":"), let code = Int(rest[..<colon]) else { return nil }
        let text = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let subject = line.range(of: "subject=").flatMap { start in
            line[start.upperBound...].range(of: ", issuer=").map { String(line[start.upperBound..<$0.lowerBound]) }
        }
        let certificate = subject.map { "the broker's certificate (\($0))" } ?? "the broker's certificate"
        switch code {
        case 62, 64: // X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
            let host = brokerHost(line).map { " \($0)" } ?? " the address connected to"
            return TLSFailure(
                reason: "host name mismatch: \(certificate) is not for\(host)",
                hint: "connect by a name the certificate holds (-b), or set "
                    + "ssl.endpoint.identification.algorithm=none to skip the check",
                isDetailed: true)
        case 9, 10: // X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED
            return TLSFailure(
                reason: "certificate verify failed: \(text): \(certificate)",
                hint: "renew the broker's certificate, or check this machine's clock", isDetailed: true)
        default:
            return TLSFailure(reason: "certificate verify failed: \(text)", hint: caHint, isDetailed: true)
        }
    }

    /// `HOST` of the `ssl://HOST:PORT/ID:` that starts librdkafka's broker lines.
    private static func brokerHost(_ line: String) -> String? {
        guard let scheme = line.range(of: "://") else { return nil }
        let address = line[scheme.upperBound...].prefix { $0 != "/" && $0 != " " }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        let host = address[..<colon]
        return host.isEmpty ? nil : String(host)
    }
}
