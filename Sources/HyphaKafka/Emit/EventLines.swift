import HyphaWire

/// Input of `emit --lines`, checked whole before anything is sent: where each
/// line is and what type it goes out as. Values are sent as the bytes of their
/// line (a JSON line is validated, not rewritten), so nothing is copied or
/// parsed into a tree on the way.
public struct EventLines: Sendable {
    /// The input.
    public let bytes: [UInt8]
    /// Each non-empty line: its byte range (without `\n` or `\r\n`) and its type.
    public let lines: [(range: Range<Int>, type: PayloadType)]

    /// Splits and checks `bytes`; with `type` nil a JSON object line is `d:`,
    /// any other line `s:` (and must be UTF-8). Throws for the first bad line.
    public init(_ bytes: [UInt8], as type: PayloadType?) throws(PayloadInput.Invalid) {
        var lines: [(Range<Int>, PayloadType)] = []
        lines.reserveCapacity(bytes.count / 64)
        var problem: PayloadInput.Invalid?
        bytes.withUnsafeBytes { buffer in
            var start = 0
            var number = 0
            while start < buffer.count, problem == nil {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                number += 1
                var stop = end
                if stop > start && buffer[stop - 1] == 0x0D { stop -= 1 }
                if stop > start {
                    let line = UnsafeRawBufferPointer(rebasing: buffer[start..<stop])
                    switch Self.type(of: line, forced: type) {
                    case .success(let kind): lines.append((start..<stop, kind))
                    case .failure(let reason): problem = PayloadInput.Invalid(description: "line \(number): \(reason)")
                    }
                }
                start = end + 1
            }
        }
        if let problem { throw problem }
        self.bytes = bytes
        self.lines = lines
    }

    private static func type(of line: UnsafeRawBufferPointer, forced: PayloadType?) -> Result<PayloadType, PayloadInput.Invalid> {
        switch forced {
        case .bytes:
            return .success(.bytes)
        case .json:
            if let error = JSONValidator.validate(line) { return .failure(PayloadInput.Invalid(description: "not valid JSON: \(error)")) }
            return .success(.json)
        case .text, nil:
            if forced == nil, line.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{"), JSONValidator.validate(line) == nil {
                return .success(.json)
            }
            guard String(validating: line, as: UTF8.self) != nil else {
                return .failure(PayloadInput.Invalid(description: "not UTF-8 text (use --binary to send bytes)"))
            }
            return .success(.text)
        }
    }
}

extension EventProducer {
    /// Sends every line as an event named `event`, each `repeat` times, and waits
    /// for every acknowledgement.
    public func send(lines: EventLines, event: String, repeat count: Int = 1, keepDeliveries: Bool) async throws(KafkaFailure) -> EmitReport {
        let producer = producer
        let timeout = settings.timeout
        return try await Blocking.run { () throws(KafkaFailure) in
            var ledger = DeliveryLedger(keep: keepDeliveries)
            let topic = HyphaTopic.forEvent(event)
            let keys = Dictionary(uniqueKeysWithValues: PayloadType.allCases.map { ($0, EventKey.encode(type: $0, event: event)) })
            let sent: Result<Void, KafkaFailure> = lines.bytes.withUnsafeBytes { buffer in
                Result { () throws(KafkaFailure) in
                    for (range, type) in lines.lines {
                        for _ in 0..<count {
                            let tag = ledger.record(event: event, topic: topic, type: type)
                            let value = UnsafeRawBufferPointer(rebasing: buffer[range])
                            let key = keys[type]!
                            let queued: Result<Void, KafkaFailure> = key.withUnsafeBytes { keyBytes in
                                Result { () throws(KafkaFailure) in
                                    try producer.produce(topic: topic, key: keyBytes, value: value, tag: tag) { ledger.settle($0) }
                                }
                            }
                            try queued.get()
                            if tag & 0x3FF == 0 { producer.serve(timeoutMilliseconds: 0) { ledger.settle($0) } }
                        }
                    }
                }
            }
            try sent.get()
            return EventProducer.awaitDeliveries(&ledger, producer: producer, timeout: timeout)
        }
    }
}
