// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import RDKafka
import RDKafkaAdmin
import Synchronization

/// One finding of `doctor`.
struct DoctorFinding: Sendable, Equatable {
    /// How bad it is; skip: not checked, and why.
    enum Status: String, Sendable { case ok, skip, warn, fail }

    /// ok, skip, warn or fail.
    let status: Status
    /// What was checked, e.g. `reach kafka-1:9092`.
    let check: String
    /// What was found.
    let detail: String
    /// What to do about it, for warn and fail.
    let fix: String?

    init(_ status: Status, _ check: String, _ detail: String, fix: String? = nil) {
        self.status = status
        self.check = check
        self.detail = detail
        self.fix = fix
    }
}

/// What stands between this machine and a working bus, checked in order: each
/// bootstrap server's name and port, the brokers' answer, the loaded librdkafka
/// against them, Hypha's topics against the recommended settings, stale servers.
enum Doctor {
    /// Recommended for Hypha's topics in production (docs/deploy.md).
    static let recommended = (partitions: 3, replicationFactor: 3, minInsyncReplicas: 2)

    /// Every finding, in the order checked; later checks are skipped when Kafka cannot be reached.
    static func examine(settings: KafkaClientSettings, nowMillis: Int64) async -> [DoctorFinding] {
        // One survey of the servers also lists the topics the later checks read.
        // It starts at once: the address checks before it wait for round trips of
        // their own, and a broker they cannot reach fails it as fast.
        // The first event topic's settings are asked on the survey's connection as
        // soon as its Metadata names the topics, beside the rest of the survey.
        let early = EarlyConfigs()
        async let surveyed: Result<ServerSurvey.Findings, KafkaFailure> = {
            do throws(KafkaFailure) {
                return .success(
                    try await ServerSurvey.take(
                        settings: settings,
                        alongside: { topics, client in
                            guard let first = topics.filter(isEventTopic).min(by: { $0.name < $1.name }) else {
                                return
                            }
                            early.answer = Result { () throws(KafkaFailure) in
                                try client.describeTopicConfigs(first.name)
                            }
                        },
                        nowMillis: { nowMillis }))
            } catch {
                return .failure(error)
            }
        }()
        var findings = reachability(settings)
        findings.append(apiVersions(settings))
        let admin: KafkaAdmin
        let topics: [ClusterMetadata.Topic]
        let servers: DoctorFinding
        do {
            do {
                let survey = try await surveyed.get()
                (admin, topics) = (survey.admin, survey.hyphaTopics)
                servers = staleServers(survey.reports)
            } catch  where error.kind != .unreachable && error.kind != .incompatibleClient {
                // The brokers answer, the groups do not (an ACL, an old broker).
                admin = try KafkaAdmin(settings: settings)
                topics = try await admin.metadata().topics.filter { HyphaTopic.isHypha($0.name) }
                servers = DoctorFinding(
                    .warn, "servers", "could not survey the Hypha servers: \(error.reason)",
                    fix: "run hyphactl servers -v")
            }
            if let tls = tls(settings, failure: nil) { findings.append(tls) }
            findings.append(librdkafka(failure: nil))
            findings.append(DoctorFinding(.ok, "brokers", "answered Metadata; \(topics.count) Hypha topics"))
        } catch {
            if let tls = tls(settings, failure: error) { findings.append(tls) }
            findings.append(librdkafka(failure: error))
            let fix =
                switch error.kind {
                case .incompatibleClient: "see the librdkafka check above"
                case _ where error.code == .ssl: "see the tls check above"
                default: "check the addresses above, security settings (-X, the context) and --timeout"
                }
            findings.append(DoctorFinding(.fail, "brokers", error.reason, fix: fix))
            return findings
        }
        findings += await topicSettings(topics, admin: admin, asked: early.answer)
        findings.append(servers)
        return findings
    }

    /// The TLS handshake with the brokers, when the settings ask for TLS: whether
    /// librdkafka's handshake succeeded, and if not, OpenSSL's reason and the fix.
    /// nil when the connection is plaintext. `failure` is how reaching the brokers
    /// failed, if it did.
    static func tls(_ settings: KafkaClientSettings, failure: KafkaFailure?) -> DoctorFinding? {
        guard usesTLS(settings) else { return nil }
        if let failure, failure.code == .ssl {
            let reason = failure.reason.range(of: " failed: ").map { String(failure.reason[$0.upperBound...]) }
            return DoctorFinding(.fail, "tls", reason ?? failure.reason, fix: failure.hint)
        }
        guard failure == nil else { return nil } // not reached at all: the brokers check says why
        func property(_ key: String) -> String? { settings.properties.last { $0.name == key }?.value }
        let ca = property("ssl.ca.location").map { "CA \($0)" } ?? "the system's CA certificates"
        let client = property("ssl.certificate.location").map { "client certificate \($0)" } ?? "no client certificate"
        let hostCheck =
            property("ssl.endpoint.identification.algorithm")?.lowercased() == "none"
            ? "host name not checked" : "host name checked"
        if property("enable.ssl.certificate.verification")?.lowercased() == "false" {
            return DoctorFinding(
                .warn, "tls", "handshake done, but the broker's certificate is not verified; \(client)",
                fix: "drop enable.ssl.certificate.verification=false and set ssl.ca.location")
        }
        return DoctorFinding(
            .ok, "tls", "handshake done, broker certificate verified by \(ca); \(hostCheck); \(client)")
    }

    /// Whether security.protocol is ssl or sasl_ssl (the last value given wins, as in librdkafka).
    static func usesTLS(_ settings: KafkaClientSettings) -> Bool {
        let value = settings.properties.last { $0.name == "security.protocol" }?.value.lowercased()
        return value == "ssl" || value == "sasl_ssl"
    }

    /// The first reachable broker's ApiVersions answer (asked in version 0, which
    /// every broker answers without tagged fields).
    static func apiVersions(_ settings: KafkaClientSettings) -> DoctorFinding {
        guard !usesTLS(settings) else {
            return DoctorFinding(
                .skip, "broker API versions",
                "not asked: this check speaks plaintext, the brokers TLS (see the tls check)")
        }
        for entry in settings.bootstrapServers.split(separator: ",") {
            let address = entry.trimmingCharacters(in: .whitespaces).split(separator: "/").last.map(String.init) ?? ""
            guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...])
            else { continue }
            let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard
                let versions = TCPProbe.apiVersions(host: host, port: port, timeout: min(settings.timeout, .seconds(5)))
            else { continue }
            let names: [(Int16, String)] = [
                (0, "Produce"), (1, "Fetch"), (2, "ListOffsets"), (3, "Metadata"), (9, "OffsetFetch"),
                (11, "JoinGroup"), (18, "ApiVersions"),
            ]
            let shown = names.compactMap { key, name in versions[key].map { "\(name) v\($0.min)-\($0.max)" } }
            return DoctorFinding(
                .ok, "broker API versions", "\(address): \(versions.count) APIs; " + shown.joined(separator: ", "))
        }
        return DoctorFinding(
            .warn, "broker API versions", "no broker answered ApiVersions", fix: "see the reachability checks above")
    }

    /// The loaded librdkafka, judged by what happened, not by its version alone:
    /// before 2.2.0 it reads a KIP-482 tagged field one byte short, which only
    /// brokers that write every tagged field, empty ones too, trip (Tansu; Apache
    /// Kafka writes only those that differ from their defaults, in KRaft and in
    /// ZooKeeper mode). `failure` is how reaching the brokers failed, if it did.
    static func librdkafka(failure: KafkaFailure?) -> DoctorFinding {
        let loaded = "\(LibrdkafkaVersion.loaded) loaded (built against \(LibrdkafkaVersion.builtAgainst))"
        guard failure?.kind == .incompatibleClient else { return DoctorFinding(.ok, "librdkafka", loaded) }
        return DoctorFinding(
            .fail, "librdkafka",
            "\(loaded) cannot read this broker's ApiVersions reply ('Read underflow'): the broker writes every "
                + "KIP-482 tagged field, empty ones too, and librdkafka before 2.2.0 reads them one byte short",
            fix: ExitCodes.advice(for: failure!))
    }

    /// DNS and TCP for each bootstrap server.
    static func reachability(_ settings: KafkaClientSettings) -> [DoctorFinding] {
        settings.bootstrapServers.split(separator: ",").map { entry in
            let server = entry.trimmingCharacters(in: .whitespaces)
            let address = server.split(separator: "/").last.map(String.init) ?? server
            guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...])
            else {
                return DoctorFinding(.fail, "reach \(server)", "not host:port", fix: "use -b host:port[,host:port…]")
            }
            let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            switch BootstrapReachability.probe(host: host, port: port, bound: min(settings.timeout, .seconds(5))) {
            case .open(let ip):
                return DoctorFinding(.ok, "reach \(server)", "resolved to \(ip), port open")
            case .unresolved(let reason):
                return DoctorFinding(
                    .fail, "reach \(server)", "DNS: \(reason)", fix: "check the host name and this machine's DNS")
            case .refused(let ip, let reason):
                return DoctorFinding(
                    .fail, "reach \(server)", "\(ip): \(reason)",
                    fix: "is the broker up, and is this its advertised port?")
            case .silent(let ip):
                return DoctorFinding(
                    .fail, "reach \(server)", "\(ip): no answer within the timeout",
                    fix: "is a firewall in the way, or the broker's host down?")
            }
        }
    }

    /// Whether `topic` is one of Hypha's event topics.
    private static func isEventTopic(_ topic: ClusterMetadata.Topic) -> Bool {
        HyphaTopic.eventName(fromTopic: topic.name) != nil
    }

    /// The first event topic's configuration as asked beside the survey, if it was.
    private final class EarlyConfigs: Sendable {
        private let value = Mutex<Result<[TopicConfigEntry], KafkaFailure>?>(nil)

        var answer: Result<[TopicConfigEntry], KafkaFailure>? {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }

    /// The event topics' partitions and replication against the recommended
    /// ones, and the first one's min.insync.replicas: from `asked` when it was
    /// asked already, else asked now.
    private static func topicSettings(
        _ topics: [ClusterMetadata.Topic], admin: KafkaAdmin, asked: Result<[TopicConfigEntry], KafkaFailure>?
    ) async -> [DoctorFinding] {
        let events = topics.filter(isEventTopic).sorted { $0.name < $1.name }
        guard !events.isEmpty else {
            return [DoctorFinding(.ok, "topics", "no hypha_event_* topics yet (they are created on first use)")]
        }
        var findings: [DoctorFinding] = []
        let wanted = recommended
        func replicas(_ topic: ClusterMetadata.Topic) -> Int { topic.partitions.map(\.replicas.count).max() ?? 0 }
        let weak = events.filter { $0.partitions.count < wanted.partitions || replicas($0) < wanted.replicationFactor }
        if weak.isEmpty {
            findings.append(
                DoctorFinding(
                    .ok, "topics",
                    "\(events.count) event topics with ≥ \(wanted.partitions) partitions and replication ≥ \(wanted.replicationFactor)"
                ))
        } else {
            let sample = weak.prefix(3).map {
                "\($0.name) (\($0.partitions.count) partitions, replication \(replicas($0)))"
            }
            .joined(separator: ", ")
            findings.append(
                DoctorFinding(
                    .warn, "topics",
                    "\(weak.count) of \(events.count) event topics below \(wanted.partitions) partitions / replication \(wanted.replicationFactor): \(sample)",
                    fix:
                        "set the broker's num.partitions=3 and default.replication.factor=3 (new topics), or recreate these"
                ))
        }
        let configs: [TopicConfigEntry]?
        if let asked {
            configs = try? asked.get()
        } else if let first = events.first {
            configs = try? await admin.topicConfigs(first.name)
        } else {
            configs = nil
        }
        if let first = events.first, let configs {
            if let minISR = configs.first(where: { $0.name == "min.insync.replicas" })?.value.flatMap(Int.init) {
                findings.append(
                    DoctorFinding(
                        minISR >= wanted.minInsyncReplicas ? .ok : .warn, "min.insync.replicas",
                        "\(first.name): \(minISR)",
                        fix: minISR >= wanted.minInsyncReplicas
                            ? nil : "set min.insync.replicas=2 so an acknowledged event survives one broker's loss"))
            } else {
                findings.append(
                    DoctorFinding(.skip, "min.insync.replicas", "the broker does not report topic configs; not checked")
                )
            }
        }
        return findings
    }

    private static func staleServers(_ reports: [ServerReport]) -> DoctorFinding {
        let stale = reports.filter { $0.status == .gone || $0.status == .silent }
        guard !stale.isEmpty else {
            return DoctorFinding(.ok, "servers", "\(reports.count) Hypha servers, none gone or silent")
        }
        let names = stale.prefix(5).map { "\($0.serverID) (\($0.status.rawValue))" }.joined(separator: ", ")
        return DoctorFinding(
            .warn, "servers", "\(stale.count) of \(reports.count) servers gone or silent: \(names)",
            fix: "see hyphactl servers; delete leftovers' health_check_* topics and let empty groups expire")
    }
}

/// A bounded TCP connect, for reachability checks.
enum TCPProbe {
    /// ApiVersions v0 over a plain connection: api key → (min, max) version.
    static func apiVersions(host: String, port: UInt16, timeout: Duration) -> [Int16: (min: Int16, max: Int16)]? {
        guard case .connected(let socket) = open(host: host, port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        let clientID = Array("hyphactl-doctor".utf8)
        var request: [UInt8] = []
        func append16(_ value: Int16) {
            request += [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        }
        append16(18) // ApiVersions
        append16(0) // version 0
        request += [0, 0, 0, 7] // correlation id
        append16(Int16(clientID.count))
        request += clientID
        let frame = withUnsafeBytes(of: UInt32(request.count).bigEndian, Array.init) + request
        guard frame.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == frame.count,
            let size = read(socket, 4, timeout: timeout).map({ $0.reduce(0) { $0 << 8 | Int($1) } }),
            size >= 10, size < 1 << 20, let body = read(socket, size, timeout: timeout)
        else { return nil }
        func int16(_ at: Int) -> Int16 { Int16(bitPattern: UInt16(body[at]) << 8 | UInt16(body[at + 1])) }
        guard int16(4) == 0 else { return nil }
        let count = body[6..<10].reduce(0) { $0 << 8 | Int($1) }
        guard count >= 0, 10 + count * 6 <= body.count else { return nil }
        var versions: [Int16: (min: Int16, max: Int16)] = [:]
        for index in 0..<count {
            let at = 10 + index * 6
            versions[int16(at)] = (int16(at + 2), int16(at + 4))
        }
        return versions
    }

    private static func read(_ socket: Int32, _ count: Int, timeout: Duration) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        let deadline = ContinuousClock.now + timeout
        while filled < count {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, remaining.wholeMilliseconds) == 1 else { return nil }
            let got = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { return nil }
            filled += got
        }
        return bytes
    }

    private enum Opened {
        case connected(Int32)
        case failed
    }

    private static func open(host: String, port: UInt16, timeout: Duration) -> Opened {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return .failed }
        defer { freeaddrinfo(list) }
        let socket = Foundation.socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return .failed }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        if Foundation.connect(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard errno == EINPROGRESS, poll(&poller, 1, timeout.wholeMilliseconds) == 1,
                getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0
            else {
                close(socket)
                return .failed
            }
        }
        return .connected(socket)
    }
}
