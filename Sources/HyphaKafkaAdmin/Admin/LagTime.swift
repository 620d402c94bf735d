// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus

/// How long a group's oldest unhandled event in a partition has waited: the
/// event at its committed offset, `now − its timestamp`. Exact, read off the
/// log, not interpolated from offsets.
public enum LagTime: Sendable, Equatable {
    /// Nothing waits: the group has read to the partition's end.
    case caughtUp
    /// The event at the committed offset has waited this many milliseconds.
    case waiting(millis: Int64)
    /// It cannot be told, for this reason.
    case unknown(Unknown)

    /// Why a lag time cannot be told.
    public enum Unknown: String, Sendable, Equatable {
        /// The group has no committed offset in the partition.
        case neverCommitted = "never committed"
        /// The event at the committed offset was deleted (retention), so its age is lost.
        case gone = "the event at the committed offset is no longer stored"
        /// The broker gave the event no timestamp.
        case noTimestamp = "the event at the committed offset has no timestamp"
        /// The broker did not hand the event over: not within the timeout, or
        /// reading was refused (a user allowed to describe groups but not to read).
        case unread = "the event at the committed offset could not be read"
    }

    /// Milliseconds waited: 0 when caught up, nil when unknown.
    public var millis: Int64? {
        switch self {
        case .caughtUp: 0
        case .waiting(let millis): millis
        case .unknown: nil
        }
    }

    /// The longest of a group's partitions' lag times: unknown when a
    /// partition with a committed offset has an unknown one (its age could be
    /// the longest); partitions never committed count only when no partition
    /// has a commit. nil for no partitions.
    public static func maximum(_ times: [LagTime]) -> LagTime? {
        let committed = times.filter { $0 != .unknown(.neverCommitted) }
        guard !committed.isEmpty else { return times.first }
        if let unknown = committed.first(where: { $0.millis == nil }) { return unknown }
        let longest = committed.compactMap(\.millis).max() ?? 0
        return longest == 0 ? .caughtUp : .waiting(millis: longest)
    }

    /// A partition's lag time from what reading at its committed offset found.
    package static func of(committed: Int64?, end: Int64?, found: FirstRecord?, nowMillis: Int64) -> LagTime {
        guard let committed else { return .unknown(.neverCommitted) }
        guard let end else { return .unknown(.unread) }
        guard committed < end else { return .caughtUp }
        switch found {
        case nil: return .unknown(.unread)
        case .end: return .caughtUp
        case .message(let offset, _) where offset > committed: return .unknown(.gone)
        case .message(_, nil): return .unknown(.noTimestamp)
        case .message(_, let timestamp?): return .waiting(millis: max(0, nowMillis - timestamp))
        }
    }
}

extension GroupLag {
    /// The longest lag time of its partitions; nil when not measured.
    public var maxLagTime: LagTime? { LagTime.maximum(partitions.compactMap(\.lagTime)) }
}

/// The records a long-lived admin (the exporter's, `--watch`'s) already read at
/// committed offsets. A record never changes once written, so while it is still
/// stored its timestamp need not be read again: a stalled group, the one whose
/// lag time matters, costs no read after its first. Only what the latest
/// reading found is kept, so the memory follows the lagging partitions.
package struct ReadRecords: Sendable, Equatable {
    /// The timestamp of the record at each partition's offset (nil: it has none).
    private(set) var timestamps: [TopicPartition: [Int64: Int64?]] = [:]

    /// A store holding nothing.
    package init() {}

    /// Of `wanted`, what is known from an earlier reading, and what must be read.
    /// A record counts as known only when `oldest` (the partition's low
    /// watermark, now) shows it still stored: one deleted since must read as gone.
    package func plan(_ wanted: [TopicPartition: Set<Int64>], oldest: [TopicPartition: Int64])
        -> (known: [TopicPartition: [Int64: FirstRecord]], toRead: [TopicPartition: Set<Int64>])
    {
        var known: [TopicPartition: [Int64: FirstRecord]] = [:]
        var toRead: [TopicPartition: Set<Int64>] = [:]
        for (partition, offsets) in wanted {
            for offset in offsets {
                if let low = oldest[partition], low <= offset, let timestamp = timestamps[partition]?[offset] {
                    known[partition, default: [:]][offset] = .message(offset: offset, timestampMillis: timestamp)
                } else {
                    toRead[partition, default: []].insert(offset)
                }
            }
        }
        return (known, toRead)
    }

    /// The store after a reading that found `found`: the records found exactly
    /// at the offset asked for, and nothing else.
    package static func kept(_ found: [TopicPartition: [Int64: FirstRecord]]) -> ReadRecords {
        var records = ReadRecords()
        for (partition, byOffset) in found {
            for (offset, record) in byOffset {
                if case .message(offset, let timestamp) = record {
                    records.timestamps[partition, default: [:]][offset] = timestamp
                }
            }
        }
        return records
    }
}

extension KafkaAdmin {
    /// The groups with each partition's lag time, from one batched read of the
    /// records at their committed offsets (a partition several groups stand at
    /// differently is read once per offset); unchanged without a reader. Given
    /// every partition's low watermark (`oldest`), records this admin read
    /// before and that are still stored are not read again.
    func withLagTimes(_ lags: [GroupLag], oldest: [TopicPartition: Int64]? = nil) throws(KafkaFailure) -> [GroupLag] {
        guard let reader else { return lags }
        var wanted: [TopicPartition: Set<Int64>] = [:]
        for lag in lags {
            for partition in lag.partitions {
                guard let committed = partition.committed, let end = partition.end, committed < end else { continue }
                wanted[TopicPartition(topic: partition.topic, partition: partition.partition), default: []]
                    .insert(committed)
            }
        }
        var (found, toRead) =
            oldest.map { low in readRecords.withLock { $0.plan(wanted, oldest: low) } } ?? ([:], wanted)
        // Lag time adds to what describe and servers show: a read that fails (no
        // Read permission on a topic, say) leaves it unknown, not the command failed.
        do {
            found.merge(try reader.firstRecords(toRead)) { known, _ in known }
        } catch  where error.kind != .unreachable {
            reader.client.logger.debug("lag time: \(error.reason)")
        }
        if oldest != nil { readRecords.withLock { $0 = .kept(found) } }
        let now = Self.wallClockMillis()
        return lags.map { lag in
            lag.withLagTimes { partition in
                let key = TopicPartition(topic: partition.topic, partition: partition.partition)
                return LagTime.of(
                    committed: partition.committed, end: partition.end,
                    found: partition.committed.flatMap { found[key]?[$0] }, nowMillis: now)
            }
        }
    }

    /// Milliseconds since the epoch, now.
    static func wallClockMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
