// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import Synchronization

/// What each input line of `emit --lines` or `--jsonl` is.
package enum LineFormat: Sendable {
    /// `--lines`: the line is the value of an event named `event`. With `type`
    /// nil a JSON object line is `d:`, any other line `s:` (and must be UTF-8).
    /// Values are sent as the bytes of their line: a JSON line is validated, not
    /// rewritten, so nothing is copied or parsed into a tree on the way.
    case values(event: String, type: PayloadType?)
    /// `--jsonl`: the line is a record of `tail -f jsonl`, naming its own event.
    case records

    /// What one line is to send.
    enum Parsed {
        /// The line itself, as the value of the format's event, with this type.
        case value(PayloadType)
        /// A recorded event.
        case event(OutgoingEvent)
    }

    /// The event a line stands for, or why it is not valid.
    func parse(_ line: UnsafeRawBufferPointer) -> Result<Parsed, PayloadInput.Invalid> {
        switch self {
        case .values(_, let forced):
            return Self.type(of: line, forced: forced).map { .value($0) }
        case .records:
            do {
                return .success(.event(try RecordedEvent.event(fromJSONLine: String(decoding: line, as: UTF8.self))))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The longest line worth reading whole when a message may be `messageLimit`
    /// bytes: longer lines cannot become one. A record may be longer than its
    /// value: base64 takes 4 bytes for 3, a JSON escape up to 6 for one byte.
    func maximumLineLength(messageLimit: Int) -> Int {
        switch self {
        case .values: messageLimit
        case .records: messageLimit * 6 + (64 << 10)
        }
    }

    /// The event name every line of `--lines` goes out as; nil for records.
    var event: String? {
        if case .values(let event, _) = self { return event }
        return nil
    }

    /// Why a line of `length` bytes fails unread.
    func tooLong(line number: Int, length: Int, messageLimit: Int) -> String {
        let what = event == nil ? "too long for a record of a message within" : "larger than"
        return "line \(number) is \(length) bytes, \(what) message.max.bytes (\(messageLimit) bytes)"
    }

    private static func type(of line: UnsafeRawBufferPointer, forced: PayloadType?) -> Result<
        PayloadType, PayloadInput.Invalid
    > {
        switch forced {
        case .bytes:
            return .success(.bytes)
        case .json:
            if let error = JSONValidator.validate(line) {
                return .failure(PayloadInput.Invalid(description: "not valid JSON: \(error)"))
            }
            return .success(.json)
        case .text, nil:
            if forced == nil, PayloadType.detected(in: line) == .json { return .success(.json) }
            // Validated in place: no String is made.
            guard (try? UTF8Span(validating: line.assumingMemoryBound(to: UInt8.self).span)) != nil else {
                return .failure(PayloadInput.Invalid(description: "not UTF-8 text (use --binary to send bytes)"))
            }
            return .success(.text)
        }
    }
}

extension EventProducer {
    /// The largest message librdkafka takes (`message.max.bytes`).
    var messageLimit: Int { producer.client.property("message.max.bytes").flatMap { Int($0) } ?? 1_000_000 }

    /// `--check-first`: reads every line of `input` and sends none. Nil when every
    /// line is good, else the first bad one, by its number, and why (or why the
    /// input could not be read). A line too long to be a message is not bad: it
    /// fails alone when sent.
    package func check(lines input: InputSource, as format: LineFormat) async throws(KafkaFailure) -> String? {
        let longest = format.maximumLineLength(messageLimit: messageLimit)
        return try await Blocking.run { () -> String? in
            let reader = LineReader(input, maximumLineLength: longest)
            var problem: String?
            do throws(InputSource.Unreadable) {
                while try reader.readLines({ line in
                    guard case .text(let number, let bytes) = line else { return true }
                    if case .failure(let reason) = format.parse(bytes) { problem = "line \(number): \(reason)" }
                    return problem == nil
                }) {}
            } catch {
                problem = error.description
            }
            return problem
        }
    }

    /// Sends each line of `input` as an event, `count` times, as soon as it is
    /// read, and waits for every acknowledgement.
    ///
    /// Reading stops at the first bad line, named in the report's `inputError`;
    /// the lines before it are sent. A line the producer refuses, or one too long
    /// to be a message, fails alone. Once reports say no broker takes events,
    /// nothing more is sent: the rest of a file is counted as not sent, a pipe is
    /// not read further. While a pipe has nothing to read, reports are read
    /// meanwhile (librdkafka sends what was queued by itself, after `linger.ms`).
    /// With `onDelivered`, the delivered events are handed over in the order they
    /// were sent, as their acknowledgements come, and not kept; without it only
    /// counts are.
    ///
    /// Whether a broker answers is asked alongside, not first: librdkafka
    /// connects while the first lines are queued, as kcat's do. If none answers
    /// within the timeout, reading stops and this throws `.unreachable`.
    ///
    /// With `loopCheck`, the first record that says where it was read is looked
    /// up before it is sent; one read from this same cluster stops the sending
    /// with `.refused`.
    ///
    /// Once `stop` is raised (SIGINT, SIGTERM), no more lines are read: what
    /// was read is still sent and its acknowledgements awaited (each bounded by
    /// the timeout), and the report says it was `interrupted`.
    package func send(
        lines input: InputSource, as format: LineFormat, repeat count: Int = 1,
        loopCheck: MirrorLoopCheck? = nil, stop: TailStopSignal? = nil,
        onDelivered: (@Sendable ([DeliveredEvent]) -> Void)? = nil
    ) async throws(KafkaFailure) -> EmitReport {
        let reachability = Reachability()
        async let reachabilityChecked: Void = reachability.check(self)
        let report = try await stream(
            input, as: format, repeat: count, loopCheck: loopCheck, onDelivered: onDelivered, stopping: reachability,
            stop: stop ?? TailStopSignal())
        await reachabilityChecked
        return try report.unlessUnreachable(reachability.failure)
    }

    private func stream(
        _ input: InputSource, as format: LineFormat, repeat count: Int, loopCheck: MirrorLoopCheck?,
        onDelivered: (@Sendable ([DeliveredEvent]) -> Void)?, stopping reachability: Reachability,
        stop: TailStopSignal
    ) async throws(KafkaFailure) -> EmitReport {
        let producer = producer
        let timeout = settings.timeout
        let messageLimit = messageLimit
        return try await Blocking.run { () throws(KafkaFailure) in
            let reader = LineReader(input, maximumLineLength: format.maximumLineLength(messageLimit: messageLimit))
            var ledger = onDelivered.map { DeliveryLedger(handingOverTo: $0) } ?? DeliveryLedger(keep: false)
            let sender = LineSender(producer: producer, format: format, repeat: count)
            var inputError: String?
            var loop: String?
            reading: while true {
                // Nothing to read yet: acknowledgements are read meanwhile, every
                // 5 ms while some are awaited (-o json prints each soon after it).
                while !input.awaitInput(timeoutMilliseconds: ledger.pending > 0 ? 5 : 100) {
                    EventProducer.serve(producer, &ledger, timeoutMilliseconds: 0)
                    if ledger.brokerGone || reachability.failed || stop.isRaised { break reading }
                }
                if stop.isRaised { break reading }
                do throws(InputSource.Unreadable) {
                    let more = try reader.readLines { line in
                        if ledger.brokerGone {
                            ledger.unsent += count
                            return input.isSeekable
                        }
                        switch line {
                        case .text(let number, let bytes):
                            switch format.parse(bytes) {
                            case .success(let parsed):
                                if let loopCheck, let echo = loopCheck.echo(bytes) {
                                    loop = "line \(number): \(echo)"
                                    return false
                                }
                                sender.send(parsed, value: bytes, &ledger)
                            case .failure(let reason):
                                inputError = "line \(number): \(reason)"
                                return false
                            }
                        case .tooLong(let number, let length):
                            let reason = format.tooLong(line: number, length: length, messageLimit: messageLimit)
                            sender.refuse(because: reason, &ledger)
                        }
                        return true
                    }
                    // Interrupted: every whole line read so far is sent; no more are read.
                    if !more || reachability.failed || stop.isRaised { break }
                } catch {
                    inputError = error.description
                    break
                }
            }
            EventProducer.awaitDeliveries(&ledger, producer: producer, timeout: timeout)
            if let loop {
                let sent = ledger.report()
                let before =
                    sent.total == 0 ? "nothing was sent" : "\(sent.deliveredCount) events before it were delivered"
                throw KafkaFailure(
                    .refused, "emit --jsonl would mirror into itself: \(loop) (\(before))",
                    hint: "write to another cluster with -b or --context, rename the events, or pass --allow-loop",
                    isRetriable: false)
            }
            var report = ledger.report()
            report.inputError = inputError
            report.interrupted = stop.isRaised
            return report
        }
    }
}

/// The answer to "does a broker answer?", asked while lines are already sent.
extension EmitReport {
    /// This report, or `failure` (no broker answered the reachability check)
    /// when no event was acknowledged. An acknowledgement is a broker's answer:
    /// brokers that went away after taking events leave the counts of what was
    /// delivered and what was not, not "no answer".
    func unlessUnreachable(_ failure: KafkaFailure?) throws(KafkaFailure) -> EmitReport {
        if let failure, deliveredCount == 0 { throw failure }
        return self
    }
}

private final class Reachability: Sendable {
    private let answer = Mutex<KafkaFailure?>(nil)

    /// Why no broker answered, once that is known.
    var failure: KafkaFailure? { answer.withLock { $0 } }
    var failed: Bool { failure != nil }

    func check(_ producer: EventProducer) async {
        do {
            try await producer.checkReachable()
        } catch {
            answer.withLock { $0 = error }
        }
    }
}

/// Queues the events of parsed lines: keys and topic handles made once, not per
/// line. A class, so the hot path reads them in place rather than copying them.
private final class LineSender {
    let producer: RDKafkaProducer
    let count: Int
    /// `--lines`: its one event, that event's topic (opened with the first good
    /// line: opening asks for the topic's metadata, and a broker that creates
    /// topics on first use would create it for input that turns out all bad),
    /// and its key for each type.
    let event: String
    let valueTopicName: String?
    private var valueTopic: RDKafkaProducer.Topic?
    let jsonKey: [UInt8]
    let textKey: [UInt8]
    let bytesKey: [UInt8]
    /// `--jsonl`: each event's topic, opened on first use.
    var topics: [String: RDKafkaProducer.Topic] = [:]

    init(producer: RDKafkaProducer, format: LineFormat, repeat count: Int) {
        self.producer = producer
        self.count = count
        event = format.event ?? ""
        valueTopicName = format.event.map(HyphaTopic.forEvent)
        jsonKey = EventKey.encode(type: .json, event: event)
        textKey = EventKey.encode(type: .text, event: event)
        bytesKey = EventKey.encode(type: .bytes, event: event)
    }

    /// Queues a parsed line `count` times; `value` is the line's bytes.
    func send(_ parsed: LineFormat.Parsed, value: UnsafeRawBufferPointer, _ ledger: inout DeliveryLedger) {
        switch parsed {
        case .value(let type):
            guard let topic = openValueTopic(&ledger) else { return }
            switch type {
            case .json: jsonKey.withUnsafeBytes { queue(topic, event, type, key: $0, value: value, &ledger) }
            case .text: textKey.withUnsafeBytes { queue(topic, event, type, key: $0, value: value, &ledger) }
            case .bytes: bytesKey.withUnsafeBytes { queue(topic, event, type, key: $0, value: value, &ledger) }
            }
        case .event(let event):
            let topic: RDKafkaProducer.Topic
            if let known = topics[event.name] {
                topic = known
            } else {
                do {
                    topic = try producer.topic(HyphaTopic.forEvent(event.name))
                } catch {
                    return refuse(because: error.reason, &ledger)
                }
                topics[event.name] = topic
            }
            EventKey.encode(type: event.type, event: event.name).withUnsafeBytes { key in
                withOptionalBytes(event.value) { value in
                    queue(topic, event.name, event.type, key: key, value: value, &ledger)
                }
            }
        }
    }

    /// The `--lines` topic, opened on first use; nil (the line refused) when it cannot be.
    private func openValueTopic(_ ledger: inout DeliveryLedger) -> RDKafkaProducer.Topic? {
        if let valueTopic { return valueTopic }
        guard let valueTopicName else { return nil }
        do {
            valueTopic = try producer.topic(valueTopicName)
        } catch {
            refuse(because: error.reason, &ledger)
        }
        return valueTopic
    }

    /// Counts a line that cannot be sent as `count` events that failed at once.
    func refuse(because reason: String, _ ledger: inout DeliveryLedger) {
        for _ in 0..<count {
            _ = ledger.record(event: event, topic: valueTopicName ?? "", type: .text)
            ledger.refuseLast(because: reason)
        }
    }

    private func queue(
        _ topic: RDKafkaProducer.Topic, _ event: String, _ type: PayloadType, key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer?, _ ledger: inout DeliveryLedger
    ) {
        for _ in 0..<count {
            if ledger.brokerGone
                || !EventProducer.queue(
                    producer, &ledger, topic: topic, event: event, type: type, key: key, value: value)
            {
                ledger.unsent += 1
            }
        }
    }
}
