// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus
@testable import RDKafka

@Suite("TLS failures read from librdkafka's lines")
struct TLSFailureTests {
    static let prefix = "ssl://127.0.0.1:41002/bootstrap: "

    @Test("the verification hook's line names OpenSSL's error, the certificate and the fix")
    func verifyErrors() throws {
        func hook(_ code: Int32) -> String {
            Self.prefix + "Certificate (subject=/CN=other.example, issuer=/CN=test CA) verification callback failed: "
                + TLSFailure.verifyErrorMarker + "\(code): " + TLSVerification.name(of: code)
        }
        let host = try #require(TLSFailure.diagnose(hook(62)))
        #expect(host.reason == "host name mismatch: the broker's certificate (/CN=other.example) is not for 127.0.0.1")
        #expect(host.hint.contains("ssl.endpoint.identification.algorithm"))
        #expect(host.isDetailed)
        let expired = try #require(TLSFailure.diagnose(hook(10)))
        #expect(expired.reason.hasPrefix("certificate verify failed: certificate has expired"))
        #expect(expired.hint.contains("renew"))
        let untrusted = try #require(TLSFailure.diagnose(hook(20)))
        #expect(untrusted.reason == "certificate verify failed: unable to get local issuer certificate")
        #expect(untrusted.hint.contains("ssl.ca.location"))
    }

    @Test("librdkafka's own summaries; a summary never replaces the hook's diagnosis")
    func summaries() throws {
        let summary = try #require(
            TLSFailure.diagnose(
                Self.prefix + "SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: "
                    + "broker certificate could not be verified (after 1ms in state SSL_HANDSHAKE)"))
        #expect(summary.reason == "certificate verify failed")
        let detailed = TLSFailure(reason: "host name mismatch: x", hint: "h", isDetailed: true)
        #expect(summary.replacing(detailed) == detailed)
        #expect(detailed.replacing(summary) == detailed)
        let required = try #require(
            TLSFailure.diagnose(
                Self.prefix + "Receive failed: error:0A00045C:SSL routines::tlsv13 alert certificate required: "
                    + "SSL alert number 116 (after 0ms in state APIVERSION_QUERY)"))
        #expect(required.reason.contains("requires a client certificate"))
        #expect(required.replacing(detailed) == required)
        #expect(TLSFailure.diagnose(Self.prefix + "Disconnected: connection reset by peer") == nil)
        #expect(TLSFailure.diagnose("1/1 brokers are down") == nil)
    }
}
