// SPDX-License-Identifier: Apache-2.0
import CRdKafka

/// Makes librdkafka say why OpenSSL rejected a broker's certificate.
///
/// librdkafka reports every rejection as the same `certificate verify failed`:
/// an expired certificate, an unknown CA and a host name mismatch read alike.
/// With a verification hook installed it logs the hook's words instead, as a
/// line of the log queue (`Certificate (subject=…, issuer=…) verification
/// callback failed: …`), which `TLSFailure` reads back like any other line. The
/// hook keeps OpenSSL's verdict as it is: it accepts exactly what OpenSSL
/// accepted, and only names the error of what it did not.
enum TLSVerification {
    /// Installs the hook on a configuration; a librdkafka built without TLS
    /// refuses it, and then has no certificates to verify anyway.
    static func install(on conf: OpaquePointer) {
        // A C function pointer: the closure captures nothing and keeps no state,
        // so librdkafka's broker threads may call it at any time.
        _ = rd_kafka_conf_set_ssl_cert_verify_cb(conf) { _, _, _, x509Error, _, _, _, errorText, errorSize, _ in
            guard let x509Error, x509Error.pointee != 0 else { return 1 }
            let code = x509Error.pointee
            let text = TLSFailure.verifyErrorMarker + "\(code): " + TLSVerification.name(of: code)
            if let errorText, errorSize > 0 {
                let bytes = Array(text.utf8.prefix(errorSize - 1))
                for (index, byte) in bytes.enumerated() { errorText[index] = CChar(bitPattern: byte) }
                errorText[bytes.count] = 0
            }
            return 0
        }
    }

    /// OpenSSL's words for its verification errors (`X509_verify_cert_error_string`,
    /// which is not ours to call: only librdkafka's API is).
    static func name(of code: Int32) -> String {
        switch code {
        case 2: "unable to get issuer certificate"
        case 7: "certificate signature failure"
        case 9: "certificate is not yet valid"
        case 10: "certificate has expired"
        case 18: "self-signed certificate"
        case 19: "self-signed certificate in certificate chain"
        case 20: "unable to get local issuer certificate"
        case 21: "unable to verify the first certificate"
        case 23: "certificate revoked"
        case 24: "invalid CA certificate"
        case 26: "unsupported certificate purpose"
        case 62: "hostname mismatch"
        case 64: "IP address mismatch"
        default: "OpenSSL verification error \(code)"
        }
    }
}
