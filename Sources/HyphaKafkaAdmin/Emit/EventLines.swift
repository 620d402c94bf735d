// SPDX-License-Identifier: Apache-2.0
import Dispatch
import HyphaEventBus
import HyphaWire

#if canImport(Glibc)
    import Glibc
#endif

/// Input of `emit --lines`, checked whole before anything is sent: where each
/// line is and what type it goes out as. Values are sent as the bytes of their
/// line (a JSON line is validated, not rewritten), so nothing is copied or
/// parsed into a tree on the way.
package struct EventLines: Sendable {
    /// The input.
    package let input: InputBytes
    /// Each non-empty line: its byte range (without `\n` or `\r\n`) and its type.
    package let lines: [(range: Range<Int>, type: PayloadType)]

    /// Splits and checks `bytes`; with `type` nil a JSON object line is `d:`,
    /// any other line `s:` (and must be UTF-8). Throws for the first bad line.
    package init(_ bytes: [UInt8], as type: PayloadType?) throws(PayloadInput.Invalid) {
        try self.init(InputBytes(bytes), as: type)
    }

    /// Splits and checks `input`, as ``init(_:as:)-([UInt8],_)``. Large inputs are
    /// checked in pieces on every core; the first bad line is still the one named.
    package init(_ input: InputBytes, as type: PayloadType?) throws(PayloadInput.Invalid) {
        let pieces = input.withUnsafeBytes { Self.pieces(of: $0, count: input.count < 1 << 20 ? 1 : Self.cores) }
        let checked = input.withUnsafeBytes { buffer in
            let results = UnsafeMutableBufferPointer<Piece>.allocate(capacity: pieces.count)
            defer { results.deallocate() }
            let shared = SharedPieces(buffer: buffer, results: results.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
                (shared.results + index).initialize(to: Self.check(shared.buffer, pieces[index], as: type))
            }
            defer { _ = results.baseAddress!.deinitialize(count: pieces.count) }
            return Array(results)
        }
        var lines: [(range: Range<Int>, type: PayloadType)] = []
        lines.reserveCapacity(checked.reduce(0) { $0 + $1.lines.count })
        var linesBefore = 0
        for piece in checked {
            if let (number, reason) = piece.problem {
                throw PayloadInput.Invalid(description: "line \(linesBefore + number): \(reason)")
            }
            lines.append(contentsOf: piece.lines)
            linesBefore += piece.lineCount
        }
        self.input = input
        self.lines = lines
    }

    private static let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// What checking one piece of the input found.
    private struct Piece {
        var lines: [(range: Range<Int>, type: PayloadType)] = []
        /// Lines in the piece, empty ones included (for numbering).
        var lineCount = 0
        /// The piece's first bad line (numbered within the piece) and why.
        var problem: (Int, String)?
    }

    /// The input and the result slots, shared by the checking threads.
    private struct SharedPieces: @unchecked Sendable {
        // @unchecked Sendable: every thread only reads `buffer`, which nothing writes,
        // and initializes only its own slot of `results`.
        let buffer: UnsafeRawBufferPointer
        let results: UnsafeMutablePointer<Piece>
    }

    /// `count` byte ranges of about equal size, each ending just after a line feed (or at the end).
    private static func pieces(of buffer: UnsafeRawBufferPointer, count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 1...max(count, 1) where start < buffer.count {
            var end = index == count ? buffer.count : max(start, buffer.count * index / count)
            if end < buffer.count, let base = buffer.baseAddress {
                end =
                    memchr(base + end, 0x0A, buffer.count - end).map {
                        $0 - UnsafeMutableRawPointer(mutating: base) + 1
                    } ?? buffer.count
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    private static func check(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>, as type: PayloadType?) -> Piece {
        var piece = Piece()
        piece.lines.reserveCapacity(range.count / 64)
        guard let base = buffer.baseAddress else { return piece }
        var start = range.lowerBound
        while start < range.upperBound {
            let end =
                memchr(base + start, 0x0A, range.upperBound - start).map {
                    $0 - UnsafeMutableRawPointer(mutating: base)
                } ?? range.upperBound
            piece.lineCount += 1
            var stop = end
            if stop > start && buffer[stop - 1] == 0x0D { stop -= 1 }
            if stop > start {
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<stop])
                switch Self.type(of: line, forced: type) {
                case .success(let kind): piece.lines.append((start..<stop, kind))
                case .failure(let reason):
                    piece.problem = (piece.lineCount, reason.description)
                    return piece
                }
            }
            start = end + 1
        }
        return piece
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
            if forced == nil, line.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{"),
                JSONValidator.validate(line) == nil
            {
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
    /// for every acknowledgement. A line the producer refuses fails alone.
    package func send(lines: EventLines, event: String, repeat count: Int = 1, keepDeliveries: Bool)
        async throws(KafkaFailure) -> EmitReport
    {
        let producer = producer
        let timeout = settings.timeout
        return try await Blocking.run { () throws(KafkaFailure) in
            var ledger = DeliveryLedger(keep: keepDeliveries)
            let topic = HyphaTopic.forEvent(event)
            let keys = (
                json: EventKey.encode(type: .json, event: event), text: EventKey.encode(type: .text, event: event),
                bytes: EventKey.encode(type: .bytes, event: event)
            )
            let handle = try producer.topic(topic)
            lines.input.withUnsafeBytes { buffer in
                for (range, type) in lines.lines {
                    let key =
                        switch type {
                        case .json: keys.json
                        case .text: keys.text
                        case .bytes: keys.bytes
                        }
                    let value = UnsafeRawBufferPointer(rebasing: buffer[range])
                    for _ in 0..<count {
                        if ledger.brokerGone {
                            ledger.unsent += 1
                            continue
                        }
                        let queued = key.withUnsafeBytes { key in
                            EventProducer.queue(
                                producer, &ledger, topic: handle, event: event, type: type, key: key, value: value)
                        }
                        if !queued { ledger.unsent += 1 }
                    }
                }
            }
            return EventProducer.awaitDeliveries(&ledger, producer: producer, timeout: timeout)
        }
    }
}
