// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection
import Logging
import Synchronization

/// The one owner of an `rd_kafka_t` handle and its main event queue.
///
/// librdkafka's events (log lines, errors, delivery reports) are read from the
/// main queue and turned into Swift values here; nothing is handed to C callbacks.
/// The handle and its queues are private: the wrapper's other files borrow the
/// handle inside `withHandle`, and no signature outside `Sources/RDKafka/`
/// names a C type.
package final class RDKafkaClient: @unchecked Sendable {
    // @unchecked Sendable: `rd_kafka_t` and its queues are thread-safe by
    // librdkafka's contract; the only Swift state is behind a Mutex.

    /// Producer or consumer: librdkafka's two kinds of handle.
    package enum Role { case producer, consumer }

    private let handle: OpaquePointer
    private let mainQueue: OpaquePointer
    /// librdkafka's log lines, apart from the main queue so that reading them
    /// (as every failure path does, for the latest diagnosis) never consumes a
    /// delivery report that a producer's owner is waiting for.
    private let logQueue: OpaquePointer
    package let settings: KafkaClientSettings
    package let logger: Logger
    /// The main queue is forwarded to the consumer queue, whose owner serves it.
    private let mainQueueForwarded: Bool
    private let observed = Mutex(ObservedEvents())
    /// The handle's reference to ``brokersProbeTopic`` until `learnBrokers` has
    /// done its work; nil from then on, and on a handle made without it.
    private let brokersProbe: Mutex<TopicReference?>
    /// The bootstrap servers were added after `rd_kafka_new` (see `make`), which
    /// therefore logged that none were configured: that line is not shown.
    private let bootstrapAddedLater: Bool

    /// An `rd_kafka_topic_t` reference, handed between threads only under a lock.
    private struct TopicReference: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// A topic that no broker can hold or create (`:` is not allowed in a topic
    /// name), known to a new handle that asks for it (see `make`) until it has
    /// learned the brokers.
    ///
    /// librdkafka asks each new connection for the metadata of the topics its
    /// handle knows, and for "brokers only" when it knows none. Some brokers
    /// (Tansu) answer "brokers only" with every topic they have: 460 KB at 3,000
    /// topics, built twice per command (the bootstrap connection, then the
    /// broker it names) before the command's own question. Asked about this
    /// topic, any broker answers in a few bytes: the brokers and "invalid topic".
    package static let brokersProbeTopic = "hyphactl:brokers"

    /// What the main queue told us that later decisions depend on.
    package struct ObservedEvents {
        /// The ApiVersions reply could not be parsed: 2.0.2 meeting tagged fields.
        package var apiVersionUnderflow = false
        /// Set when librdkafka reports every broker down; cleared only by a request
        /// answered after that (a metadata or admin round trip). Messages do not
        /// clear it: one fetched before the brokers went may still be queued behind
        /// the report, and would hide the outage until librdkafka reports it again.
        package var allBrokersDown = false
        /// A fatal error: the handle is unusable from now on.
        package var fatalError: String?
        /// Why the latest TLS connection to a broker failed, and when. Never
        /// cleared (an answered admin request may have needed no broker): a
        /// failure names it only when it was seen during the wait that ran out.
        package var tlsFailure: (failure: TLSFailure, seen: ContinuousClock.Instant)?
    }

    private init(
        handle: OpaquePointer, mainQueue: OpaquePointer, logQueue: OpaquePointer, settings: KafkaClientSettings,
        logger: Logger, mainQueueForwarded: Bool, brokersProbe: TopicReference?, bootstrapAddedLater: Bool
    ) {
        self.handle = handle
        self.mainQueue = mainQueue
        self.logQueue = logQueue
        self.settings = settings
        self.logger = logger
        self.mainQueueForwarded = mainQueueForwarded
        self.brokersProbe = Mutex(brokersProbe)
        self.bootstrapAddedLater = bootstrapAddedLater
    }

    deinit {
        // While a handle is destroyed librdkafka may print log lines to stderr
        // itself, bypassing the log queue: quiet it unless debug output is wanted.
        if logger.logLevel > .debug { rd_kafka_set_log_level(handle, 0) }
        // The lines still queued were asked for: written before the queue goes,
        // up to 10,000 (the backlog of a debug flood would hold the exit for minutes).
        serveLogs(atMost: 10_000)
        // Log lines written while the handle is destroyed must not go to a queue
        // we have let go of: back to librdkafka's own main queue with them.
        rd_kafka_set_log_queue(handle, nil)
        rd_kafka_queue_destroy(logQueue)
        rd_kafka_queue_destroy(mainQueue)
        brokersProbe.withLock { if let probe = $0 { rd_kafka_topic_destroy(probe.pointer) } }
        if observedEvents.fatalError != nil {
            // A consumer in a fatal state never finishes closing: destroying it
            // with the close would wait for ever.
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(handle)
        }
        Self.live.withLock { $0[settings.clientID, default: 1] -= 1 }
    }

    /// Handles alive now, per client id: tests check that a component destroys
    /// what it made before it says it stopped.
    private static let live = Mutex<[String: Int]>([:])

    /// How many handles made with this client id are alive now.
    package static func liveHandles(clientID: String) -> Int { live.withLock { $0[clientID] ?? 0 } }

    /// Makes the handle fail as librdkafka's fatal errors do (for tests of what
    /// follows one: there is no other way to cause one on purpose).
    package func raiseFatalErrorForTesting(_ reason: String) {
        _ = rd_kafka_test_fatal_error(handle, RD_KAFKA_RESP_ERR__FATAL, reason)
    }

    /// `body`'s result with the `rd_kafka_t` handle, for the wrapper's own
    /// calls into librdkafka (`package` for its sibling targets, which extend
    /// this class). The pointer is valid only during `body`: never keep it.
    package func withHandle<Value, Failure: Error>(
        _ body: (OpaquePointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        try body(handle)
    }

    /// A new handle; `overrides` are our defaults for this role, applied before
    /// the user's `-X` properties so that those win. With `brokersProbe`, its
    /// connections ask about ``brokersProbeTopic`` until `learnBrokers` has run
    /// (for a handle whose first question is the metadata of every topic).
    package static func make(
        _ role: Role, settings: KafkaClientSettings, overrides: [(String, String)] = [], events: Int32 = 0,
        forwardMainQueueToConsumer: Bool = false, brokersProbe: Bool = false
    ) throws(KafkaFailure) -> RDKafkaClient {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaFailure(.client, "librdkafka could not allocate a configuration")
        }
        let properties: [(String, String)] =
            [
                ("bootstrap.servers", settings.bootstrapServers),
                ("client.id", settings.clientID),
                ("log.queue", "true"),
                ("socket.connection.setup.timeout.ms", String(max(1000, settings.timeoutMilliseconds))),
            ] + overrides + settings.properties.map { ($0.name, $0.value) }
        for (key, value) in properties {
            if let problem = RDKafkaClient.set(key, value, on: conf) {
                rd_kafka_conf_destroy(conf)
                throw KafkaFailure(
                    .invalidInput, "librdkafka property \(key): \(settings.redacted(problem))",
                    hint: "see librdkafka's CONFIGURATION.md for valid properties")
            }
        }
        rd_kafka_conf_set_events(conf, RDKafkaClient.eventMask(role) | events)
        TLSVerification.install(on: conf)
        // A handle that may ask for topics to be created never names the probe:
        // a broker, or librdkafka's mock cluster, could take it as such a request.
        let knowsProbe = brokersProbe && RDKafkaClient.get("allow.auto.create.topics", from: conf) == "false"
        // librdkafka connects to the bootstrap servers from inside rd_kafka_new;
        // a connection that comes up before the probe is known asks for "brokers
        // only". So such a handle is made without them, and they are added once
        // the probe is known.
        let laterBootstrap = knowsProbe ? RDKafkaClient.bootstrapToAddLater(in: conf) : nil
        if laterBootstrap != nil { _ = rd_kafka_conf_set(conf, "bootstrap.servers", nil, nil, 0) }

        var errorText = [CChar](repeating: 0, count: 512)
        let kind = role == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // On success rd_kafka_new takes ownership of conf; on failure it stays ours.
        guard let handle = rd_kafka_new(kind, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let problem = settings.redacted(errorText.terminatedText)
            // OpenSSL's words for a key it cannot decrypt ("PEM lib", "bad decrypt") do not say why.
            let hint =
                problem.contains("ssl.key.location")
                ? "is ssl.key.password right for this key, and is ssl.key.location a PEM private key?" : nil
            throw KafkaFailure(.invalidInput, "librdkafka refused the configuration: \(problem)", hint: hint)
        }
        let mainQueue = rd_kafka_queue_get_main(handle)!
        let logQueue = rd_kafka_queue_new(handle)!
        rd_kafka_set_log_queue(handle, logQueue)
        if forwardMainQueueToConsumer { rd_kafka_poll_set_consumer(handle) }
        let probe = knowsProbe ? rd_kafka_topic_new(handle, brokersProbeTopic, nil).map(TopicReference.init) : nil
        live.withLock { $0[settings.clientID, default: 0] += 1 }
        let client = RDKafkaClient(
            handle: handle, mainQueue: mainQueue, logQueue: logQueue, settings: settings, logger: settings.logger,
            mainQueueForwarded: forwardMainQueueToConsumer, brokersProbe: probe,
            bootstrapAddedLater: laterBootstrap != nil)
        if let laterBootstrap, rd_kafka_brokers_add(handle, laterBootstrap) == 0 {
            throw KafkaFailure(
                .invalidInput,
                "librdkafka found no broker address in bootstrap.servers \(settings.bootstrapDescription)")
        }
        return client
    }

    /// The bootstrap servers of `conf`, if `make` may add them after
    /// `rd_kafka_new`: not when librdkafka's handling of them at that point
    /// differs from adding them later (canonical DNS names for bootstrap servers
    /// only; the shorter idle time it picks for Azure's brokers).
    private static func bootstrapToAddLater(in conf: OpaquePointer) -> String? {
        guard let servers = get("bootstrap.servers", from: conf), !servers.isEmpty,
            get("client.dns.lookup", from: conf) != "resolve_canonical_bootstrap_servers_only",
            !servers.lowercased().contains("azure")
        else { return nil }
        return servers
    }

    private static func eventMask(_ role: Role) -> Int32 {
        let base = Int32(RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_ERROR)
        return role == .producer ? base | Int32(RD_KAFKA_EVENT_DR) : base
    }

    /// A property's value in a configuration (one not yet given to `rd_kafka_new` too).
    private static func get(_ key: String, from conf: OpaquePointer) -> String? {
        var size = 0
        guard rd_kafka_conf_get(conf, key, nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(conf, key, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return buffer.terminatedText
    }

    /// nil when set, else librdkafka's complaint.
    private static func set(_ key: String, _ value: String, on conf: OpaquePointer) -> String? {
        var errorText = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
        return result == RD_KAFKA_CONF_OK ? nil : errorText.terminatedText
    }

    // MARK: - Events of the main queue

    /// Handles the log lines queued when it is called, at most 1,000 of them:
    /// with debug contexts on, a handle reading many partitions can log faster
    /// than the lines are written, and a loop until the queue is empty (or
    /// through a backlog that only grows) would keep its caller from the work,
    /// and the deadline, it is waiting on. Later calls take the rest.
    package func serveLogs() { serveLogs(atMost: 1_000) }

    private func serveLogs(atMost limit: Int) {
        for _ in 0..<min(rd_kafka_queue_length(logQueue), limit) {
            guard let event = rd_kafka_queue_poll(logQueue, 0) else { return }
            defer { rd_kafka_event_destroy(event) }
            serveEvent(event)
        }
    }

    /// Handles every event now on the main queue (and the log lines), waiting at
    /// most `timeoutMilliseconds` for the first one. Delivery reports go to
    /// `onDelivery`, which every caller names: a producer's owner, the one reader of
    /// its reports, hands them on; a client that produces nothing has none to lose.
    package func serveMainQueue(
        timeoutMilliseconds: Int32 = 0,
        onDelivery: (RDKafkaDelivery) -> Void
    ) {
        serveLogs()
        guard !mainQueueForwarded else { return }
        var wait = timeoutMilliseconds
        while let event = rd_kafka_queue_poll(mainQueue, wait) {
            wait = 0
            defer { rd_kafka_event_destroy(event) }
            if rd_kafka_event_type(event) == Int32(RD_KAFKA_EVENT_DR) {
                while let message = rd_kafka_event_message_next(event) {
                    onDelivery(RDKafkaDelivery(message))
                }
            } else {
                serveEvent(event)
            }
        }
    }

    /// Handles a log line or an error event; ignores any other event.
    func serveEvent(_ event: OpaquePointer) {
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_LOG): handleLog(event)
        case Int32(RD_KAFKA_EVENT_ERROR): handleError(event)
        default: break
        }
    }

    private func handleLog(_ event: OpaquePointer) {
        var facility: UnsafePointer<CChar>?
        var text: UnsafePointer<CChar>?
        var level: Int32 = 0
        guard rd_kafka_event_log(event, &facility, &text, &level) == 0, let text else { return }
        let line = settings.redacted(String(cString: text))
        if bootstrapAddedLater && line.contains("No `bootstrap.servers` configured") { return }
        if line.contains("ApiVersionRequest failed") && line.contains("underflow") {
            observed.withLock { $0.apiVersionUnderflow = true }
        }
        noteTLSFailure(in: line)
        let swiftLevel: Logger.Level =
            switch level {
            case ...3: .error
            case 4: .warning
            case 5, 6: .info
            default: .debug
            }
        logger.log(
            level: swiftLevel, "\(line)",
            metadata: ["librdkafka": .string(facility.map { String(cString: $0) } ?? "")])
    }

    private func handleError(_ event: OpaquePointer) {
        let code = rd_kafka_event_error(event)
        let text = settings.redacted(String(cString: rd_kafka_event_error_string(event)))
        // A consumer reports its fatal error as a consumer error whose code says
        // so, not with the event's fatal flag.
        let fatal = rd_kafka_event_error_is_fatal(event) != 0 || code == RD_KAFKA_RESP_ERR__FATAL
        noteTLSFailure(in: text)
        observed.withLock {
            if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN { $0.allBrokersDown = true }
            if fatal { $0.fatalError = $0.fatalError ?? text }
        }
        if fatal {
            logger.error("librdkafka fatal error: \(text)")
        } else {
            logger.debug("librdkafka error: \(text)")
        }
    }

    private func noteTLSFailure(in line: String) {
        guard let failure = TLSFailure.diagnose(line) else { return }
        let now = ContinuousClock.now
        observed.withLock { $0.tlsFailure = (failure.replacing($0.tlsFailure?.failure), now) }
    }

    /// A snapshot of what the main queue has reported so far.
    package var observedEvents: ObservedEvents { observed.withLock { $0 } }

    /// Clears the all-brokers-down mark: a request sent after it was answered.
    package func markBrokersReachable() {
        observed.withLock { $0.allBrokersDown = false }
    }

    // MARK: - Errors

    /// A failure for a librdkafka error code met while doing `action`.
    func failure(
        _ code: rd_kafka_resp_err_t, while action: String, subject: KafkaFailure.Subject? = nil,
        file: String = #fileID, line: Int = #line
    ) -> KafkaFailure {
        failure(KafkaErrorCode(code), while: action, subject: subject, file: file, line: line)
    }

    /// A failure for a librdkafka error code met while doing `action`.
    package func failure(
        _ swiftCode: KafkaErrorCode, while action: String, subject: KafkaFailure.Subject? = nil,
        file: String = #fileID, line: Int = #line
    ) -> KafkaFailure {
        serveLogs()
        let code = swiftCode.rdkafka
        let text = String(cString: rd_kafka_err2str(code))
        switch code {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
            RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR__SSL:
            return unreachable(while: action, code: swiftCode, file: file, line: line)
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
            return KafkaFailure(
                .notFound, "\(action): \(text)", code: swiftCode, subject: subject, file: file, line: line)
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
            return KafkaFailure(.invalidInput, "\(action): \(text)", code: swiftCode, file: file, line: line)
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            // librdkafka refuses these itself, before anything is sent.
            let limit = property("message.max.bytes") ?? "?"
            return KafkaFailure(
                .invalidInput, "\(action): the message is larger than message.max.bytes (\(limit) bytes)",
                code: swiftCode, file: file, line: line)
        default:
            let fatal = code == RD_KAFKA_RESP_ERR__FATAL || observedEvents.fatalError != nil
            if code.rawValue < 0 {
                return KafkaFailure(
                    .client, "\(action): \(text)", code: swiftCode, subject: subject, isFatal: fatal, file: file,
                    line: line)
            }
            return KafkaFailure(
                .refused, "\(action): the broker refused: \(text)", code: swiftCode, subject: subject, isFatal: fatal,
                file: file, line: line)
        }
    }

    /// The failure for "no broker answered in time", naming 2.0.2's tagged-field
    /// bug or the TLS handshake's failure when that is the reason.
    package func unreachable(
        while action: String, waited: Duration? = nil, code: KafkaErrorCode? = nil,
        file: String = #fileID, line: Int = #line
    ) -> KafkaFailure {
        serveLogs()
        let seconds =
            waited.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
            ?? Double(settings.timeoutMilliseconds) / 1000
        if observedEvents.apiVersionUnderflow && rd_kafka_version() < 0x0202_0000 {
            return KafkaFailure(
                .incompatibleClient,
                "\(action): librdkafka \(RDKafkaClient.versionString) cannot read this broker's ApiVersions reply "
                    + "(KIP-482 tagged fields, fixed in librdkafka 2.2.0)",
                hint: "load librdkafka 2.2.0 or newer", code: code, isRetriable: false, file: file, line: line)
        }
        let waitedFor = waited ?? settings.timeout
        if let (tls, seen) = observedEvents.tlsFailure, ContinuousClock.now - seen < waitedFor + .seconds(1) {
            return KafkaFailure(
                .unreachable, "\(action): TLS to Kafka at \(settings.bootstrapServers) failed: \(tls.reason)",
                hint: tls.hint, code: .ssl, isRetriable: false, file: file, line: line)
        }
        return KafkaFailure(
            .unreachable,
            "\(action): no answer from Kafka at \(settings.bootstrapDescription) within \(seconds.formatted1) s",
            code: code ?? .timedOut, file: file, line: line)
    }

    /// A configuration property as the handle has it, e.g. `message.max.bytes`.
    package func property(_ name: String) -> String? {
        rd_kafka_conf(handle).flatMap { Self.get(name, from: $0) }
    }

    /// Makes sure the handle has learned the cluster's brokers, and connected to
    /// one, before it asks a question with a large answer such as the metadata of
    /// every topic; then lets the probe go.
    ///
    /// Until a Metadata answer names the brokers, librdkafka sends questions on
    /// the bootstrap connection; that answer makes it drop the connection and ask
    /// again of the broker named, which then builds a large answer twice. So the
    /// probe is asked about twice: the first answer names the brokers, after
    /// which the bootstrap connection takes no new question; the second comes
    /// from a broker named, whose connection asked about the probe as it came up.
    /// Then the probe goes: librdkafka asks about a topic without partitions once
    /// a second, for as long as the handle knows it. Does nothing on a handle
    /// without the probe, or the second time.
    package func learnBrokers(until deadline: ContinuousClock.Instant) throws(KafkaFailure) {
        try brokersProbe.withLock { (probe: inout TopicReference?) throws(KafkaFailure) in
            guard let known = probe else { return }
            for _ in 0..<2 {
                var pointer: UnsafePointer<rd_kafka_metadata>?
                let remaining = max(1, (deadline - ContinuousClock.now).wholeMilliseconds)
                let code = rd_kafka_metadata(handle, 0, known.pointer, &pointer, remaining)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let pointer else {
                    throw failure(code, while: "read the cluster's metadata")
                }
                rd_kafka_metadata_destroy(pointer)
            }
            rd_kafka_topic_destroy(known.pointer)
            probe = nil
        }
        serveLogs()
        markBrokersReachable()
    }

    /// The loaded librdkafka's version, e.g. `2.16.1`.
    package static var versionString: String { String(cString: rd_kafka_version_str()) }
}

/// Which librdkafka this process runs with.
package enum LibrdkafkaVersion {
    /// The version of the library loaded at run time, e.g. `2.16.1`.
    package static var loaded: String { RDKafkaClient.versionString }
    /// The version of the headers this binary was compiled against.
    package static var builtAgainst: String {
        let version = Int(RD_KAFKA_VERSION)
        return "\(version >> 24 & 0xff).\(version >> 16 & 0xff).\(version >> 8 & 0xff)"
    }
}

extension Array where Element == CChar {
    /// The NUL-terminated text librdkafka wrote into this buffer.
    package var terminatedText: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Double {
    /// At most one decimal: `3`, `2.5`.
    package var formatted1: String {
        self == rounded() ? String(Int(self)) : String((self * 10).rounded() / 10)
    }
}

/// Runs blocking librdkafka calls off the cooperative pool that async code
/// shares: on `BlockingPool`'s threads.
package enum Blocking {
    /// The result of `body`, computed off the cooperative pool. Whatever `body`
    /// captured is released before the caller resumes, so a librdkafka handle it
    /// held is destroyed by then (never later, on another thread, as the process exits).
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaFailure) -> T)
        async throws(KafkaFailure) -> T
    {
        let work = Work(body)
        let result: Result<T, KafkaFailure> = await withCheckedContinuation { continuation in
            BlockingPool.shared.submit {
                let outcome = work.perform()
                continuation.resume(returning: outcome)
            }
        }
        return try result.get()
    }

    /// `body` of every item, at most `width` at a time on threads of their own,
    /// for blocking calls that each wait for a round trip (one request per
    /// consumer group, chunks of a large request); the caller's thread waits.
    /// Results in the items' order; the first failure, in that order, is thrown.
    package static func map<Item: Sendable, Value: Sendable>(
        _ items: [Item], width: Int = 16, _ body: @escaping @Sendable (Item) throws(KafkaFailure) -> Value
    ) throws(KafkaFailure) -> [Value] {
        if items.count <= 1 { return try items.map { item throws(KafkaFailure) in try body(item) } }
        let results = Mutex([Result<Value, KafkaFailure>?](repeating: nil, count: items.count))
        let next = Atomic<Int>(0)
        let done = DispatchGroup()
        for _ in 0..<min(width, items.count) {
            done.enter()
            Thread.detachNewThread {
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < items.count else { break }
                    let result = Result { () throws(KafkaFailure) in try body(items[index]) }
                    results.withLock { $0[index] = result }
                }
                done.leave()
            }
        }
        done.wait()
        return try results.withLock { $0 }.map { result throws(KafkaFailure) in try result!.get() }
    }

    /// `first` and `second` at once: `second` on a thread of its own, `first` on
    /// the caller's, which then waits for both. The first failure, `first`'s
    /// before `second`'s, is thrown.
    package static func pair<A: Sendable, B: Sendable>(
        _ first: () throws(KafkaFailure) -> A, _ second: @escaping @Sendable () throws(KafkaFailure) -> B
    ) throws(KafkaFailure) -> (A, B) {
        let other = Mutex<Result<B, KafkaFailure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let result = Result { () throws(KafkaFailure) in try second() }
            other.withLock { $0 = result }
            done.signal()
        }
        let mine = Result { () throws(KafkaFailure) in try first() }
        done.wait()
        let theirs = other.withLock { $0! }
        return (try mine.get(), try theirs.get())
    }

    /// The body, dropped as soon as it has run.
    private final class Work<T: Sendable>: @unchecked Sendable {
        // @unchecked Sendable: `body` is set once, then read and cleared by the one
        // worker that runs it.
        private var body: (@Sendable () throws(KafkaFailure) -> T)?

        package init(_ body: @escaping @Sendable () throws(KafkaFailure) -> T) { self.body = body }

        package func perform() -> Result<T, KafkaFailure> {
            guard let body else { preconditionFailure("Blocking.Work runs once") }
            self.body = nil
            do throws(KafkaFailure) {
                return .success(try body())
            } catch {
                return .failure(error)
            }
        }
    }
}
