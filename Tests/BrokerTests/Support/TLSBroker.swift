// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Certificates made by `openssl` for one TLS broker, in a temporary folder of
/// their own: a CA, broker certificates (good, expired, for another host name),
/// another CA that signed none of them, and a client certificate whose key is
/// encrypted with `keyPassword`.
final class TestCertificates: Sendable {
    /// The folder, removed with this value.
    let directory: String
    /// The key password of `clientKey`; the tests check it is never shown.
    let keyPassword = "kp-\(UUID().uuidString.prefix(12))"

    var ca: String { directory + "/ca.pem" }
    var otherCA: String { directory + "/other-ca.pem" }
    var clientCertificate: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }
    /// The client's key in a certificate signed by `otherCA`, which the broker does not trust.
    var untrustedClientCertificate: String { directory + "/client-other-ca.pem" }
    /// A file holding `keyPassword` and a newline, as a secret file would.
    var keyPasswordFile: String { directory + "/client.key.password" }

    /// The broker certificates to choose from.
    enum Server: String, Sendable {
        /// For `127.0.0.1` and `localhost`, signed by `ca`, valid now.
        case valid = "server"
        /// The same names and CA, valid only in 2020.
        case expired
        /// Signed by `ca`, valid now, but for `other.example` only.
        case otherHost = "other-host"
    }

    func certificate(_ server: Server) -> String { "\(directory)/\(server.rawValue).pem" }
    var serverKey: String { directory + "/server.key" }

    /// A new set (about 0.1 s of openssl with EC keys), its folder removed with it.
    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("hyphactl-tls-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        try openssl(
            ["req", "-x509"] + ec + ["-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]
                + ["-subj", "/CN=hyphactl test CA"])
        try openssl(
            ["req", "-x509"] + ec + ["-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem"]
                + ["-days", "2", "-subj", "/CN=some other CA"])
        try openssl(["req"] + ec + ["-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
        try openssl(
            ["req"] + ec + ["-nodes", "-keyout", "other-host.key", "-out", "other-host.csr"]
                + ["-subj", "/CN=other.example"])
        try openssl(
            ["req"] + ec + ["-keyout", "client.key", "-passout", "pass:\(keyPassword)", "-out", "client.csr"]
                + ["-subj", "/CN=hyphactl test client"])
        try (keyPassword + "\n").write(toFile: keyPasswordFile, atomically: true, encoding: .utf8)
        // `openssl ca` is the one tool of OpenSSL 3.0 that sets any dates, those of the past included.
        try """
        [ca]
        default_ca = test
        [test]
        database = index.txt
        new_certs_dir = .
        serial = serial
        default_md = sha256
        policy = any
        unique_subject = no
        [any]
        commonName = supplied
        [server]
        subjectAltName = DNS:localhost,IP:127.0.0.1
        [other-host]
        subjectAltName = DNS:other.example
        [client]
        extendedKeyUsage = clientAuth

        """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
        func sign(_ request: String, _ output: String, _ extensions: String, dates: [String]) throws {
            try openssl(
                ["ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key"]
                    + ["-in", request, "-out", output, "-extensions", extensions] + dates)
        }
        try sign("server.csr", "server.pem", "server", dates: ["-days", "2"])
        try sign(
            "server.csr", "expired.pem", "server",
            dates: ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"])
        try sign("other-host.csr", "other-host.pem", "other-host", dates: ["-days", "2"])
        try sign("client.csr", "client.pem", "client", dates: ["-days", "2"])
        try openssl(
            ["x509", "-req", "-in", "client.csr", "-CA", "other-ca.pem", "-CAkey", "other-ca.key", "-set_serial", "7"]
                + ["-days", "2", "-out", "client-other-ca.pem"])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private func openssl(_ arguments: [String]) throws {
        let openssl = try TLSBroker.tool("openssl", package: "openssl")
        let result = try Subprocess.run(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory, openssl] + arguments, timeout: 30)
        try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    }
}

/// A Tansu broker of the test's own behind stunnel: clients speak TLS to
/// `bootstrap`, stunnel speaks plaintext to Tansu on another loopback port, and
/// Tansu advertises the stunnel port, so that Metadata sends clients back through TLS.
final class TLSBroker {
    /// `127.0.0.1:PORT` of stunnel's TLS listener.
    let bootstrap: String
    let certificates: TestCertificates
    private var tansu: ChildProcess?
    private var stunnel: ChildProcess?
    private let directory: String

    /// `server` is the certificate stunnel shows; with `requireClientCertificate`
    /// it refuses a client without a certificate signed by the test CA (stunnel's
    /// `verify = 2`).
    init(server: TestCertificates.Server = .valid, requireClientCertificate: Bool = false) throws {
        certificates = try TestCertificates()
        let stunnelPath = try Self.tool("stunnel4", package: "stunnel4")
        directory = certificates.directory
        let plainPort = try PrivateBroker.freePort()
        let tlsPort = try PrivateBroker.freePort()
        bootstrap = "127.0.0.1:\(tlsPort)"

        let tansu = try ChildProcess(
            try TestEnvironment.require("HYPHA_TEST_TANSU"),
            [
                "broker", "--listener-url", "tcp://127.0.0.1:\(plainPort)", "--advertised-listener-url",
                "tcp://\(bootstrap)",
            ])
        self.tansu = tansu

        var config = """
            foreground = yes
            pid = \(directory)/stunnel.pid
            output = \(directory)/stunnel.log
            [kafka]
            accept = \(bootstrap)
            connect = 127.0.0.1:\(plainPort)
            cert = \(certificates.certificate(server))
            key = \(server == .otherHost ? certificates.directory + "/other-host.key" : certificates.serverKey)

            """
        if requireClientCertificate { config += "verify = 2\nCAfile = \(certificates.ca)\n" }
        try config.write(toFile: directory + "/stunnel.conf", atomically: true, encoding: .utf8)
        let stunnel = try ChildProcess(stunnelPath, [directory + "/stunnel.conf"])
        self.stunnel = stunnel

        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if PrivateBroker.accepts(plainPort) && PrivateBroker.accepts(tlsPort) { return }
            guard tansu.isRunning && stunnel.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        let log = (try? String(contentsOfFile: directory + "/stunnel.log", encoding: .utf8)) ?? ""
        Issue.record("Tansu on \(plainPort) and stunnel on \(tlsPort) did not both start: \(log.suffix(2000))")
        throw PrivateBroker.BrokerDidNotStart()
    }

    /// `-X` options for a client that trusts the test CA.
    var tlsOptions: [String] { ["-X", "security.protocol=ssl", "-X", "ssl.ca.location=\(certificates.ca)"] }

    /// `tlsOptions` and the client certificate, its key and the key's password.
    var mutualTLSOptions: [String] {
        tlsOptions + [
            "-X", "ssl.certificate.location=\(certificates.clientCertificate)",
            "-X", "ssl.key.location=\(certificates.clientKey)", "-X", "ssl.key.password=\(certificates.keyPassword)",
        ]
    }

    private func stop() {
        for process in [stunnel, tansu].compactMap(\.self) {
            process.signal(SIGKILL)
            process.waitForExit()
        }
    }

    deinit { stop() }

    /// A program that scripts/setup installs; a missing one fails the test with
    /// what to install (these tests never skip).
    static func tool(_ name: String, package: String) throws -> String {
        let found = ["/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return try #require(
            found, "\(name) is not installed: run scripts/setup, which installs the Debian package \(package)")
    }
}
