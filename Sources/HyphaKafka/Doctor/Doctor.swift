import Foundation
import HyphaWire

/// One finding of `doctor`.
public struct DoctorFinding: Sendable, Equatable {
    /// How bad it is.
    public enum Status: String, Sendable { case ok, warn, fail }

    /// ok, warn or fail.
    public let status: Status
    /// What was checked, e.g. `reach kafka-1:9092`.
    public let check: String
    /// What was found.
    public let detail: String
    /// What to do about it, for warn and fail.
    public let fix: String?

    /// A finding.
    public init(_ status: Status, _ check: String, _ detail: String, fix: String? = nil) {
        self.status = status
        self.check = check
        self.detail = detail
        self.fix = fix
    }
}

/// What stands between this machine and a working bus, checked in order: each
/// bootstrap server's name and port, the brokers' answer, the loaded librdkafka
/// against them, Hypha's topics against the recommended settings, stale servers.
public enum Doctor {
    /// Recommended for Hypha's topics in production (deploy.md).
    public static let recommended = (partitions: 3, replicationFactor: 3, minInsyncReplicas: 2)

    /// Every finding, in the order checked; later checks are skipped when Kafka cannot be reached.
    public static func examine(settings: KafkaClientSettings, nowMillis: Int64) async -> [DoctorFinding] {
        var findings = reachability(settings)
        findings.append(DoctorFinding(
            LibrdkafkaVersion.misreadsTaggedFields ? .warn : .ok, "librdkafka",
            "\(LibrdkafkaVersion.loaded) loaded (built against \(LibrdkafkaVersion.builtAgainst))",
            fix: LibrdkafkaVersion.misreadsTaggedFields
                ? "before 2.2.0 librdkafka cannot talk to KRaft-mode Kafka; put a newer librdkafka.so.1 first on LD_LIBRARY_PATH" : nil))
        let admin: KafkaAdmin
        let topics: [TopicSummary]
        do {
            admin = try KafkaAdmin(settings: settings)
            topics = try await admin.listTopics()
            findings.append(DoctorFinding(.ok, "brokers", "answered Metadata and ListOffsets; \(topics.count) Hypha topics"))
        } catch {
            let fix = error.kind == .incompatibleClient ? error.hint : "check the addresses above, security settings (-X, the context) and --timeout"
            findings.append(DoctorFinding(.fail, "brokers", error.reason, fix: fix))
            return findings
        }
        findings += await topicSettings(topics, admin: admin)
        findings += await staleServers(settings: settings, nowMillis: nowMillis)
        return findings
    }

    /// DNS and TCP for each bootstrap server.
    static func reachability(_ settings: KafkaClientSettings) -> [DoctorFinding] {
        settings.bootstrapServers.split(separator: ",").map { entry in
            let server = entry.trimmingCharacters(in: .whitespaces)
            let address = server.split(separator: "/").last.map(String.init) ?? server
            guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
                return DoctorFinding(.fail, "reach \(server)", "not host:port", fix: "use -b host:port[,host:port…]")
            }
            let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            switch TCPProbe.connect(host: host, port: port, timeout: min(settings.timeout, .seconds(5))) {
            case .connected(let ip):
                return DoctorFinding(.ok, "reach \(server)", "resolved to \(ip), port open")
            case .unresolved(let reason):
                return DoctorFinding(.fail, "reach \(server)", "DNS: \(reason)", fix: "check the host name and this machine's DNS")
            case .refused(let ip, let reason):
                return DoctorFinding(.fail, "reach \(server)", "\(ip): \(reason)", fix: "is the broker up, and is this its advertised port?")
            }
        }
    }

    private static func topicSettings(_ topics: [TopicSummary], admin: KafkaAdmin) async -> [DoctorFinding] {
        let events = topics.filter { $0.event != nil }
        guard !events.isEmpty else {
            return [DoctorFinding(.ok, "topics", "no hypha_event_* topics yet (they are created on first use)")]
        }
        var findings: [DoctorFinding] = []
        let wanted = recommended
        let weak = events.filter { $0.partitions < wanted.partitions || $0.replicas < wanted.replicationFactor }
        if weak.isEmpty {
            findings.append(DoctorFinding(.ok, "topics", "\(events.count) event topics with ≥ \(wanted.partitions) partitions and replication ≥ \(wanted.replicationFactor)"))
        } else {
            let sample = weak.prefix(3).map { "\($0.topic) (\($0.partitions) partitions, replication \($0.replicas))" }.joined(separator: ", ")
            findings.append(DoctorFinding(
                .warn, "topics", "\(weak.count) of \(events.count) event topics below \(wanted.partitions) partitions / replication \(wanted.replicationFactor): \(sample)",
                fix: "set the broker's num.partitions=3 and default.replication.factor=3 (new topics), or recreate these"))
        }
        if let first = events.first, let configs = try? await admin.describeTopic(first.topic).configs {
            if let minISR = configs.first(where: { $0.name == "min.insync.replicas" })?.value.flatMap(Int.init) {
                findings.append(DoctorFinding(
                    minISR >= wanted.minInsyncReplicas ? .ok : .warn, "min.insync.replicas",
                    "\(first.topic): \(minISR)",
                    fix: minISR >= wanted.minInsyncReplicas ? nil : "set min.insync.replicas=2 so an acknowledged event survives one broker's loss"))
            } else {
                findings.append(DoctorFinding(.ok, "min.insync.replicas", "the broker does not report topic configs; not checked"))
            }
        }
        return findings
    }

    private static func staleServers(settings: KafkaClientSettings, nowMillis: Int64) async -> [DoctorFinding] {
        guard let reports = try? await ServerSurvey.run(settings: settings, nowMillis: { nowMillis }) else {
            return [DoctorFinding(.warn, "servers", "could not survey the Hypha servers", fix: "run hyphactl servers -v")]
        }
        let stale = reports.filter { $0.status == .gone || $0.status == .silent }
        guard !stale.isEmpty else {
            return [DoctorFinding(.ok, "servers", "\(reports.count) Hypha servers, none gone or silent")]
        }
        let names = stale.prefix(5).map { "\($0.serverID) (\($0.status.rawValue))" }.joined(separator: ", ")
        return [DoctorFinding(
            .warn, "servers", "\(stale.count) of \(reports.count) servers gone or silent: \(names)",
            fix: "see hyphactl servers; delete leftovers' health_check_* topics and let empty groups expire")]
    }
}

/// A bounded TCP connect, for reachability checks.
enum TCPProbe {
    enum Outcome { case connected(String), unresolved(String), refused(String, String) }

    static func connect(host: String, port: UInt16, timeout: Duration) -> Outcome {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .unresolved(String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
        let ip = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let socket = Foundation.socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return .refused(ip, String(cString: strerror(errno))) }
        defer { close(socket) }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        if Foundation.connect(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 { return .connected(ip) }
        guard errno == EINPROGRESS else { return .refused(ip, String(cString: strerror(errno))) }
        var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        let (seconds, attoseconds) = timeout.components
        let millis = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, millis) == 1 else { return .refused(ip, "no answer within the timeout") }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0 ? .connected(ip) : .refused(ip, String(cString: strerror(error)))
    }
}
